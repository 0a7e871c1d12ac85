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

# The console tests (tests/test_console.py) run against a real `outrigger local up`, which needs a JDK; the Debian sid
# root of 5.2 and 6.1 has none, so one is started here on the host for each version (a fresh one: a test's redriven
# jobs must not reach the next version's tests) and reached over 127.0.0.1. Without a built runtime they are skipped
# (failing the run with CI=true).
console_runtime_pid=""
start_console_runtime() {
  local out="$1"
  python3 tests/console_runtime.py serve > "$out" 2>&1 &
  console_runtime_pid=$!
  for _ in $(seq 1 1800); do
    if grep -q '^OUTRIGGER_TEST_LOCAL_UP=' "$out"; then
      export OUTRIGGER_TEST_LOCAL_UP="$(sed -n 's/^OUTRIGGER_TEST_LOCAL_UP=//p' "$out")"
      return 0
    fi
    kill -0 "$console_runtime_pid" 2>/dev/null || break
    sleep 0.1
  done
  stop_console_runtime
  return 1
}
stop_console_runtime() {
  if [ -n "$console_runtime_pid" ]; then
    kill "$console_runtime_pid" 2>/dev/null || true
    wait "$console_runtime_pid" 2>/dev/null || true
    console_runtime_pid=""
  fi
  unset OUTRIGGER_TEST_LOCAL_UP
}
trap 'stop_console_runtime; rm -f "${console_log:-}"' EXIT
console_log="$(mktemp)"

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
  if ! start_console_runtime "$console_log"; then
    echo "run-tests.sh: no local runtime for the console tests: $(tail -n 3 "$console_log")" >&2
    [ "${CI:-}" = true ] && status=1
  fi
  if ./with-django "$version" python3 -m pytest -q -rs ${pytest_args[@]+"${pytest_args[@]}"}; then
    summary+=("Django $version: passed in $((SECONDS - started)) s")
  else
    summary+=("Django $version: FAILED in $((SECONDS - started)) s")
    status=1
  fi
  stop_console_runtime
done

echo "== outrigger_django on each Django"
printf '   %s\n' "${summary[@]}"
exit $status
