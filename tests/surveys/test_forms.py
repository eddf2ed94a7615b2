"""Each question kind's cleaning, on the study's questions."""

import pytest

from surveys.forms import PageForm
from surveys.selectors import survey_layout
from surveys.skip_logic import visible_codes
from surveys.values import AnswerValue

pytestmark = pytest.mark.django_db


def form_for(survey, position, data, earlier=None, strict=True):
    """The form of page ``position`` given ``earlier`` single choices ({"Q9": ("rarely",)})."""
    layout = survey_layout(survey)
    saved = {code: AnswerValue(choice=codes[0]) for code, codes in (earlier or {}).items()}
    return PageForm(
        data,
        layout=layout,
        page=layout.page(position),
        saved=saved,
        visible=visible_codes(layout.rules, saved),
        strict=strict,
    )


PAGE_2 = {"Q9": "rarely", "Q10": "never"}


def test_a_single_choice_gives_its_code_and_comment(survey):
    form = form_for(survey, 2, {**PAGE_2, "Q9__comment": "  rarement  "})
    assert form.is_valid(), form.errors
    answers = form.answers()
    assert (answers["Q9"].choice, answers["Q9"].comment) == ("rarely", "rarement")


def test_a_single_choice_refuses_an_unknown_code(survey):
    form = form_for(survey, 2, {**PAGE_2, "Q9": "sometimes"})
    assert not form.is_valid()
    assert "Q9" in form.errors


def test_a_scale_gives_an_integer(survey):
    data = {f"Q{n}": "8" for n in range(11, 19)}
    form = form_for(survey, 3, {**data, "Q11": "0"}, earlier={"Q9": ("rarely",)})
    assert form.is_valid(), form.errors
    assert form.answers()["Q11"].score == 0
    assert form.answers()["Q12"].score == 8


@pytest.mark.parametrize("value", ["11", "-1", "abc", "", "7.0"])
def test_a_scale_refuses_anything_but_an_integer_on_the_scale(survey, value):
    data = {**{f"Q{n}": "8" for n in range(11, 19)}, "Q11": value}
    form = form_for(survey, 3, data, earlier={"Q9": ("rarely",)})
    assert not form.is_valid()
    assert list(form.errors) == ["Q11"]


def page_4(**changes):
    return {"Q19": "no", "Q21": ["speed_of_responses"], "Q22": ["too_many_posts"], **changes}


def test_a_multiple_choice_gives_every_code_chosen(survey):
    form = form_for(survey, 4, page_4(Q21=["speed_of_responses", "free_of_charge"]))
    assert form.is_valid(), form.errors
    assert form.answers()["Q21"].choices == ("speed_of_responses", "free_of_charge")


def test_a_multiple_choice_refuses_an_unknown_code(survey):
    form = form_for(survey, 4, page_4(Q21=["speed_of_responses", "telepathy"]))
    assert not form.is_valid() and "Q21" in form.errors


def test_other_needs_its_text(survey):
    form = form_for(survey, 4, page_4(Q21=["other"]))
    assert not form.is_valid()
    assert "Q21__other_text" in form.errors


def test_the_other_text_comes_with_other(survey):
    form = form_for(survey, 4, page_4(Q21=["other"], Q21__other_text="Entraide"))
    assert form.is_valid(), form.errors
    assert form.answers()["Q21"].other_text == "Entraide"


def test_a_question_decided_on_the_same_page_is_required_only_when_shown(survey):
    assert form_for(survey, 4, page_4(Q19="no")).is_valid()
    shown = form_for(survey, 4, page_4(Q19="yes"))
    assert not shown.is_valid() and list(shown.errors) == ["Q20"]


def test_a_hidden_question_gives_no_answer_even_if_posted(survey):
    form = form_for(survey, 4, page_4(Q19="no", Q20=["paid_teleexpertise"]))
    assert form.is_valid()
    assert "Q20" not in form.answers()


def test_free_text_is_optional_and_limited_in_length(survey):
    assert form_for(survey, 6, {}).is_valid()
    too_long = form_for(survey, 6, {"Q27": "x" * 5001})
    assert not too_long.is_valid() and "Q27" in too_long.errors


def test_going_back_does_not_require_answers(survey):
    assert form_for(survey, 2, {"Q9": "rarely"}, strict=False).is_valid()
    assert not form_for(survey, 2, {"Q9": "rarely"}).is_valid()


def test_field_names_are_the_question_codes(survey):
    form = form_for(survey, 4, None)
    assert list(form.fields) == [
        "Q19",
        "Q20",
        "Q20__other_text",
        "Q21",
        "Q21__other_text",
        "Q22",
        "Q22__other_text",
    ]


def test_each_form_has_its_own_copy_of_fields_built_once_per_layout_and_language(survey):
    from django.utils import translation

    first = form_for(survey, 1, {})
    first.fields["Q1"].label = "changed by one request"
    first.fields["Q1"].widget.attrs["data-x"] = "1"
    first.fields["Q1"].required = not first.fields["Q1"].required
    first.fields["Q1"].error_messages["invalid_choice"] = "changed"
    first.fields["Q1"].validators.append(print)
    second = form_for(survey, 1, {})
    assert second.fields["Q1"].label != "changed by one request"
    assert "data-x" not in second.fields["Q1"].widget.attrs
    assert second.fields["Q1"].required != first.fields["Q1"].required
    assert second.fields["Q1"].error_messages["invalid_choice"] != "changed"
    assert print not in second.fields["Q1"].validators
    assert second.fields["Q1"] is not first.fields["Q1"]
    assert second.fields["Q1"].widget is not first.fields["Q1"].widget
    assert list(second.fields["Q1"].choices) == list(first.fields["Q1"].choices)
    with translation.override("en"):
        english = form_for(survey, 1, {})
        assert str(english.fields["Q3__other_text"].label) == "Please specify"
    with translation.override("fr"):
        assert str(form_for(survey, 1, {}).fields["Q3__other_text"].label) == "Précisez"


def test_a_field_made_of_widgets_is_copied_whole_and_choices_are_shared_only_as_read():
    from django import forms

    from surveys.forms import _copied

    split = forms.SplitDateTimeField()
    copied = _copied(split)
    assert copied.widget.widgets[0] is not split.widget.widgets[0]
    assert copied.fields[0] is not split.fields[0]
    single = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)
    other = _copied(single)
    other.choices = [("b", "B")]  # a form that sets its own choices leaves the cached field alone
    assert list(single.choices) == [("a", "A")]
    assert list(single.widget.choices) == [("a", "A")]
