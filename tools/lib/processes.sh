# Process helpers shared by tools/local-stack/stack.sh and tools/ipfs/ipfs.sh (sourced, not run).
# The sourcing script defines `log <text...>`, which these call.

# stop_pids <timeout-seconds> <pid...>: SIGTERM, wait up to the timeout, then SIGKILL what is left.
stop_pids() {
  local timeout=$1; shift
  local pids=("$@") p alive t0=$SECONDS
  (( ${#pids[@]} )) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  while true; do
    alive=()
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive+=("$p"); done
    (( ${#alive[@]} )) || return 0
    if (( SECONDS - t0 >= timeout )); then
      log "still running after ${timeout} s, sending SIGKILL to ${alive[*]}"
      kill -KILL "${alive[@]}" 2>/dev/null || true
      sleep 1
      return 0
    fi
    sleep 0.2
  done
}

# take_flock <lock-file> <wait-seconds> <who>: hold an exclusive lock on fd 9 for the rest of the
# script, so two runs never act on one folder at once; waits up to <wait-seconds> for another
# holder. (The sourcing script also defines `die <text...>`.) Without flock, runs unlocked.
take_flock() {
  local file=$1 wait=$2 who=$3
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$file"
  if ! flock -n 9; then
    log "waiting for another $who ($file) to finish ..."
    flock -w "$wait" 9 || die "another $who held $file for $wait s"
  fi
}
