#!/usr/bin/env bash
# Installs what clients/django needs for /usr/bin/python3 from Debian (there is no PyPI here).
# Idempotent: safe to run again; used by CI (.ci/run) on a fresh machine of the same image (Debian 12 bookworm).
#   Django 4.2 LTS comes from bookworm-backports (plain bookworm ships 3.2, used as a second test target).
set -euo pipefail

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

# 1. bookworm-backports, unless an apt source already lists it
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo 'deb http://deb.debian.org/debian bookworm-backports main' \
    | $SUDO tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null
fi

# 2. the packages
$SUDO apt-get update -q
$SUDO apt-get install -y -q -t bookworm-backports python3-django
$SUDO apt-get install -y -q python3-boto3 python3-pytest python3-pytest-django python3-jsonschema

/usr/bin/python3 -c 'import django, boto3, pytest, pytest_django, jsonschema; print("django", django.get_version(), "boto3", boto3.__version__, "pytest", pytest.__version__)'

# 3. Django 3.2 from plain bookworm, unpacked (not installed) so ./run-tests.sh can run the suite on it too.
#    Best effort: without it the tests run on 4.2 only.
DJANGO32_DIR="${OUTRIGGER_DJANGO32_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/outrigger-django/django-3.2}"
if [ ! -d "$DJANGO32_DIR/django" ]; then
  version="$(apt-cache madison python3-django 2>/dev/null | awk '$3 ~ /^3:3\.2\./ {print $3; exit}' || true)"
  if [ -n "$version" ]; then
    work="$(mktemp -d)"
    if (cd "$work" && apt-get download -q "python3-django=$version" >/dev/null 2>&1); then
      dpkg-deb -x "$work"/python3-django_*.deb "$work/root"
      mkdir -p "$DJANGO32_DIR"
      cp -a "$work/root/usr/lib/python3/dist-packages/." "$DJANGO32_DIR/"
      echo "django $version unpacked in $DJANGO32_DIR"
    else
      echo "could not download python3-django=$version; tests will run on Django 4.2 only" >&2
    fi
    rm -rf "$work"
  fi
fi
