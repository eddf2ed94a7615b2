import pytest
from django.utils import translation


@pytest.fixture
def investigator(client, django_user_model):
    """A browser signed in as a staff investigator who reads the admin in English."""
    user = django_user_model.objects.create_user("inv", password="pw", is_staff=True, is_superuser=True)
    client.force_login(user)
    client.cookies["lang"] = "en"
    return client


@pytest.fixture
def english():
    """Messages built outside a request (services, commands) in English."""
    with translation.override("en"):
        yield
