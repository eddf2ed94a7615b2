#!/bin/sh
# Runs before the web process: migrate, then load the instrument file. The database holds the
# live instrument: an unchanged file changes nothing and edits made in the admin are kept. A load
# that is refused (the file and the admin both changed the survey, or the file changes the
# structure of a survey with answers) leaves the live survey as it is: the site starts anyway,
# and the log says what to do.
set -e
python manage.py migrate --no-input
# The instrument's history starts from what is there (once: a no-op when it has records already).
python manage.py populate_history --auto
instrument="${INSTRUMENT:-instruments/cme-social-network-2022.yaml}"
if ! python manage.py load_instrument "$instrument"; then
  echo "WARNING: $instrument was not loaded (see above); the site serves the live survey as it is in the database." >&2
fi
exec "$@"
