# Sourced by the bench scripts: one 'bin/dynamo local' cluster at a time, stopped on exit.
#   local_start LOG ARGS...   starts 'bin/dynamo local ARGS...', logging to LOG, and waits until it serves
#   local_stop                stops it (SIGTERM: every node stops gracefully)
# Needs $here (the repository) and $work (a temporary directory the caller deletes).
local_pid=""

local_stop() {
  if [ -n "$local_pid" ] && kill -0 "$local_pid" 2>/dev/null; then
    kill -TERM "$local_pid"; wait "$local_pid" 2>/dev/null || true
  fi
  local_pid=""
}

local_start() {
  local log=$1; shift
  "$here/bin/dynamo" local "$@" > "$log" 2>&1 &
  local_pid=$!
  for _ in $(seq 1 120); do
    grep -q "Ctrl-C or SIGTERM" "$log" 2>/dev/null && return 0
    kill -0 "$local_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 1
  done
  echo "bin/dynamo local did not come up within 120 s; see $log" >&2
  exit 1
}

trap 'local_stop; rm -rf "$work"' EXIT INT TERM
