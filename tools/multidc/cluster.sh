#!/usr/bin/env bash
# The 4-node, 2-DC Cassandra cluster of the multi-DC suite (docs/multi-dc.md), run beside the
# shared single-node stack without touching it: its own folder, addresses and JMX ports, and no
# Kafka of its own (the suite uses the shared broker on 127.0.0.1:9092 with its own topics).
#
#   tools/multidc/cluster.sh up                 start nodes 1-4 one by one (idempotent), wait for CQL
#   tools/multidc/cluster.sh down               stop the 4 nodes (only ours: stack.sh's JVM marker)
#   tools/multidc/cluster.sh status             one line per node; exit 0 when all 4 are up, 3 otherwise
#   tools/multidc/cluster.sh node-stop <n> | node-start <n> | nodetool <n> <args...>
#   tools/multidc/cluster.sh rss                RSS per node (ps), in MB
#   tools/multidc/cluster.sh env                the environment the suite passes to stack.sh
#
# Defaults (override by env): PINSTATE_LOCAL_DIR=<repo>/.local/multidc-stack,
# PINSTATE_MULTIDC_PREFIX=127.0.1 (node n on 127.0.1.n: dc1 = 1-3, dc2 = 4),
# CASSANDRA_JMX_PORT=17399 (node n: 17399 + (n-1)*100, on 127.0.0.1).
#
# Why not `stack.sh up --nodes 4`: `up` always starts a Kafka broker as well, and with a
# separate PINSTATE_LOCAL_DIR it refuses to start because 127.0.0.1:9092 belongs to the shared
# broker. So this script writes the topology file stack.sh reads and calls `stack.sh node-start`
# per node, which starts only Cassandra (see "stack.sh" in docs/multi-dc.md).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STACK=$ROOT/tools/local-stack/stack.sh

export PINSTATE_LOCAL_DIR=${PINSTATE_LOCAL_DIR:-$ROOT/.local/multidc-stack}
export PINSTATE_MULTIDC_PREFIX=${PINSTATE_MULTIDC_PREFIX:-127.0.1}
export CASSANDRA_JMX_PORT=${CASSANDRA_JMX_PORT:-17399}
LOCAL=$PINSTATE_LOCAL_DIR

log() { printf 'multidc: %s\n' "$*"; }

prepare() {
  mkdir -p "$LOCAL/cassandra" "$LOCAL/run"
  echo multidc >"$LOCAL/cassandra/topology"
  # Reuse the jars of the main stack when it has them (same POM => same marker); otherwise
  # stack.sh fetches them into our folder with Maven on the first node-start.
  local shared=$ROOT/.local/cassandra/lib
  if [[ ! -e $LOCAL/cassandra/lib && -f $shared/.pom.sha256 ]]; then
    ln -s "$shared" "$LOCAL/cassandra/lib"
  fi
}

node_pid() {
  local f=$LOCAL/run/cassandra-multidc-node$1.pid pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" | grep -Fxq -- "-Dpinstate.stack=$LOCAL:cassandra-multidc-node$1" || return 1
  echo "$pid"
}

cmd_up() {
  prepare
  local t0=$SECONDS n
  for n in 1 2 3 4; do bash "$STACK" node-start "$n"; done
  log "cluster up in $((SECONDS - t0)) s: SCYLLA_HOSTS=$PINSTATE_MULTIDC_PREFIX.1,$PINSTATE_MULTIDC_PREFIX.2,$PINSTATE_MULTIDC_PREFIX.3 SCYLLA_LOCAL_DC=dc1 (dc2: $PINSTATE_MULTIDC_PREFIX.4)"
}

cmd_status() {
  local n pid rc=0 dc
  for n in 1 2 3 4; do
    if (( n <= 3 )); then dc=dc1; else dc=dc2; fi
    if pid=$(node_pid "$n") && timeout 2 bash -c "exec 3<>/dev/tcp/$PINSTATE_MULTIDC_PREFIX.$n/9042" 2>/dev/null; then
      printf 'node%s %-8s pid %-8s %s:9042 %s\n' "$n" running "$pid" "$PINSTATE_MULTIDC_PREFIX.$n" "$dc"
    else
      printf 'node%s %-8s pid %-8s %s:9042 %s\n' "$n" stopped "${pid:--}" "$PINSTATE_MULTIDC_PREFIX.$n" "$dc"; rc=3
    fi
  done
  return "$rc"
}

cmd_rss() {
  local n pid
  for n in 1 2 3 4; do
    if pid=$(node_pid "$n"); then
      printf 'node%s pid %s rss_mb %s\n' "$n" "$pid" "$(( $(ps -o rss= -p "$pid") / 1024 ))"
    else
      printf 'node%s stopped\n' "$n"
    fi
  done
}

case ${1:-} in
  up) cmd_up ;;
  down) bash "$STACK" down ;;
  status) cmd_status ;;
  rss) cmd_rss ;;
  node-stop|node-start) prepare; bash "$STACK" "$1" "${2:?node number}" ;;
  nodetool) shift; bash "$STACK" nodetool "$@" ;;
  env) printf 'PINSTATE_LOCAL_DIR=%s PINSTATE_MULTIDC_PREFIX=%s CASSANDRA_JMX_PORT=%s\n' "$LOCAL" "$PINSTATE_MULTIDC_PREFIX" "$CASSANDRA_JMX_PORT" ;;
  *) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
