#!/usr/bin/env bash
# Fuzzes the request bodies of a fresh `selfheal --role all` on loopback (SQLite in a temp
# folder, the simulated LLM), from the served OpenAPI document:
#   1. schemathesis (PyPI, installed into a virtualenv under .build/ on first use), bounded by
#      MAX_EXAMPLES per operation and MAX_TIME seconds, checking not_a_server_error;
#   2. tests/fuzz/edge_fuzz.py: fixed malformed bodies (not JSON, huge, deep, NUL, bad UTF-8,
#      wrong types) for every documented POST route: no 5xx, every 4xx a JSON error object.
# Then the server must still answer /health. Prints the numbers and "N passed, M failed".
#
#   scripts/fuzz.sh
#   MAX_EXAMPLES=100 MAX_TIME=600 scripts/fuzz.sh
#   SKIP_SCHEMATHESIS=1 scripts/fuzz.sh     # offline: only the standard-library fuzzer
#   EXCLUDE_PATH=/api/v1/generate scripts/fuzz.sh   # leave out a route (e.g. one with a known crash)
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_EXAMPLES=${MAX_EXAMPLES:-25}
MAX_TIME=${MAX_TIME:-180}
EXCLUDE_PATH=${EXCLUDE_PATH:-}
exclude_st=()
exclude_edge=()
if [ -n "$EXCLUDE_PATH" ]; then exclude_st=(--exclude-path "$EXCLUDE_PATH"); exclude_edge=(--exclude "$EXCLUDE_PATH"); fi
VENV=${FUZZ_VENV:-.build/fuzz-venv}
. scripts/lib/serve-all.sh
serve_all fuzz

passed=0
failed=0
pass() { echo "  [PASS] $*"; passed=$((passed + 1)); }
fail() { echo "  [FAIL] $*"; failed=$((failed + 1)); }

if [ -n "${SKIP_SCHEMATHESIS:-}" ]; then
  echo "fuzz: schemathesis skipped (SKIP_SCHEMATHESIS set)"
else
  if [ ! -x "$VENV/bin/schemathesis" ]; then
    echo "fuzz: installing schemathesis into $VENV"
    python3 -m venv "$VENV" && "$VENV/bin/pip" install -q 'schemathesis>=4,<5' \
      || { echo "fuzz: could not install schemathesis (offline?); set SKIP_SCHEMATHESIS=1 to run only the edge fuzzer"; }
  fi
  if [ -x "$VENV/bin/schemathesis" ]; then
    echo "fuzz: schemathesis $("$VENV/bin/schemathesis" --version | awk '{print $NF}'): up to $MAX_EXAMPLES examples per operation, $MAX_TIME s at most"
    st=0
    # not_a_server_error: no 5xx. The simulated provider never fails, so the documented
    # 502/503/504 (upstream faults) must not occur either: every 5xx counts.
    timeout --signal=INT --kill-after=30 $((MAX_TIME + 60)) \
      "$VENV/bin/schemathesis" run "http://127.0.0.1:$port/openapi.json" \
      --checks not_a_server_error --max-examples "$MAX_EXAMPLES" --max-time "$MAX_TIME" \
      --phases examples,coverage,fuzzing --workers 2 --request-timeout 60 \
      --suppress-health-check all --no-color "${exclude_st[@]}" >"$work/schemathesis.txt" 2>&1 || st=$?
    # Failures and errors (each with a curl line to reproduce) come before the summary.
    sed -n '/^=* *\(FAILURES\|ERRORS\) *=*$/,/^=* *SUMMARY/p' "$work/schemathesis.txt" | head -80
    tail -16 "$work/schemathesis.txt"
    if [ "$st" -eq 0 ]; then pass "schemathesis: no server errors"; else fail "schemathesis exited $st (see above)"; cp "$work/schemathesis.txt" /tmp/selfheal-fuzz-schemathesis.txt; echo "fuzz: full output kept in /tmp/selfheal-fuzz-schemathesis.txt"; fi
  fi
fi

if kill -0 "$pid" 2>/dev/null; then
  if python3 tests/fuzz/edge_fuzz.py --port "$port" "${exclude_edge[@]}"; then pass "edge fuzzer: no 5xx, every 4xx a JSON error"; else fail "edge fuzzer (see above)"; fi
fi

if kill -0 "$pid" 2>/dev/null && curl -fsS -o /dev/null "http://127.0.0.1:$port/health"; then
  pass "the server is alive and answers /health"
else
  fail "the server died or stopped answering /health:"; tail -20 "$work/server.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
