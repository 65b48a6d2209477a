#!/usr/bin/env bash
# Checks the deployment files: k8s/ (manifests, kustomization), k8s/monitoring/ (Grafana
# dashboard, Prometheus config), docker-compose.yml and the Dockerfile. Run by `make test`:
#
#   bash scripts/ops-test.sh
#
# Needs: python3 (PyYAML and kubernetes-validate are installed from PyPI when missing), psql,
# a PostgreSQL database (SELFHEAL_TEST_DATABASE_URL, else scripts/test-postgres.sh provides one)
# and a built selfheal (SELFHEAL_BIN, default .build/debug/selfheal), whose own migrations create
# the schema the dashboard's SQL is run against. The last line is "N passed, M failed"; the exit
# status is non-zero when anything failed.
set -uo pipefail
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the working tree

cd "$(dirname "$0")/.."
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() {
  echo "$passed passed, $failed failed"
  if [ "$failed" -eq 0 ]; then exit 0; fi
  exit 1
}

# ---- Python packages ---------------------------------------------------------------------------
if ! python3 -c 'import yaml, kubernetes_validate' 2>/dev/null; then
  echo "ops-test: installing pyyaml and kubernetes-validate from PyPI"
  pip=(python3 -m pip install -q --disable-pip-version-check pyyaml kubernetes-validate)
  # Debian's own python3 refuses pip installs into the system (PEP 668) unless told to.
  "${pip[@]}" 2>/dev/null || "${pip[@]}" --break-system-packages
fi
if python3 -c 'import yaml, kubernetes_validate' 2>/dev/null; then
  pass "python3 has pyyaml and kubernetes-validate"
else
  fail "python3 has pyyaml and kubernetes-validate (pip install pyyaml kubernetes-validate)"
  finish
fi

# ---- A database with selfheal's schema ---------------------------------------------------------
database=""
bin=${SELFHEAL_BIN:-.build/debug/selfheal}
if [ -n "${SELFHEAL_TEST_DATABASE_URL:-}" ]; then
  database=$SELFHEAL_TEST_DATABASE_URL
elif database=$(bash scripts/test-postgres.sh); then
  :
else
  database=""
fi

# The migrations from the Swift source, applied with psql: for when the binary cannot do it.
schema_from_source() {
  echo "NOTE $1; creating the schema from Sources/SelfHealPostgres/PostgresMigrations.swift instead"
  if python3 tests/ops/apply_schema.py "$database"; then
    pass "selfheal's PostgreSQL migrations (from the source) create the schema"
  else
    fail "selfheal's PostgreSQL migrations (from the source) create the schema"
    database=""
  fi
}

if [ -z "$database" ]; then
  fail "a PostgreSQL database for the dashboard's SQL (set SELFHEAL_TEST_DATABASE_URL or run as root)"
elif [ ! -x "$bin" ]; then
  schema_from_source "no selfheal binary at $bin (set SELFHEAL_BIN)"
else
  # Start an evaluator on a free port: at start it runs the migrations and seeds the prompts,
  # then logs "Serving". That is all we need from it. No LLM settings: the simulated provider.
  log=$(mktemp)
  env -u LLM_PROVIDER -u LLM_API_KEY -u LLM_BASE_URL -u SELFHEAL_API_KEYS -u SELFHEAL_ADMIN_TOKEN -u SELFHEAL_SERVICE_TOKEN \
    "$bin" --role evaluator --host 127.0.0.1 --port 0 --database "$database" --rules rules --plugins plugins >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 120); do
    grep -q 'Serving' "$log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if grep -q 'Serving' "$log"; then
    pass "selfheal created its schema in the test database"
  elif grep -q 'PostgreSQL is not supported by this build' "$log"; then
    schema_from_source "this selfheal build cannot open PostgreSQL yet"
  else
    fail "selfheal created its schema in the test database: $(tail -n 5 "$log")"
    database=""
  fi
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -f "$log"
fi

# ---- The checks --------------------------------------------------------------------------------
run_check() {
  local output rc last
  output=$(python3 "$@" 2>&1)
  rc=$?
  echo "$output"
  last=$(printf '%s\n' "$output" | tail -n 1)
  if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
    # A crash after the summary line, or a non-zero exit with no failures, is still a failure.
    if [ "$rc" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then fail "$1 exited $rc"; fi
  else
    fail "$1 did not finish (exit $rc)"
  fi
}

run_check tests/ops/check_manifests.py
if [ -n "$database" ]; then
  run_check tests/ops/check_monitoring.py --database "$database"
else
  run_check tests/ops/check_monitoring.py
fi
finish
