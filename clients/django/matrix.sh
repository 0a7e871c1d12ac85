# The supported Django versions and where each one lives. Sourced (not run) by install-deps.sh, with-django and
# run-tests.sh, so the matrix is written down once.
#
#   Django  Python  where
#   4.2     3.11    Debian 12 bookworm's /usr/bin/python3, Django from bookworm-backports, the django-tasks backport
#                   (and django-stubs-ext, which it imports) unpacked from Debian sid into $BACKPORT_DIR
#   5.2     3.14    a Debian sid root ($SID_ROOT, made by debootstrap): sid's python3-django and python3-django-tasks
#   6.1     3.14    the same root, with Django 6.1 from Debian experimental unpacked into $DJANGO61_IN_ROOT, which
#                   with-django puts first on PYTHONPATH (5.2 stays installed)

SUPPORTED_DJANGO=(4.2 5.2 6.1)

# Everything install-deps.sh builds lives outside the repository, in a per-user cache.
OUTRIGGER_DJANGO_CACHE="${OUTRIGGER_DJANGO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/outrigger-django}"
BACKPORT_DIR="$OUTRIGGER_DJANGO_CACHE/bookworm-backport"
SID_ROOT="$OUTRIGGER_DJANGO_CACHE/sid"
DJANGO61_IN_ROOT=/opt/django-6.1

# What the sid root holds. Changing this list (or ROOT_RECIPE_REVISION, for a change in how the root is made)
# makes install-deps.sh build the root again, and with-django refuse the old one until it has.
SID_PACKAGES=(
  python3-django python3-django-tasks
  python3-boto3 python3-pytest python3-pytest-django python3-jsonschema
  # moto_server for the over-the-wire publish tests (test_publish_sqs_server.py); it imports flask_cors, which
  # python3-moto neither depends on nor recommends
  python3-moto python3-flask-cors
  python3-celery python3-django-celery-beat
)
ROOT_RECIPE_REVISION=1
# The root is complete when this file exists; install-deps.sh writes it last, with the recipe's hash on line 1.
ROOT_MARKER="$SID_ROOT/.outrigger-root-complete"

root_recipe_hash() {
  printf '%s\n' "revision $ROOT_RECIPE_REVISION" "django-6.1 -> $DJANGO61_IN_ROOT" "${SID_PACKAGES[@]}" \
    | sha256sum | cut -d' ' -f1
}
# Written last by install-deps.sh once the backport is unpacked and imports on /usr/bin/python3.
BACKPORT_MARKER="$BACKPORT_DIR/.outrigger-backport-complete"
