#!/usr/bin/env bash
# Provides a PostgreSQL database for the store tests and prints its URL on stdout:
#   postgres://selfheal:selfheal@127.0.0.1:PORT/selfheal_test_<time>_<pid>
# Everything else goes to stderr, so `URL=$(scripts/test-postgres.sh)` just works.
#
# On a fresh Debian 12 machine (as root, as CI runs) it installs postgresql-15, creates and
# starts the system cluster `15 main`, creates the role `selfheal` and a fresh database per run.
# Safe to run again: every step checks first. Apt never starts services on these machines, so
# the cluster is started here explicitly.
set -euo pipefail

exec 3>&1 1>&2  # stdout is for the URL only

VERSION=15
CLUSTER=main
ROLE=selfheal
PASSWORD=selfheal
say() { echo "test-postgres: $*"; }

if [ "$(id -u)" -ne 0 ]; then
  say "needs root to install and start PostgreSQL; or set SELFHEAL_TEST_DATABASE_URL to a database you can use"
  exit 1
fi

# A plain install would also upgrade an installed minor version: install only when missing,
# and refresh the package lists only when the install fails (a fresh machine may have none).
if ! dpkg -s "postgresql-$VERSION" >/dev/null 2>&1; then
  say "installing postgresql-$VERSION"
  export DEBIAN_FRONTEND=noninteractive
  pkgs=("postgresql-$VERSION" "postgresql-client-$VERSION")
  apt-get install -y -q --no-install-recommends "${pkgs[@]}" \
    || { apt-get update -q && apt-get install -y -q --no-install-recommends "${pkgs[@]}"; }
fi

if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {found=1} END {exit !found}'; then
  say "creating cluster $VERSION $CLUSTER"
  pg_createcluster "$VERSION" "$CLUSTER" --port 5432
fi
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $3}')

# `start` fails when the cluster already runs; `status` exits 0 only when it does.
if ! pg_ctlcluster "$VERSION" "$CLUSTER" status >/dev/null 2>&1; then
  say "starting cluster $VERSION $CLUSTER on port $PORT"
  # The server outlives this script: it must not inherit our stdout/stderr (or fd 3), or a
  # caller reading them (`$(...)`, `make test | tee`) would wait for it to exit, forever.
  log=$(mktemp)
  if ! pg_ctlcluster "$VERSION" "$CLUSTER" start </dev/null >"$log" 2>&1 3>&-; then
    cat "$log"; rm -f "$log"
    say "could not start cluster $VERSION $CLUSTER; see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log"
    exit 1
  fi
  rm -f "$log"
fi

ready=0
for _ in $(seq 60); do
  if pg_isready -q -h 127.0.0.1 -p "$PORT"; then ready=1; break; fi
  sleep 1
done
if [ "$ready" -ne 1 ]; then
  say "PostgreSQL on 127.0.0.1:$PORT did not become ready within 60 s; see /var/log/postgresql/postgresql-$VERSION-$CLUSTER.log"
  exit 1
fi

# As the postgres superuser over the local socket (peer auth). `cd /` because runuser keeps the
# working directory, which user postgres may not be allowed to read.
psql_admin() {
  (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PORT" -d postgres "$@")
}

# TCP on 127.0.0.1 uses scram-sha-256, so the role needs a password.
if [ -z "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" ]; then
  say "creating role $ROLE"
  psql_admin -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD' CREATEDB"
fi

# Test databases are named selfheal_test_<unix time>_<pid>; drop those older than a day so a
# developer's machine does not collect them forever.
now=$(date +%s)
for old in $(psql_admin -tAc "SELECT datname FROM pg_database WHERE datname ~ '^selfheal_test_[0-9]+_[0-9]+$'"); do
  created=${old#selfheal_test_}
  created=${created%%_*}
  if [ $((now - created)) -gt 86400 ]; then
    say "dropping stale test database $old"
    psql_admin -c "DROP DATABASE IF EXISTS \"$old\" WITH (FORCE)" || true
  fi
done

DATABASE="selfheal_test_${now}_$$"
psql_admin -c "CREATE DATABASE \"$DATABASE\" OWNER $ROLE"
say "database $DATABASE ready on 127.0.0.1:$PORT"

echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE" >&3
