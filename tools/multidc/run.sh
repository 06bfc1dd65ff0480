#!/usr/bin/env bash
# npm run test:multidc [-- --keep] [vitest args, e.g. a file filter]
#
# The multi-DC suite (docs/multi-dc.md): starts the 4-node, 2-DC Cassandra cluster with
# tools/multidc/cluster.sh if it is not running, runs test/multidc/*.test.ts against it and the
# shared Kafka (127.0.0.1:9092 or KAFKA_BROKERS / PINSTATE_MULTIDC_KAFKA; when nothing answers
# there, the local stack's broker is started and stopped again), prints one summary
# line per scenario plus the memory the cluster took, and stops the cluster at the end unless
# --keep (or PINSTATE_MULTIDC_KEEP=1). Exit code: vitest's, or 1 if any scenario line is FAIL.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

export PINSTATE_LOCAL_DIR=${PINSTATE_LOCAL_DIR:-$ROOT/.local/multidc-stack}
export PINSTATE_MULTIDC_PREFIX=${PINSTATE_MULTIDC_PREFIX:-127.0.1}
export CASSANDRA_JMX_PORT=${CASSANDRA_JMX_PORT:-17399}
KEEP=${PINSTATE_MULTIDC_KEEP:-0}
ARGS=()
for a in "$@"; do
  if [[ $a == --keep ]]; then KEEP=1; else ARGS+=("$a"); fi
done

mkdir -p "$PINSTATE_LOCAL_DIR/run"
STAMP=$(date +%Y%m%dT%H%M%S)
export PINSTATE_MULTIDC_SUMMARY=$PINSTATE_LOCAL_DIR/summary-$STAMP.jsonl
RSS_FILE=$PINSTATE_LOCAL_DIR/rss-$STAMP.txt
: >"$PINSTATE_MULTIDC_SUMMARY"

# Kafka: the shared broker. On a fresh clone with nothing running and no KAFKA_BROKERS /
# PINSTATE_MULTIDC_KAFKA, start the local stack's broker (stack.sh kafka-start, its default
# folder) and stop it again at the end.
STARTED_KAFKA=0
stack_default() { env -u PINSTATE_LOCAL_DIR -u PINSTATE_MULTIDC_PREFIX -u CASSANDRA_JMX_PORT bash "$ROOT/tools/local-stack/stack.sh" "$@"; }
if [[ -z ${PINSTATE_MULTIDC_KAFKA:-} && -z ${KAFKA_BROKERS:-} ]] && ! timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9092' 2>/dev/null; then
  echo "multidc: no Kafka on 127.0.0.1:9092; starting the local stack's broker"
  stack_default kafka-start
  STARTED_KAFKA=1
fi

t0=$SECONDS
bash "$HERE/cluster.sh" up
up_s=$((SECONDS - t0))

# Peak RSS per node while the suite runs (ps, every 5 s).
sample_rss() {
  local -A max=()
  local n pid rss
  while true; do
    for n in 1 2 3 4; do
      pid=$(cat "$PINSTATE_LOCAL_DIR/run/cassandra-multidc-node$n.pid" 2>/dev/null || true)
      [[ $pid =~ ^[0-9]+$ ]] || continue
      rss=$(ps -o rss= -p "$pid" 2>/dev/null | tr -d ' ' || true)
      [[ $rss =~ ^[0-9]+$ ]] || continue
      (( rss > ${max[$n]:-0} )) && max[$n]=$rss
    done
    for n in 1 2 3 4; do printf 'node%s %s\n' "$n" "$(( ${max[$n]:-0} / 1024 ))"; done >"$RSS_FILE.tmp"
    mv -f "$RSS_FILE.tmp" "$RSS_FILE"
    sleep 5
  done
}
idle_rss=$(bash "$HERE/cluster.sh" rss | awk '{printf "%s %s MB; ", $1, $5}')
sample_rss &
SAMPLER=$!

finish() {
  kill "$SAMPLER" 2>/dev/null || true
  wait "$SAMPLER" 2>/dev/null || true
  if [[ $KEEP == 1 ]]; then
    echo "multidc: cluster kept running (tools/multidc/cluster.sh down stops it)"
  else
    bash "$HERE/cluster.sh" down || true
    if [[ $STARTED_KAFKA == 1 ]]; then stack_default kafka-stop || true; fi
  fi
}
trap finish EXIT

rc=0
npx vitest run --config test/multidc/vitest.config.ts "${ARGS[@]}" || rc=$?

node --import tsx "$HERE/summary.ts" "$PINSTATE_MULTIDC_SUMMARY" "$RSS_FILE" || { [[ $rc != 0 ]] || rc=1; }
echo "cluster: up in ${up_s} s; RSS after start: ${idle_rss}"
echo "summary: $PINSTATE_MULTIDC_SUMMARY"
exit "$rc"
