#!/usr/bin/env bash
# Installs the system packages selfheal needs, when they are missing, and says which and why.
#   install-deps.sh run    what building and running need (make build, make run)
#   install-deps.sh test   that, plus what only the tests use (make test)
# Debian/Ubuntu only; needs root (or sudo) for apt-get. Safe to run again: it checks first.
# PostgreSQL for the tests is installed by scripts/test-postgres.sh, the openai client by make test.
set -euo pipefail
mode="${1:-run}"
case "$mode" in run|test) ;; *) echo "usage: $0 run|test" >&2; exit 2 ;; esac

need=()
# Lua 5.4 is linked into the binary; pkg-config finds it; the sandbox runs python3.
pkg-config --exists lua5.4 2>/dev/null || need+=(liblua5.4-dev)
# SQLite is linked into the binary too (the default store).
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# The README shows how to read the execution logs with the sqlite3 shell.
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
if [ "$mode" = test ]; then
  # Headless Chromium renders /dashboard in Tests/SelfHealServerTests/DashboardTests.swift.
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

echo "selfheal: installing the system packages $( [ "$mode" = test ] && echo "building and testing" || echo "building and running") need: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
  APT=(apt-get)
elif command -v sudo >/dev/null 2>&1; then
  APT=(sudo apt-get)
else
  echo "selfheal: need root to install ${need[*]}; run: apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet: update only when the install fails.
"${APT[@]}" install -y -q --no-install-recommends "${need[@]}" \
  || { "${APT[@]}" update -q && "${APT[@]}" install -y -q --no-install-recommends "${need[@]}"; }
