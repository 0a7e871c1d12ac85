#!/usr/bin/env bash
# Installs every Django the package is tested on (matrix.sh lists them), from Debian packages only:
#   Django 4.2 for /usr/bin/python3 (3.11) from bookworm-backports, with boto3, pytest, pytest-django, jsonschema, and
#     the django-tasks backport unpacked from sid into a cache dir (with-django puts it on PYTHONPATH);
#   a Debian sid root made with debootstrap, for Python 3.14: Django 5.2, django-tasks, the same test tools, Celery
#     and django-celery-beat, and Django 6.1 from experimental unpacked into /opt/django-6.1 of the root.
# Run as root on Debian 12 (bookworm); CI (.ci/run) calls it on a fresh machine. Idempotent, and quick when
# everything is already there: the root is reused while its recipe (matrix.sh) is unchanged, and rebuilt when not.
#   OUTRIGGER_DEBIAN_MIRROR   the Debian mirror for the sid root (default http://deb.debian.org/debian)
#   OUTRIGGER_DJANGO_CACHE    where the root and the backport go (default ${XDG_CACHE_HOME:-~/.cache}/outrigger-django)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd -P)"
. "$here/matrix.sh"

if [ "$(id -u)" != 0 ]; then
  echo "install-deps.sh: run it as root (it installs Debian packages and builds a chroot)" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
MIRROR="${OUTRIGGER_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
HOST_PACKAGES=(python3-boto3 python3-pytest python3-pytest-django python3-jsonschema python3-typing-extensions
  debootstrap)
# The backport and the one package it imports that bookworm lacks, taken from the sid root's archive.
BACKPORT_PACKAGES=(python3-django-tasks python3-django-stubs-ext)
# apt in the sid root: signatures are checked as always, but not the Release files' Valid-Until date, because a
# mirror that serves a snapshot of the archive taken earlier than that window (sid's is a week) would otherwise be
# refused as expired.
ROOT_APT=(apt-get -q -y -o Acquire::Check-Valid-Until=false -o APT::Install-Recommends=false)

mkdir -p "$OUTRIGGER_DJANGO_CACHE"
# One install at a time per cache dir (two CI runs, or a developer and CI, on one machine).
exec 9>"$OUTRIGGER_DJANGO_CACHE/.install.lock"
flock 9

log() { echo "install-deps: $*"; }
BUILD_LOG="$OUTRIGGER_DJANGO_CACHE/root-build.log"
# quietly COMMAND...: its output goes to BUILD_LOG, and its last lines to stderr if it fails.
quietly() {
  "$@" >>"$BUILD_LOG" 2>&1 || {
    local rc=$?
    tail -n 30 "$BUILD_LOG" >&2
    echo "install-deps: failed ($rc): $*; the whole log is $BUILD_LOG" >&2
    return $rc
  }
}
# installed_version PACKAGE [ROOT]: its version if installed on the host (or in ROOT), else nothing
installed_version() {
  { dpkg-query --admindir="${2:-}/var/lib/dpkg" -W -f='${db:Status-Status} ${Version}\n' "$1" 2>/dev/null || true; } \
    | awk '$1 == "installed" {print $2}'
}

# ------------------------------------------------------------------------------------- Django 4.2 on the host

host_ready() {
  [[ "$(installed_version python3-django)" == 3:4.2.* ]] || return 1
  local p
  for p in "${HOST_PACKAGES[@]}"; do [ -n "$(installed_version "$p")" ] || return 1; done
}

install_host_packages() {
  if ! grep -rqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "deb $MIRROR bookworm-backports main" >/etc/apt/sources.list.d/bookworm-backports.list
  fi
  apt-get update -q
  apt-get install -y -q -t bookworm-backports python3-django
  apt-get install -y -q "${HOST_PACKAGES[@]}"
}

# ------------------------------------------------------------------------------------------------ the sid root

root_ready() { [ -f "$ROOT_MARKER" ] && [ "$(head -n1 "$ROOT_MARKER")" = "$(root_recipe_hash)" ]; }

# remove_root DIR: deletes a root that is no longer wanted, unless a process still runs in it (with-django in the
# old root while the new one was built): then it stays, and a later install removes it. Refuses a root with anything
# mounted below it, which rm would descend into.
remove_root() {
  local dir=$1 pid
  [ -e "$dir" ] || return 0
  if findmnt -rn -o TARGET | awk -v d="$dir" 'index($0, d "/") == 1 || $0 == d {found=1} END {exit !found}'; then
    echo "install-deps: not removing $dir: something is mounted below it (findmnt | grep $dir)" >&2
    return 1
  fi
  for pid in /proc/[0-9]*; do
    if [ "$(readlink "$pid/root" 2>/dev/null)" = "$dir" ]; then
      log "leaving $dir for a later install to remove: process ${pid#/proc/} still runs in it"
      return 0
    fi
  done
  rm -rf --one-file-system "$dir"
}

build_root() {
  local started=$SECONDS new="$SID_ROOT.new.$$" old="$SID_ROOT.old.$$"
  local leftover
  for leftover in "$SID_ROOT".new.* "$SID_ROOT".old.*; do   # from an interrupted install, or still in use then
    remove_root "$leftover"
  done
  log "building the Debian sid root in $SID_ROOT (debootstrap, then ${#SID_PACKAGES[@]} packages)"
  : >"$BUILD_LOG"
  # No fsync per file while dpkg unpacks (debootstrap's second stage, then apt): a root that is cut short is never
  # used (the marker comes last) and is built again, so durability buys nothing here, and the syncs make the
  # install several times slower on a busy disk. Written first, dpkg in the new root reads it from the start.
  mkdir -p "$new/etc/dpkg/dpkg.cfg.d"
  echo force-unsafe-io >"$new/etc/dpkg/dpkg.cfg.d/outrigger-unsafe-io"
  quietly debootstrap --variant=minbase sid "$new" "$MIRROR"
  log "debootstrap done after $((SECONDS - started)) s"
  printf 'deb %s sid main\ndeb %s experimental main\n' "$MIRROR" "$MIRROR" >"$new/etc/apt/sources.list"
  quietly "$here/in-root" "$new" -- "${ROOT_APT[@]}" update
  quietly "$here/in-root" "$new" -- "${ROOT_APT[@]}" install "${SID_PACKAGES[@]}"
  log "packages installed after $((SECONDS - started)) s"

  # Django 6.1 beside 5.2: unpacked from experimental's .deb, not installed over sid's.
  quietly "$here/in-root" "$new" --cd /var/tmp -- "${ROOT_APT[@]}" download python3-django/experimental
  local deb
  deb="$(ls "$new"/var/tmp/python3-django_*.deb)"
  [[ "$(dpkg-deb -f "$deb" Version)" == 3:6.1.* ]] || { echo "install-deps: experimental has $(dpkg-deb -f "$deb" Version), not Django 6.1" >&2; return 1; }
  check_depends "$deb" "$new"
  dpkg-deb -x "$deb" "$new/var/tmp/django-6.1"
  mkdir -p "$new$DJANGO61_IN_ROOT"
  cp -a "$new/var/tmp/django-6.1/usr/lib/python3/dist-packages/." "$new$DJANGO61_IN_ROOT/"
  rm -rf "$new/var/tmp/django-6.1" "$deb"
  quietly "$here/in-root" "$new" -- "${ROOT_APT[@]}" clean

  local versions
  versions="$("$here/in-root" "$new" -- python3 -c 'import sys, django, boto3, pytest, celery, importlib.metadata as m
print("python", sys.version.split()[0], "django", django.get_version(), "django-tasks", m.version("django-tasks"),
      "boto3", boto3.__version__, "pytest", pytest.__version__, "celery", celery.__version__)')"
  versions+=$'\n'"$("$here/in-root" "$new" -- env PYTHONPATH="$DJANGO61_IN_ROOT" python3 -c 'import django, django.tasks; print("django", django.get_version(), "from", django.__path__[0])')"
  { root_recipe_hash; echo "$versions"; echo "built $(date -u +%FT%TZ) in $((SECONDS - started)) s from $MIRROR"; } >"$new/${ROOT_MARKER##*/}"

  # Swap in the new root: a with-django started from now on uses it.
  if [ -e "$SID_ROOT" ]; then mv "$SID_ROOT" "$old"; fi
  mv "$new" "$SID_ROOT"
  remove_root "$old"
  log "sid root ready after $((SECONDS - started)) s: $(tr '\n' ';' <"$ROOT_MARKER" | cut -d';' -f2-3)"
}

# check_depends DEB [ROOT]: every Depends of DEB is installed on the host (or in ROOT), or, on the host, is one of
# the packages unpacked beside it (BACKPORT_PACKAGES, their .debs in DEB's directory). Fails naming each unmet one.
check_depends() {
  local deb=$1 root=${2:-} missing=() dep alt name op version have ok
  while IFS= read -r dep; do
    ok=false
    IFS='|' read -ra alts <<<"$dep"
    for alt in "${alts[@]}"; do
      read -r name op version <<<"$(sed -E 's/^ *([^ :(]+)(:any)? *(\(([<>=]+) *([^)]+)\))? *$/\1 \4 \5/' <<<"$alt")"
      have=""
      if [ -z "$root" ] && [[ " ${BACKPORT_PACKAGES[*]} " == *" $name "* ]]; then
        have="$(dpkg-deb -f "$(dirname "$deb")/${name}_"*.deb Version 2>/dev/null || true)"
      else
        have="$(installed_version "$name" "$root")"
      fi
      if [ -n "$have" ] && { [ -z "$op" ] || dpkg --compare-versions "$have" "$op" "$version"; }; then ok=true; break; fi
    done
    $ok || missing+=("$dep")
  done < <(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/^ *//')
  if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: $(basename "$deb") needs what ${root:-this machine} does not have: $(printf '%s; ' "${missing[@]}")" >&2
    return 1
  fi
}

# ---------------------------------------------------------------- the django-tasks backport for Django 4.2

backport_ready() { [ -f "$BACKPORT_MARKER" ] && [ "$(head -n1 "$BACKPORT_MARKER")" = "$(root_recipe_hash)" ]; }

# Sid's python3-django-tasks is pure Python (Requires-Python >= 3.10): its .deb, taken with apt from the sid root
# (so its signature chain is checked), is unpacked for /usr/bin/python3 without installing a sid package on the host.
unpack_backport() {
  local work="$SID_ROOT/var/tmp/outrigger-backport.$$" new="$BACKPORT_DIR.new.$$" deb
  mkdir -p "$work"
  chmod 1777 "$work"   # apt downloads as its own _apt user
  quietly "$here/in-root" "$SID_ROOT" --cd "${work#"$SID_ROOT"}" -- "${ROOT_APT[@]}" download "${BACKPORT_PACKAGES[@]}"
  rm -rf "$new"
  mkdir -p "$new/site" "$new/bin"
  for deb in "$work"/*.deb; do
    check_depends "$deb"
    dpkg-deb -x "$deb" "$work/x"
  done
  cp -a "$work/x/usr/lib/python3/dist-packages/." "$new/site/"
  # `python3` on with-django 4.2's PATH: the Python that has Django 4.2 (not whatever python3 comes first).
  ln -s /usr/bin/python3 "$new/bin/python3"
  ln -s /usr/bin/python3 "$new/bin/python"
  local versions
  versions="$(for deb in "$work"/*.deb; do dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb"; done)"
  rm -rf "$work"
  # proof it works on 4.2 / 3.11: the app loads and the immediate backend is built from TASKS
  (cd / && PYTHONPATH="$new/site" /usr/bin/python3 -c '
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["django_tasks"],
                   TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
django.setup()
from django_tasks import task_backends
assert type(task_backends["default"]).__name__ == "ImmediateBackend"
' ) || { echo "install-deps: the django-tasks backport does not import on /usr/bin/python3" >&2; return 1; }
  { root_recipe_hash; echo "$versions"; } >"$new/${BACKPORT_MARKER##*/}"
  rm -rf "$BACKPORT_DIR"
  mv "$new" "$BACKPORT_DIR"
  log "backport ready in $BACKPORT_DIR: $(echo "$versions" | paste -sd';')"
}

# ------------------------------------------------------------------------------------------------------ main

started=$SECONDS
host_ready || install_host_packages
host_ready || { echo "install-deps: Django 4.2 from bookworm-backports is not installed on the host" >&2; exit 1; }
root_ready || build_root
backport_ready || unpack_backport
log "ready after $((SECONDS - started)) s:"
echo "  Django 4.2: $(/usr/bin/python3 -c 'import sys, django; print("django", django.get_version(), "python", sys.version.split()[0])'), backport $(sed -n 2,3p "$BACKPORT_MARKER" | paste -sd' ')"
echo "  sid root:   $(sed -n 2,3p "$ROOT_MARKER" | paste -sd' ')"
