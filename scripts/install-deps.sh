#!/usr/bin/env bash
# Installs the system packages selfheal needs to build and test, when they are missing.
# Debian/Ubuntu only; needs root (or sudo) for apt-get. Safe to run again: it checks first.
set -euo pipefail

need=()
pkg-config --exists lua5.4 2>/dev/null || need+=(liblua5.4-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
# Headless Chromium renders /dashboard in Tests/SelfHealServerTests/DashboardTests.swift.
command -v chromium >/dev/null 2>&1 || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

echo "selfheal: installing missing system packages: ${need[*]}"
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
