#!/bin/sh
# Runs before the web process: migrate and load the instrument (both idempotent).
set -e
python manage.py migrate --no-input
python manage.py load_instrument "${INSTRUMENT:-instruments/cme-social-network-2022.yaml}"
exec "$@"
