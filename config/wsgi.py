import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# The URLconf, and with it every view's module (the dashboard's scipy and matplotlib among
# them), is otherwise imported on a process's first request: about 1.4 s of CPU. gunicorn
# imports this module before it forks its workers (preload_app), so they start ready and share it.
get_resolver().url_patterns  # noqa: B018
