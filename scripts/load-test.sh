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
. scripts/lib/serve-all.sh
serve_all load-test

status=0
python3 tests/load/load_test.py --port "$port" --pid "$pid" --database "$work/selfheal.db" \
  --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP" --rss-growth-mib "$RSS_GROWTH_MIB" || status=$?
if ! kill -0 "$pid" 2>/dev/null; then
  echo "load-test: the server died during the test:"; tail -20 "$work/server.log"; status=1
fi
exit $status
