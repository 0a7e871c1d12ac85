#!/usr/bin/env bash
# Runs the outrigger_django tests with Debian's /usr/bin/python3 (where ./install-deps.sh put Django 4.2,
# boto3, pytest, pytest-django, jsonschema). Exits non-zero on any failure. CI calls this.
#   ./run-tests.sh            Django 4.2 (the installed one), then Django 3.2 if ./install-deps.sh fetched it
#   ./run-tests.sh -k publish extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")"

PY=/usr/bin/python3
DJANGO32_DIR="${OUTRIGGER_DJANGO32_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/outrigger-django/django-3.2}"
export PYTHONDONTWRITEBYTECODE=1

echo "== outrigger_django tests, Django $($PY -c 'import django; print(django.get_version())')"
$PY -m pytest -q -rs "$@"

if [ -d "$DJANGO32_DIR/django" ]; then
  echo "== outrigger_django tests, Django $(PYTHONPATH="$DJANGO32_DIR" $PY -c 'import django; print(django.get_version())') from $DJANGO32_DIR"
  PYTHONPATH="$DJANGO32_DIR" $PY -W ignore::DeprecationWarning -m pytest -q -rs "$@"
else
  echo "== Django 3.2 not found in $DJANGO32_DIR (./install-deps.sh fetches it); tested 4.2 only"
fi
