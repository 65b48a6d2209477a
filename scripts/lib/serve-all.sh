# Sourced by the load and fuzz scripts: starts a fresh `selfheal --role all` on a free loopback
# port (SQLite in a temp folder, the simulated LLM, the repo's rules/ and plugins/), waits for
# /health, and stops it when the calling script exits. Sets BIN, work, port and pid.
#
#   serve_all NAME    # NAME prefixes messages and the temp folder
serve_all() {
  local name=$1
  BIN=${SELFHEAL_BIN:-}
  if [ -z "$BIN" ]; then
    for candidate in .build/release/selfheal .build/debug/selfheal; do
      [ -x "$candidate" ] && { BIN=$candidate; break; }
    done
  fi
  [ -n "$BIN" ] && [ -x "$BIN" ] || { echo "$name: no selfheal binary; run 'make build' (or set SELFHEAL_BIN)" >&2; exit 2; }

  work=$(mktemp -d "/tmp/selfheal-$name.XXXXXX")
  pid=
  SERVE_ALL_NAME=$name
  trap serve_all_cleanup EXIT

  # A free loopback port: bound by the kernel, then released.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  echo "$name: $BIN --role all on 127.0.0.1:$port, database $work/selfheal.db"
  # The caller's own environment must not pick a real LLM or another database.
  env -u LLM_API_KEY -u LLM_PROVIDER -u LLM_BASE_URL LLM_PROVIDER=simulated \
    "$BIN" --role all --port "$port" --database "sqlite:$work/selfheal.db" --rules rules --plugins plugins \
    --log-level warning 2>"$work/server.log" &
  pid=$!

  local healthy=0
  for _ in $(seq 300); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then healthy=1; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$healthy" -ne 1 ]; then
    echo "$name: the server did not become healthy:"; tail -20 "$work/server.log"
    echo "0 passed, 1 failed"; exit 1
  fi
}

serve_all_cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  [ -n "${KEEP:-}" ] && echo "$SERVE_ALL_NAME: kept $work" || rm -rf "$work"
}
