#!/usr/bin/env bash
# Real IPFS binaries for pinstate's tests and benchmarks, built from source with the machine's Go
# (modules from the Go module proxy), and local kubo daemons on loopback. See docs/ipfs-tools.md.
#
#   ipfs.sh build                              build kubo and ipfs-cluster once into the cache (idempotent)
#   ipfs.sh path ipfs|ipfs-cluster-ctl|ipfs-cluster-service
#                                              print a binary's path (exit 3 when it is not built)
#   ipfs.sh up N [--base-port P] [--dir D]     start kubo nodes 1..N (idempotent), swarm-connect them
#   ipfs.sh down [--dir D]                     stop every kubo node started under D (and nothing else)
#   ipfs.sh status [--dir D]                   one line per node; exit 0 all up, 3 otherwise
#   ipfs.sh stop <i> [--dir D] | start <i> [--dir D]
#                                              stop or start node i alone (failure tests)
#   ipfs.sh clean [--dir D]                    down, then delete D (the nodes' repos and logs)
#   ipfs.sh up N --offline ...                 the same with `ipfs daemon --offline` (no swarm; pins of absent
#                                              content fail at once instead of waiting for a provider)
#   ipfs.sh cluster-up [--dir D]               a single-peer IPFS Cluster (crdt, batching on) on kubo node 1 of D
#   ipfs.sh cluster-down [--dir D]             stop it
#
# Binaries: ${PINSTATE_IPFS_CACHE:-$HOME/.cache/pinstate}/bin/<project>-<version>/, shared by
# every checkout and run; a flock on the cache makes two concurrent builds wait for each other.
# Nodes: D defaults to <repo>/.local/ipfs; node i has IPFS_PATH=D/node<i>/repo, its log in
# D/node<i>/daemon.log, and listens only on 127.0.0.1: API P+10(i-1), gateway P+10(i-1)+1,
# swarm (TCP) P+10(i-1)+2 (P defaults to 15000; `up` remembers P in D/ports). D/nodes.json lists
# each node's API URL, peer id, swarm address and IPFS_PATH. Tunables (env): IPFS_START_TIMEOUT
# (60 s per node), IPFS_STOP_TIMEOUT (20 s), PINSTATE_IPFS_BUILD_TIMEOUT (flock wait, 1800 s).
set -euo pipefail

# --- versions (bump here; the cache keeps one folder per version) -----------------------
KUBO_VERSION=v0.43.1
# kubo v0.43.1's go.mod replaces go-libp2p with a fork pseudo-version the module proxy does not
# serve; go-libp2p v0.50.0 is the upstream release the fork waited for (it requires the same
# quic-go v0.62.0 and webtransport-go v0.13.0, see the TODO above that replace in kubo's go.mod).
KUBO_LIBP2P_VERSION=v0.50.0
# The newest v1.1.x of ipfs-cluster the module proxy serves (v1.1.1-v1.1.4 are refused).
CLUSTER_VERSION=v1.1.0
KUBO_MODULE=github.com/ipfs/kubo
CLUSTER_MODULE=github.com/ipfs-cluster/ipfs-cluster

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/processes.sh
source "$ROOT/tools/lib/processes.sh"
CACHE=${PINSTATE_IPFS_CACHE:-${HOME:?HOME is not set}/.cache/pinstate}
KUBO_BIN_DIR=$CACHE/bin/kubo-$KUBO_VERSION
CLUSTER_BIN_DIR=$CACHE/bin/ipfs-cluster-$CLUSTER_VERSION
IPFS_BIN=$KUBO_BIN_DIR/ipfs
CTL_BIN=$CLUSTER_BIN_DIR/ipfs-cluster-ctl
SERVICE_BIN=$CLUSTER_BIN_DIR/ipfs-cluster-service

IPFS_START_TIMEOUT=${IPFS_START_TIMEOUT:-60}
IPFS_STOP_TIMEOUT=${IPFS_STOP_TIMEOUT:-20}
BUILD_LOCK_TIMEOUT=${PINSTATE_IPFS_BUILD_TIMEOUT:-1800}
DEFAULT_BASE_PORT=15000
PORT_STRIDE=10
MAX_NODES=50

# Never phone home from a test node (kubo's telemetry plugin; also set in each repo's config).
export IPFS_TELEMETRY=off DO_NOT_TRACK=1

log() { printf 'ipfs.sh: %s\n' "$*" >&2; }
die() { printf 'ipfs.sh: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------
# build

require_go() {
  command -v go >/dev/null 2>&1 || die "go not found: a Go toolchain >= 1.26 is needed to build kubo $KUBO_VERSION (Debian: see https://go.dev/doc/install)"
}

# bin_ok <binary> <version-without-v>: the binary exists, runs and reports that version.
bin_ok() {
  local bin=$1 want=$2 out
  [[ -x $bin ]] || return 1
  case $(basename "$bin") in
    ipfs) out=$("$bin" version 2>/dev/null) || return 1 ;;
    *) out=$("$bin" --version 2>/dev/null) || return 1 ;;
  esac
  [[ $out == *"$want"* ]]
}

# module_dir <module@version>: download the module's source (module cache) and print its Dir.
module_dir() {
  local json dir
  json=$(go mod download -json "$1" 2>&1) || { printf '%s\n' "$json" >&2; die "go mod download $1 failed (is the Go module proxy reachable?)"; }
  dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n1)
  [[ -n $dir && -d $dir ]] || { printf '%s\n' "$json" >&2; die "go mod download $1 gave no source folder"; }
  printf '%s\n' "$dir"
}

# go_build <src-dir> <out-dir> <packages...>: build in a writable copy of the module source.
# `go install pkg@version` refuses both modules (kubo: replace directives in its go.mod;
# ipfs-cluster: the proxy refuses the version list it reads for the deprecation check).
BUILD_TMP=
cleanup_build() { if [[ -n $BUILD_TMP ]]; then rm -rf "$BUILD_TMP"; fi; }
trap cleanup_build EXIT

build_kubo() {
  local src t0=$SECONDS
  log "building kubo $KUBO_VERSION (ipfs) into $KUBO_BIN_DIR ..."
  src=$(module_dir "$KUBO_MODULE@$KUBO_VERSION")
  BUILD_TMP=$(mktemp -d "$CACHE/build/kubo.XXXXXX")
  cp -R "$src/." "$BUILD_TMP/src"
  chmod -R u+w "$BUILD_TMP/src"
  (
    cd "$BUILD_TMP/src"
    if go mod edit -json | grep -q '"Path": "github.com/libp2p/go-libp2p"'; then
      if grep -q '^replace github.com/libp2p/go-libp2p ' go.mod; then
        go mod edit -dropreplace=github.com/libp2p/go-libp2p -require="github.com/libp2p/go-libp2p@$KUBO_LIBP2P_VERSION"
      fi
    fi
    # -mod=mod: go.sum gains the upstream go-libp2p's sums (checked against the checksum database).
    GOFLAGS="${GOFLAGS:-} -mod=mod" go build -trimpath -ldflags='-s -w' -o "$BUILD_TMP/out/ipfs" ./cmd/ipfs
  ) >"$BUILD_TMP/build.log" 2>&1 || { tail -n 40 "$BUILD_TMP/build.log" >&2; die "building kubo $KUBO_VERSION failed (log above)"; }
  mkdir -p "$KUBO_BIN_DIR"
  mv -f "$BUILD_TMP/out/ipfs" "$IPFS_BIN.tmp.$$" && mv -f "$IPFS_BIN.tmp.$$" "$IPFS_BIN"
  rm -rf "$BUILD_TMP"; BUILD_TMP=
  bin_ok "$IPFS_BIN" "${KUBO_VERSION#v}" || die "the built $IPFS_BIN does not run or report ${KUBO_VERSION#v}"
  log "built kubo $KUBO_VERSION in $((SECONDS - t0)) s"
}

build_cluster() {
  local src t0=$SECONDS b
  log "building ipfs-cluster $CLUSTER_VERSION (ipfs-cluster-ctl, ipfs-cluster-service) into $CLUSTER_BIN_DIR ..."
  src=$(module_dir "$CLUSTER_MODULE@$CLUSTER_VERSION")
  BUILD_TMP=$(mktemp -d "$CACHE/build/ipfs-cluster.XXXXXX")
  cp -R "$src/." "$BUILD_TMP/src"
  chmod -R u+w "$BUILD_TMP/src"
  mkdir -p "$BUILD_TMP/out"
  (
    cd "$BUILD_TMP/src"
    GOFLAGS="${GOFLAGS:-} -mod=mod" go build -trimpath -ldflags='-s -w' -o "$BUILD_TMP/out/" ./cmd/ipfs-cluster-ctl ./cmd/ipfs-cluster-service
  ) >"$BUILD_TMP/build.log" 2>&1 || { tail -n 40 "$BUILD_TMP/build.log" >&2; die "building ipfs-cluster $CLUSTER_VERSION failed (log above)"; }
  mkdir -p "$CLUSTER_BIN_DIR"
  for b in ipfs-cluster-ctl ipfs-cluster-service; do
    mv -f "$BUILD_TMP/out/$b" "$CLUSTER_BIN_DIR/$b.tmp.$$" && mv -f "$CLUSTER_BIN_DIR/$b.tmp.$$" "$CLUSTER_BIN_DIR/$b"
  done
  rm -rf "$BUILD_TMP"; BUILD_TMP=
  bin_ok "$CTL_BIN" "${CLUSTER_VERSION#v}" && bin_ok "$SERVICE_BIN" "${CLUSTER_VERSION#v}" ||
    die "the built ipfs-cluster binaries in $CLUSTER_BIN_DIR do not run or report ${CLUSTER_VERSION#v}"
  log "built ipfs-cluster $CLUSTER_VERSION in $((SECONDS - t0)) s"
}

cmd_build() {
  local t0=$SECONDS
  mkdir -p "$CACHE/build"
  if bin_ok "$IPFS_BIN" "${KUBO_VERSION#v}" && bin_ok "$CTL_BIN" "${CLUSTER_VERSION#v}" && bin_ok "$SERVICE_BIN" "${CLUSTER_VERSION#v}"; then
    log "kubo $KUBO_VERSION and ipfs-cluster $CLUSTER_VERSION already built in $CACHE/bin"
    return 0
  fi
  require_go
  # One build at a time per cache: a second run waits, then finds the binaries built.
  exec 8>"$CACHE/build/.lock"
  if ! flock -n 8; then
    log "waiting for another ipfs.sh build on $CACHE ..."
    flock -w "$BUILD_LOCK_TIMEOUT" 8 || die "another ipfs.sh build held $CACHE/build/.lock for $BUILD_LOCK_TIMEOUT s"
  fi
  # Never let Go fetch a newer toolchain behind our back.
  export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
  bin_ok "$IPFS_BIN" "${KUBO_VERSION#v}" || build_kubo
  bin_ok "$CTL_BIN" "${CLUSTER_VERSION#v}" && bin_ok "$SERVICE_BIN" "${CLUSTER_VERSION#v}" || build_cluster
  flock -u 8
  log "binaries ready in $((SECONDS - t0)) s: $IPFS_BIN, $CTL_BIN, $SERVICE_BIN"
}

cmd_path() {
  local bin
  case ${1:-} in
    ipfs) bin=$IPFS_BIN ;;
    ipfs-cluster-ctl) bin=$CTL_BIN ;;
    ipfs-cluster-service) bin=$SERVICE_BIN ;;
    *) die "usage: ipfs.sh path ipfs|ipfs-cluster-ctl|ipfs-cluster-service" ;;
  esac
  printf '%s\n' "$bin"
  [[ -x $bin ]] || { log "$bin is not built yet: run 'bash tools/ipfs/ipfs.sh build'"; exit 3; }
}

# ---------------------------------------------------------------------------------------
# kubo nodes

DIR=
BASE_PORT=
OFFLINE=0

node_dir() { printf '%s/node%s' "$DIR" "$1"; }
repo_of() { printf '%s/repo' "$(node_dir "$1")"; }
api_port() { echo $((BASE_PORT + PORT_STRIDE * ($1 - 1))); }
gw_port() { echo $((BASE_PORT + PORT_STRIDE * ($1 - 1) + 1)); }
swarm_port() { echo $((BASE_PORT + PORT_STRIDE * ($1 - 1) + 2)); }
api_maddr() { printf '/ip4/127.0.0.1/tcp/%s' "$(api_port "$1")"; }

# Every daemon we start carries PINSTATE_IPFS_NODE=<D>:node<i> in its environment: that is how
# we tell our processes from anyone else's ipfs (stale pid files, pid reuse, other checkouts).
mark() { printf 'PINSTATE_IPFS_NODE=%s:node%s' "$DIR" "$1"; }

is_ours() {
  local pid=$1 i=$2
  [[ -r /proc/$pid/environ ]] || return 1
  tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -Fxq -- "$(mark "$i")"
}

running_pid() {
  local i=$1 f pid
  f=$(node_dir "$i")/daemon.pid
  if [[ -f $f ]]; then
    pid=$(<"$f")
    if [[ $pid =~ ^[0-9]+$ ]] && is_ours "$pid" "$i"; then echo "$pid"; return 0; fi
    rm -f "$f"
  fi
  return 1
}

# pids_by_mark: every live daemon of ours under D (pid files may be lost).
pids_by_mark() {
  local p prefix="PINSTATE_IPFS_NODE=$DIR:node"
  for p in /proc/[0-9]*; do
    [[ -r $p/environ && ${p#/proc/} != "$$" ]] || continue
    if tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -q -- "^$prefix[0-9]*\$"; then echo "${p#/proc/}"; fi
  done
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

require_free_port() {
  local port=$1 what=$2 owner=
  if port_open "$port"; then
    if command -v ss >/dev/null 2>&1; then owner=$(ss -Hltnp "( sport = :$port )" 2>/dev/null | awk '{print $NF}' | head -n1); fi
    die "127.0.0.1:$port ($what) is already in use by another process${owner:+ ($owner)}; choose another --base-port"
  fi
}

node_count() { if [[ -f $DIR/nodes ]]; then cat "$DIR/nodes"; else echo 0; fi; }

peer_id() { sed -n 's/.*"PeerID": *"\([^"]*\)".*/\1/p' "$(repo_of "$1")/config" | head -n1; }

ipfs_of() { IPFS_PATH=$(repo_of "$1") "$IPFS_BIN" "${@:2}"; }

# init_node <i>: a fresh repo with the test profile, pinned to loopback, with nothing that talks
# to the outside: no bootstrap peers, no mDNS, no DHT or delegated routing, no relay, no
# AutoNAT/AutoTLS/AutoConf, no UPnP, no telemetry, TCP only.
init_node() {
  local i=$1 repo
  repo=$(repo_of "$i")
  [[ -f $repo/config ]] && return 0
  mkdir -p "$(node_dir "$i")"
  rm -rf "$repo.init"
  IPFS_PATH=$repo.init "$IPFS_BIN" init --profile test --empty-repo >"$(node_dir "$i")/init.log" 2>&1 ||
    { cat "$(node_dir "$i")/init.log" >&2; die "ipfs init of node $i failed"; }
  local c=(env "IPFS_PATH=$repo.init" "$IPFS_BIN" config)
  "${c[@]}" --json Bootstrap '[]'
  "${c[@]}" --json Discovery.MDNS.Enabled false
  "${c[@]}" Routing.Type none
  "${c[@]}" --json Routing.DelegatedRouters '[]'
  "${c[@]}" --json Ipns.DelegatedPublishers '[]'
  "${c[@]}" --json DNS.Resolvers '{}'
  "${c[@]}" --json AutoConf.Enabled false
  "${c[@]}" --json AutoTLS.Enabled false
  "${c[@]}" AutoNAT.ServiceMode disabled
  "${c[@]}" --json Swarm.DisableNatPortMap true
  "${c[@]}" --json Swarm.RelayClient.Enabled false
  "${c[@]}" --json Swarm.RelayService.Enabled false
  "${c[@]}" --json Swarm.EnableHolePunching false
  "${c[@]}" --json Swarm.Transports.Network.QUIC false
  "${c[@]}" --json Swarm.Transports.Network.WebTransport false
  "${c[@]}" --json Swarm.Transports.Network.WebRTCDirect false
  "${c[@]}" --json Swarm.Transports.Network.Websocket false
  "${c[@]}" --json Provide.Enabled false
  "${c[@]}" --json HTTPRetrieval.Enabled false
  "${c[@]}" Plugins.Plugins.telemetry.Config.Mode off
  mv "$repo.init" "$repo"
}

# configure_node <i>: addresses from the port layout and the other nodes as peering peers
# (kubo keeps those connected and reconnects after a restart).
configure_node() {
  local i=$1 n=$2 j peers=() c
  c=(env "IPFS_PATH=$(repo_of "$i")" "$IPFS_BIN" config)
  "${c[@]}" Addresses.API "$(api_maddr "$i")"
  "${c[@]}" Addresses.Gateway "/ip4/127.0.0.1/tcp/$(gw_port "$i")"
  "${c[@]}" --json Addresses.Swarm "[\"/ip4/127.0.0.1/tcp/$(swarm_port "$i")\"]"
  "${c[@]}" --json Addresses.Announce "[\"/ip4/127.0.0.1/tcp/$(swarm_port "$i")\"]"
  for j in $(seq 1 "$n"); do
    (( j == i )) && continue
    peers+=("{\"ID\":\"$(peer_id "$j")\",\"Addrs\":[\"/ip4/127.0.0.1/tcp/$(swarm_port "$j")\"]}")
  done
  "${c[@]}" --json Peering.Peers "[$(IFS=,; echo "${peers[*]}")]"
}

start_node() {
  local i=$1 nd pid
  nd=$(node_dir "$i")
  if pid=$(running_pid "$i"); then return 0; fi
  require_free_port "$(api_port "$i")" "node $i API"
  require_free_port "$(gw_port "$i")" "node $i gateway"
  require_free_port "$(swarm_port "$i")" "node $i swarm"
  log "starting kubo node $i (API 127.0.0.1:$(api_port "$i"))"
  # Detached (its own session, no stdin), so it outlives this script and the test runner's pipes.
  # 8>&- 9>&-: the daemon must not inherit (and so hold) our locks.
  local extra=()
  if [[ -f $DIR/offline ]]; then extra=(--offline); fi
  env "$(mark "$i")" IPFS_PATH="$(repo_of "$i")" setsid "$IPFS_BIN" daemon --enable-gc=false --migrate=false "${extra[@]}" \
    </dev/null >>"$nd/daemon.log" 2>&1 8>&- 9>&- &
  echo $! >"$nd/daemon.pid"
}

wait_node() {
  local i=$1 nd pid t0=$SECONDS
  nd=$(node_dir "$i")
  # The pid just written: right after the fork it may not carry the marker yet (not exec'd).
  pid=$(<"$nd/daemon.pid")
  while true; do
    kill -0 "$pid" 2>/dev/null || { rm -f "$nd/daemon.pid"; tail -n 40 "$nd/daemon.log" >&2; die "kubo node $i exited during start (log above: $nd/daemon.log)"; }
    if "$IPFS_BIN" --api "$(api_maddr "$i")" id -f '<id>' >/dev/null 2>&1; then return 0; fi
    if (( SECONDS - t0 >= IPFS_START_TIMEOUT )); then
      tail -n 40 "$nd/daemon.log" >&2
      die "kubo node $i (pid $pid) did not answer /api/v0/id within $IPFS_START_TIMEOUT s"
    fi
    sleep 0.2
  done
}

# connect_node <i>: swarm-connect node i to every other running node (bitswap needs a connection).
connect_node() {
  local i=$1 n=$2 j
  for j in $(seq 1 "$n"); do
    (( j == i )) && continue
    running_pid "$j" >/dev/null || continue
    "$IPFS_BIN" --api "$(api_maddr "$i")" swarm connect "/ip4/127.0.0.1/tcp/$(swarm_port "$j")/p2p/$(peer_id "$j")" >/dev/null 2>&1 ||
      log "warning: node $i could not connect to node $j yet (peering retries)"
  done
}

write_nodes_json() {
  local n=$1 i sep= pid
  {
    printf '{"basePort":%s,"dir":"%s","nodes":[' "$BASE_PORT" "$DIR"
    for i in $(seq 1 "$n"); do
      pid=$(running_pid "$i" || echo null)
      printf '%s{"index":%s,"apiUrl":"http://127.0.0.1:%s","apiMultiaddr":"%s","gatewayUrl":"http://127.0.0.1:%s","peerId":"%s","swarmAddrs":["/ip4/127.0.0.1/tcp/%s/p2p/%s"],"ipfsPath":"%s","pid":%s}' \
        "$sep" "$i" "$(api_port "$i")" "$(api_maddr "$i")" "$(gw_port "$i")" "$(peer_id "$i")" "$(swarm_port "$i")" "$(peer_id "$i")" "$(repo_of "$i")" "$pid"
      sep=,
    done
    printf ']}\n'
  } >"$DIR/nodes.json.tmp"
  mv -f "$DIR/nodes.json.tmp" "$DIR/nodes.json"
}

require_built() {
  bin_ok "$IPFS_BIN" "${KUBO_VERSION#v}" || die "kubo $KUBO_VERSION is not built: run 'bash tools/ipfs/ipfs.sh build' first"
}

load_base_port() {
  if [[ -z $BASE_PORT ]]; then
    if [[ -f $DIR/ports ]]; then BASE_PORT=$(<"$DIR/ports"); else BASE_PORT=$DEFAULT_BASE_PORT; fi
  fi
}

cmd_up() {
  local n=${1:-} i t0=$SECONDS old
  [[ $n =~ ^[0-9]+$ ]] && (( n >= 1 && n <= MAX_NODES )) || die "usage: ipfs.sh up N [--base-port P] [--dir D] (1 <= N <= $MAX_NODES)"
  require_built
  if [[ -n $BASE_PORT && -f $DIR/ports && $(<"$DIR/ports") != "$BASE_PORT" ]]; then
    old=$(<"$DIR/ports")
    for i in $(seq 1 "$(node_count)"); do
      running_pid "$i" >/dev/null && die "nodes under $DIR run on base port $old; 'ipfs.sh down --dir $DIR' before changing it to $BASE_PORT"
    done
  fi
  load_base_port
  (( BASE_PORT >= 1024 && BASE_PORT + PORT_STRIDE * n <= 65535 )) || die "--base-port $BASE_PORT leaves no room for $n nodes"
  mkdir -p "$DIR"
  echo "$BASE_PORT" >"$DIR/ports"
  if (( OFFLINE )); then : >"$DIR/offline"; fi
  (( n > $(node_count) )) && echo "$n" >"$DIR/nodes"
  n=$(node_count)
  for i in $(seq 1 "$n"); do init_node "$i"; done
  local started=()
  for i in $(seq 1 "$n"); do
    if ! running_pid "$i" >/dev/null; then configure_node "$i" "$n"; start_node "$i"; started+=("$i"); fi
  done
  for i in $(seq 1 "$n"); do wait_node "$i"; done
  if [[ ! -f $DIR/offline ]]; then for i in $(seq 1 "$n"); do connect_node "$i" "$n"; done; fi
  write_nodes_json "$n"
  if (( ${#started[@]} )); then log "kubo nodes 1-$n up in $((SECONDS - t0)) s (started: ${started[*]}); $DIR/nodes.json"
  else log "kubo nodes 1-$n already up; $DIR/nodes.json"; fi
  cmd_status >&2 || true
}

cmd_stop() {
  local i=${1:-} pid
  [[ $i =~ ^[0-9]+$ ]] && (( i >= 1 )) || die "usage: ipfs.sh stop <i> [--dir D]"
  if pid=$(running_pid "$i"); then
    log "stopping kubo node $i (pid $pid)"
    stop_pids "$IPFS_STOP_TIMEOUT" "$pid"
    rm -f "$(node_dir "$i")/daemon.pid"
    ! kill -0 "$pid" 2>/dev/null || die "kubo node $i (pid $pid) is still running"
  else
    log "kubo node $i is not running"
  fi
  [[ -f $DIR/nodes.json ]] && { load_base_port; write_nodes_json "$(node_count)"; }
  return 0
}

cmd_start() {
  local i=${1:-} n
  [[ $i =~ ^[0-9]+$ ]] && (( i >= 1 )) || die "usage: ipfs.sh start <i> [--dir D]"
  require_built
  n=$(node_count)
  (( i <= n )) && [[ -f $(repo_of "$i")/config ]] || die "node $i was never set up under $DIR (run 'ipfs.sh up N' first)"
  load_base_port
  start_node "$i"
  wait_node "$i"
  if [[ ! -f $DIR/offline ]]; then connect_node "$i" "$n"; fi
  write_nodes_json "$n"
  log "kubo node $i up"
}

cmd_down() {
  local pids=() i pid
  cmd_cluster_down
  for i in $(seq 1 "$(node_count)"); do
    if pid=$(running_pid "$i"); then pids+=("$pid"); log "stopping kubo node $i (pid $pid)"; fi
  done
  for pid in $(pids_by_mark); do
    [[ " ${pids[*]} " == *" $pid "* ]] || { pids+=("$pid"); log "stopping pid $pid (no pid file)"; }
  done
  if (( ${#pids[@]} == 0 )); then log "no kubo node running under $DIR"; return 0; fi
  stop_pids "$IPFS_STOP_TIMEOUT" "${pids[@]}"
  rm -f "$DIR"/node*/daemon.pid
  for pid in "${pids[@]}"; do ! kill -0 "$pid" 2>/dev/null || die "pid $pid still running after SIGKILL"; done
  [[ -f $DIR/nodes.json ]] && { load_base_port; write_nodes_json "$(node_count)"; }
  log "stopped"
}

cmd_status() {
  local n i pid rc=0 state
  n=$(node_count)
  load_base_port
  if (( n == 0 )); then printf 'no kubo nodes set up under %s\n' "$DIR"; return 3; fi
  for i in $(seq 1 "$n"); do
    if pid=$(running_pid "$i"); then
      if "$IPFS_BIN" --api "$(api_maddr "$i")" id -f '<id>' >/dev/null 2>&1; then state=running; else state=starting; rc=3; fi
    else
      pid=-; state=stopped; rc=3
    fi
    printf 'kubo-node%-3s %-8s pid %-8s api http://127.0.0.1:%s swarm /ip4/127.0.0.1/tcp/%s peer %s\n' \
      "$i" "$state" "$pid" "$(api_port "$i")" "$(swarm_port "$i")" "$(peer_id "$i")"
  done
  return "$rc"
}


# ---------------------------------------------------------------------------------------
# a single-peer IPFS Cluster on kubo node 1 (benchmarks: `pinstate bench --peer ipfs-cluster`)
#
# Ports (from node 1's block, P = base port): cluster swarm P+3, REST API P+4, IPFS proxy P+5,
# Pinning Services API P+6; all 127.0.0.1 (never 9094, which pinstate's own
# IPFS Cluster API uses). Config and state in D/cluster; log D/cluster/daemon.log.

CLUSTER_MARK_ROLE=cluster
cluster_dir() { printf '%s/cluster' "$DIR"; }
cluster_api_port() { echo $((BASE_PORT + 4)); }

cluster_running_pid() {
  local f pid
  f=$(cluster_dir)/daemon.pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  if [[ $pid =~ ^[0-9]+$ ]] && is_ours "$pid" "$CLUSTER_MARK_ROLE"; then echo "$pid"; return 0; fi
  rm -f "$f"; return 1
}

cmd_cluster_up() {
  local cd pid t0=$SECONDS
  bin_ok "$SERVICE_BIN" "${CLUSTER_VERSION#v}" || die "ipfs-cluster $CLUSTER_VERSION is not built: run 'bash tools/ipfs/ipfs.sh build' first"
  (( $(node_count) >= 1 )) && running_pid 1 >/dev/null || die "kubo node 1 is not running under $DIR: run 'ipfs.sh up 1 --offline --dir $DIR' first"
  load_base_port
  cd=$(cluster_dir)
  if pid=$(cluster_running_pid); then log "ipfs-cluster already running (pid $pid), REST API http://127.0.0.1:$(cluster_api_port)"; return 0; fi
  if [[ ! -f $cd/service.json ]]; then
    mkdir -p "$cd"
    "$SERVICE_BIN" --config "$cd" init --consensus crdt --force >"$cd/init.log" 2>&1 || { cat "$cd/init.log" >&2; die "ipfs-cluster-service init failed"; }
    # Loopback only, no mDNS, crdt batching on, kubo node 1 as its IPFS daemon.
    node - "$cd/service.json" "$BASE_PORT" "$(api_port 1)" <<'JS' || die "could not edit $cd/service.json"
const fs = require('node:fs');
const [file, base, kuboApi] = process.argv.slice(2);
const P = Number(base);
const c = JSON.parse(fs.readFileSync(file, 'utf8'));
const la = (p) => `/ip4/127.0.0.1/tcp/${p}`;
c.cluster.listen_multiaddress = [la(P + 3)];
c.cluster.mdns_interval = '0s';
c.cluster.enable_relay_hop = false;
c.cluster.peer_addresses = [];
c.api.restapi.http_listen_multiaddress = la(P + 4);
if (c.api.ipfsproxy) { c.api.ipfsproxy.listen_multiaddress = la(P + 5); c.api.ipfsproxy.node_multiaddress = la(kuboApi); }
if (c.api.pinsvcapi) c.api.pinsvcapi.http_listen_multiaddress = la(P + 6);
c.ipfs_connector.ipfshttp.node_multiaddress = la(kuboApi);
c.consensus.crdt.batching = { max_batch_size: 1000, max_batch_age: '500ms', max_queue_size: 100000 };
fs.writeFileSync(file, JSON.stringify(c, null, 2));
JS
  fi
  require_free_port $((BASE_PORT + 3)) "cluster swarm"
  require_free_port "$(cluster_api_port)" "cluster REST API"
  log "starting ipfs-cluster-service (REST API 127.0.0.1:$(cluster_api_port))"
  env "$(mark "$CLUSTER_MARK_ROLE")" IPFS_CLUSTER_PATH="$cd" setsid "$SERVICE_BIN" --config "$cd" daemon \
    </dev/null >>"$cd/daemon.log" 2>&1 8>&- 9>&- &
  pid=$!
  echo "$pid" >"$cd/daemon.pid"
  while ! "$CTL_BIN" --host "/ip4/127.0.0.1/tcp/$(cluster_api_port)" id >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { rm -f "$cd/daemon.pid"; tail -n 40 "$cd/daemon.log" >&2; die "ipfs-cluster-service exited during start"; }
    (( SECONDS - t0 < IPFS_START_TIMEOUT )) || { tail -n 40 "$cd/daemon.log" >&2; die "ipfs-cluster REST API did not answer within $IPFS_START_TIMEOUT s"; }
    sleep 0.3
  done
  log "ipfs-cluster up in $((SECONDS - t0)) s: REST API http://127.0.0.1:$(cluster_api_port)"
}

cmd_cluster_down() {
  local pid
  if pid=$(cluster_running_pid); then
    log "stopping ipfs-cluster-service (pid $pid)"
    stop_pids "$IPFS_STOP_TIMEOUT" "$pid"
    rm -f "$(cluster_dir)/daemon.pid"
  else
    log "ipfs-cluster is not running under $DIR"
  fi
}

cmd_clean() {
  cmd_down
  [[ -d $DIR ]] || return 0
  log "deleting $DIR"
  rm -rf "$DIR"
}

# One command at a time per node folder (`status` and `path` do not lock).
take_lock() {
  mkdir -p "$DIR"
  take_flock "$DIR/.lock" 300 ipfs.sh
}

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

main() {
  local cmd=${1:-} args=()
  shift || true
  while (( $# )); do
    case $1 in
      --dir) DIR=${2:?--dir needs a folder}; shift 2 ;;
      --dir=*) DIR=${1#--dir=}; shift ;;
      --base-port) BASE_PORT=${2:?--base-port needs a port}; shift 2 ;;
      --base-port=*) BASE_PORT=${1#--base-port=}; shift ;;
      --offline) OFFLINE=1; shift ;;
      *) args+=("$1"); shift ;;
    esac
  done
  [[ -z $BASE_PORT || $BASE_PORT =~ ^[0-9]+$ ]] || die "--base-port must be a number"
  DIR=${DIR:-$ROOT/.local/ipfs}
  case $cmd in
    up|down|stop|start|status|clean|cluster-up|cluster-down)
      mkdir -p "$DIR" 2>/dev/null || true
      DIR=$(cd "$DIR" 2>/dev/null && pwd) || die "cannot use --dir $DIR" ;;
  esac
  case $cmd in up|down|stop|start|clean|cluster-up|cluster-down) take_lock ;; esac
  case $cmd in
    build) cmd_build ;;
    path) cmd_path "${args[@]}" ;;
    up) cmd_up "${args[@]}" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    stop) cmd_stop "${args[@]}" ;;
    start) cmd_start "${args[@]}" ;;
    clean) cmd_clean ;;
    cluster-up) cmd_cluster_up ;;
    cluster-down) cmd_cluster_down ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
