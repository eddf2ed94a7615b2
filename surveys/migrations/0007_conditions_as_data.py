"""Conditions become data (a migration of its own: on PostgreSQL no table is altered in the
transaction that updates its rows, either way)."""

from django.db import migrations


def _as_data(question_code, operator, choice_code):
    return {"question": question_code, operator: choice_code}


def conditions_to_data(apps, schema_editor):
    """A condition was a choice and an operator: it becomes data, {"question": "Q9", "is_not": "never"}."""
    Choice = apps.get_model("surveys", "Choice")
    choices = {c.pk: (c.question.code, c.code) for c in Choice.objects.select_related("question")}
    for model in ("Question", "HistoricalQuestion"):
        rows = apps.get_model("surveys", model).objects.exclude(condition_choice_id=None)
        for row in rows:
            known = choices.get(row.condition_choice_id)
            if known:
                row.condition = _as_data(known[0], row.condition_operator, known[1])
                row.save(update_fields=["condition"])


def conditions_from_data(apps, schema_editor):
    """Back to one choice and an operator: only for what that could say (no page condition,
    grid, number, date, dropdown or note, and conditions of one choice)."""
    Question = apps.get_model("surveys", "Question")
    Choice = apps.get_model("surveys", "Choice")
    Page = apps.get_model("surveys", "Page")
    Answer = apps.get_model("surveys", "Answer")
    newer = Question.objects.exclude(kind__in=["single", "multiple", "scale", "text"])
    if (
        Page.objects.exclude(condition=None).exists()
        or newer.exists()
        or Answer.objects.exclude(row="").exists()
    ):
        raise RuntimeError(
            "These surveys use page conditions or kinds of question that the earlier schema cannot hold: "
            "the rollback stops here (migrate forward again to return)."
        )
    for question in Question.objects.exclude(condition=None):
        data = question.condition
        operator = next((op for op in ("is", "is_not") if op in data), None)
        if operator is None or set(data) != {"question", operator}:
            raise RuntimeError(f"{question.code}: this condition cannot be written as one choice")
        question.condition_choice = Choice.objects.get(
            question__survey_id=question.survey_id, question__code=data["question"], code=data[operator]
        )
        question.condition_operator = operator
        question.save(update_fields=["condition_choice", "condition_operator"])


class Migration(migrations.Migration):
    dependencies = [("surveys", "0006_kinds_and_conditions")]

    operations = [migrations.RunPython(conditions_to_data, conditions_from_data)]
