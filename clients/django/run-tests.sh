#!/usr/bin/env bash
# Runs the outrigger_django tests on every supported Django (matrix.sh), each through with-django. CI calls this.
#   ./run-tests.sh                        Django 4.2, 5.2 and 6.1, one after the other
#   ./run-tests.sh --django 6.1 [-k …]    one version (repeat --django for several); other arguments go to pytest
# Exits non-zero if any version fails. A version that is not installed (./install-deps.sh installs them all) is
# reported and skipped, except with CI=true, where it fails the run.
set -euo pipefail
cd "$(dirname "$0")"

versions=()
pytest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --django) versions+=("${2:?--django needs a version: $(./with-django --list | paste -sd' ')}"); shift 2 ;;
    --django=*) versions+=("${1#--django=}"); shift ;;
    *) pytest_args+=("$1"); shift ;;
  esac
done
mapfile -t supported < <(./with-django --list)
[ ${#versions[@]} -gt 0 ] || versions=("${supported[@]}")
for version in "${versions[@]}"; do
  [[ " ${supported[*]} " == *" $version "* ]] || { echo "run-tests.sh: Django $version is not one of: ${supported[*]}" >&2; exit 2; }
done

export PYTHONDONTWRITEBYTECODE=1
summary=()
status=0
for version in "${versions[@]}"; do
  if ! problem="$(./with-django --check "$version" 2>&1)"; then
    if [ "${CI:-}" = true ]; then
      summary+=("Django $version: MISSING ($problem)")
      status=1
    else
      summary+=("Django $version: not run ($problem)")
    fi
    continue
  fi
  echo "== outrigger_django tests on $(./with-django "$version" python3 -c \
    'import sys, django; print("Django", django.get_version(), "on Python", sys.version.split()[0])')"
  started=$SECONDS
  if ./with-django "$version" python3 -m pytest -q -rs ${pytest_args[@]+"${pytest_args[@]}"}; then
    summary+=("Django $version: passed in $((SECONDS - started)) s")
  else
    summary+=("Django $version: FAILED in $((SECONDS - started)) s")
    status=1
  fi
done

echo "== outrigger_django on each Django"
printf '   %s\n' "${summary[@]}"
exit $status
