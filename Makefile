# The two commands: `make run` and `make test`. Both set everything up on a fresh machine and
# are safe to run again.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INSTRUMENT ?= instruments/cme-social-network-2022.yaml
HOST ?= 127.0.0.1
PORT ?= 8000
# Two test processes (pytest-xdist), one per core of the development and CI machines: the suite
# runs in 5 minutes instead of 8 on SQLite. PYTEST_ARGS= runs it in one process.
PYTEST_ARGS ?= -n 2

.PHONY: run test install lint messages compile-messages screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) .env

# The development settings that manage.py reads (never overriding the environment): the README's
# commands work as printed. Not committed; the container image never has it.
.env:
	@printf '# Development settings, read by manage.py (the environment wins). Production: see README.\nDEBUG=1\n' > .env

# Development server on SQLite (db.sqlite3), with the instrument and a demo investigator.
run: export DEBUG ?= 1
run: install
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py populate_history --auto >/dev/null
	@# A file refused (its structure changed while the database holds answers) leaves the live
	@# survey as it is: the site still starts, as the container does (see README).
	$(BIN)/python manage.py load_instrument $(INSTRUMENT) || echo "  The instrument file was not loaded (see above): the site serves the survey as the database holds it."
	$(BIN)/python manage.py ensure_demo_investigator
	@echo ""
	@echo "  Survey:    http://$(HOST):$(PORT)/"
	@echo "  Dashboard: http://$(HOST):$(PORT)/dashboard/  (results, subgroups, exports; demo investigator login above)"
	@echo "  Admin:     http://$(HOST):$(PORT)/admin/  (the survey builder)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Screenshots of every respondent page (phone and desktop) and of the dashboard, in screenshots/.
screenshots: install
	SCREENSHOTS_DIR=screenshots $(BIN)/python -m pytest tests/browser/test_screenshots.py -q
	@echo "Screenshots written to screenshots/"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# After changing a translatable string: refresh the .po files, translate, compile (needs gettext;
# the compiled .mo files are committed so that a fresh machine needs no gettext).
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l fr -l en --ignore=.venv --ignore=staticfiles
compile-messages: install
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
