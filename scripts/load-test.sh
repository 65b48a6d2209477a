#!/usr/bin/env bash
# Steady-rate load test on loopback: starts `selfheal --role all` (SQLite in a temp folder, the
# simulated LLM), sends RATE requests/s for DURATION s after a warm-up (tests/load/load_test.py),
# then checks every acknowledged request has exactly one execution log row, the stats API agrees
# with the client's count, and VmRSS stayed flat. Prints the numbers and "N passed, M failed".
#
#   scripts/load-test.sh                      # 20 req/s for 20 s after 5 s of warm-up
#   RATE=30 DURATION=60 scripts/load-test.sh
#   SELFHEAL_BIN=.build/debug/selfheal scripts/load-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

RATE=${RATE:-20}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
RSS_GROWTH_MIB=${RSS_GROWTH_MIB:-64}
BIN=${SELFHEAL_BIN:-}
if [ -z "$BIN" ]; then
  for candidate in .build/release/selfheal .build/debug/selfheal; do
    [ -x "$candidate" ] && { BIN=$candidate; break; }
  done
fi
[ -n "$BIN" ] && [ -x "$BIN" ] || { echo "load-test: no selfheal binary; run 'make build' (or set SELFHEAL_BIN)" >&2; exit 2; }

work=$(mktemp -d /tmp/selfheal-load.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  [ -n "${KEEP:-}" ] && echo "load-test: kept $work" || rm -rf "$work"
}
trap cleanup EXIT

# A free loopback port: bound by the kernel, then released.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
echo "load-test: $BIN --role all on 127.0.0.1:$port, database $work/selfheal.db"
# The test's own environment must not pick a real LLM or another database.
env -u LLM_API_KEY -u LLM_PROVIDER -u LLM_BASE_URL LLM_PROVIDER=simulated \
  "$BIN" --role all --port "$port" --database "sqlite:$work/selfheal.db" --rules rules --plugins plugins \
  --log-level warning 2>"$work/server.log" &
pid=$!

healthy=0
for _ in $(seq 300); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then healthy=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$healthy" -ne 1 ]; then
  echo "load-test: the server did not become healthy:"; tail -20 "$work/server.log"
  echo "0 passed, 1 failed"; exit 1
fi

status=0
python3 tests/load/load_test.py --port "$port" --pid "$pid" --database "$work/selfheal.db" \
  --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --rss-growth-mib "$RSS_GROWTH_MIB" || status=$?
if ! kill -0 "$pid" 2>/dev/null; then
  echo "load-test: the server died during the test:"; tail -20 "$work/server.log"; status=1
fi
exit $status
