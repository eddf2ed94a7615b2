"""Anonymity by design: nothing stored about a respondent can identify them."""

from django.apps import apps

IDENTIFYING = ("ip", "addr", "agent", "user", "email", "name", "host", "referer", "referrer", "device")


def respondent_models():
    """Every model of ours but the instrument's history, which records investigators' edits."""
    for app in ("surveys", "analysis"):
        for model in apps.get_app_config(app).get_models():
            if not model.__name__.startswith("Historical"):
                yield model


def test_no_model_of_ours_stores_an_address_a_user_agent_or_an_account():
    suspicious = []
    for model in respondent_models():
        for field in model._meta.get_fields():
            words = field.name.lower().split("_")
            if (
                any(word in IDENTIFYING for word in words)
                or field.is_relation
                and getattr(field.related_model, "__name__", "") in ("User", "Session")
            ):
                suspicious.append(f"{model.__name__}.{field.name}")
    assert suspicious == []


def test_only_the_instrument_has_a_history_of_who_changed_it():
    tracked = {
        model.__name__.removeprefix("Historical")
        for model in apps.get_app_config("surveys").get_models()
        if model.__name__.startswith("Historical")
    }
    assert tracked == {"Survey", "Page", "Question", "Choice", "Statement"}


def test_the_resume_cookie_is_the_only_thing_a_browser_keeps(client, survey, db):
    from django.urls import reverse

    reply = client.post(reverse("surveys:start", kwargs={"slug": survey.slug}), {"consent": "on"})
    assert set(reply.cookies) <= {f"response-{survey.slug}", "csrftoken"}
    assert "sessionid" not in reply.cookies
