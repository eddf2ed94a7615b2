# The web service: Django under gunicorn, static files served by WhiteNoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md ./
# The project's dependencies, from pyproject.toml (the project itself is not a package).
RUN pip install --no-cache-dir .
COPY . .
# Collected at build time: the containers keep nothing on their own disk at run time.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --no-input -v0

RUN useradd --system --uid 10001 app
USER app
EXPOSE 8000
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["gunicorn", "config.wsgi:application", "--config", "/app/deploy/gunicorn.conf.py"]
