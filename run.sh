#!/usr/bin/env bash
# The project's one list of commands, used by the README, CI and people:
#   bash run.sh dashboard   start the dashboard on the demo data (builds it on first start); PORT=8502 for another port
#   bash run.sh etl …       the command line (python -m etl …) inside the project's venv, e.g. bash run.sh etl load a.xlsx
#   bash run.sh test        run the test suite
#   bash run.sh bench       the benchmark (bench/run.py): loading, queries, pages against the goals [--communes N --months M]
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

port_free() {  # can the dashboard listen on address $1, port $2? 0 yes, 1 another program listens there, 2 not a port
  python - "$1" "$2" 2>/dev/null <<'PY'
import errno, socket, sys
try:
    family, kind, _, _, where = socket.getaddrinfo(sys.argv[1], int(sys.argv[2]), type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(where)
except OSError as exc:
    sys.exit(1 if exc.errno == errno.EADDRINUSE else 2)
except (ValueError, OverflowError):
    sys.exit(2)
PY
}

case "${1:-}" in
  dashboard)
    setup requirements.txt
    port="${PORT:-8501}" taken=0
    port_free "${ADDRESS:-127.0.0.1}" "$port" || taken=$?
    if [ "$taken" = 1 ]; then
      echo "Cổng $port đang được dùng; đặt PORT=$((port + 1)) bash run.sh dashboard" >&2
      exit 2
    elif [ "$taken" != 0 ]; then
      echo "Không mở được cổng «$port» trên địa chỉ «${ADDRESS:-127.0.0.1}»: PORT là một số từ 1024 đến 65535, ví dụ PORT=8502 bash run.sh dashboard" >&2
      exit 2
    fi
    export CH33_DB="${CH33_DB:-data/demo.duckdb}"
    [ "$CH33_DB" != "data/demo.duckdb" ] || python -m etl demo --if-missing
    # 127.0.0.1: this PC only, no sign-in; ADDRESS=0.0.0.0 serves the network and requires sign-in (README)
    exec python -m ui.serve --server.port "${PORT:-8501}" --server.address "${ADDRESS:-127.0.0.1}"
    ;;
  etl)
    setup requirements.txt
    exec python -m etl "${@:2}"
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
    exec python bench/run.py "${@:2}"
    ;;
  *)
    echo "Dùng: bash run.sh dashboard | etl LỆNH … | test | lint | bench" >&2
    exit 2
    ;;
esac
