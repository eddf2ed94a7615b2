import factory

from surveys.models import Choice, Page, Question, Response, Survey
from surveys.selectors import token_hash


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    slug = factory.Sequence(lambda n: f"survey-{n}")
    instrument_version = "1"
    status = Survey.Status.OPEN
    title_fr = "Enquête"
    title_en = "Survey"


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n + 1)
    title_fr = "Page"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    page = factory.SubFactory(PageFactory)
    survey = factory.SelfAttribute("page.survey")
    code = factory.Sequence(lambda n: f"Q{n + 1}")
    position = factory.Sequence(lambda n: n + 1)
    kind = Question.Kind.SINGLE
    text_fr = "Question ?"
    text_en = "Question?"


class ScaleQuestionFactory(QuestionFactory):
    kind = Question.Kind.SCALE
    scale_min = 0
    scale_max = 10


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    code = factory.Sequence(lambda n: f"choice_{n}")
    position = factory.Sequence(lambda n: n + 1)
    label_fr = "Choix"
    label_en = "Choice"


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    survey = factory.SubFactory(SurveyFactory)
    token_hash = factory.Sequence(lambda n: token_hash(f"token-{n}"))
