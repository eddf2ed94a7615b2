from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class StudyLanguageMiddleware:
    """French unless the visitor chose another language with the switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the study's
    language is French, whatever language a physician's phone happens to be set to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
