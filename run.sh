#!/usr/bin/env bash
# The project's one list of commands, used by the README, CI and people:
#   bash run.sh dashboard   start the dashboard on the demo data (builds it on first start)
#   bash run.sh test        run the test suite
#   bash run.sh bench       print loading and indicator figures for the demo set
#   bash run.sh lint        ruff check and ruff format --check (CI runs it before the tests)
set -euo pipefail
cd "$(dirname "$0")"

setup() {  # a project venv unless one is active; reinstall only when the requirements file changed
  if [ -z "${VIRTUAL_ENV:-}" ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    # shellcheck disable=SC1091
    . .venv/bin/activate
  fi
  local stamp="$VIRTUAL_ENV/.ch33-$(cat "$1" requirements.txt | sha1sum | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    python -m pip install -q --disable-pip-version-check -r "$1"
    touch "$stamp"
  fi
}

case "${1:-}" in
  dashboard)
    setup requirements.txt
    export CH33_DB="${CH33_DB:-data/demo.duckdb}"
    [ "$CH33_DB" != "data/demo.duckdb" ] || python -m etl demo --if-missing
    exec python -m ui.serve --server.port "${PORT:-8501}"
    ;;
  test)
    setup requirements-dev.txt
    exec python -m pytest -q "${@:2}"
    ;;
  lint)
    setup requirements-dev.txt
    ruff check .
    exec ruff format --check .
    ;;
  bench)
    setup requirements.txt
    exec python bench/load_bench.py "${@:2}"
    ;;
  *)
    echo "Dùng: bash run.sh dashboard | test | lint | bench" >&2
    exit 2
    ;;
esac
