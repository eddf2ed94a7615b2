import secrets

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as site
from surveys.models import Response


@csrf_exempt
def single_insert(request):
    """The ceiling: a request that does one INSERT and nothing else."""
    Response.objects.create(survey_id=request.GET["survey"], token_hash=secrets.token_hex(32))
    return HttpResponse("ok")


urlpatterns = [path("bench/insert", single_insert), *site]
