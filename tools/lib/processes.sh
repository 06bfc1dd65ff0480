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
