#!/usr/bin/env bash
# Local Kafka (KRaft) + Apache Cassandra 5.0 for pinstate's integration tests, run from
# Maven Central jars with Java 17 -- no Docker. See docs/local-stack.md.
#
#   stack.sh up [--nodes 1|4 | --topology single|multidc] [--no-secure|--secure]
#                                                            start (idempotent) and wait until ready
#   stack.sh down                                            stop everything this checkout started
#   stack.sh status                                          one line per server; exit 0 all up, 3 otherwise
#   stack.sh node-stop <n> | node-start <n>                  one Cassandra node (node 1 in single topology)
#   stack.sh kafka-stop | kafka-start                        the broker alone (fault tests)
#   stack.sh secure-up | secure-down                         only the secure Cassandra node (+ Kafka's SASL listeners)
#   stack.sh fetch                                           only fetch the jars
#   stack.sh clean                                           down, then delete data and logs (keeps jars and certs)
#   stack.sh nodetool <n|secure> <args...>                   nodetool against node n (JMX on 127.0.0.1)
#
# Secure servers (docs/security.md): the broker also listens with SASL/PLAIN over TLS on :9192
# and SASL/PLAIN without TLS on :9193, and a second, single Cassandra node on :9142 requires
# TLS and a password. `up` starts that node too unless `--no-secure` (sticky until `up --secure`)
# or PINSTATE_SECURE_STACK=0. CA, certificates and passwords are generated once into
# .local/secure; .local/secure/stack.json tells the tests where and how to connect.
#
# Everything lives under <repo>/.local (override: PINSTATE_LOCAL_DIR). Tunables (env):
# KAFKA_HEAP (512m), CASSANDRA_HEAP (768M single, 512M per node multidc),
# CASSANDRA_SECURE_HEAP (512M), KAFKA_START_TIMEOUT (120 s),
# CASSANDRA_START_TIMEOUT (300 s per node), STOP_TIMEOUT (60 s),
# PINSTATE_STACK_TOPOLOGY (default topology for `up`: single), PINSTATE_STACK_HOST (127.0.0.1),
# PINSTATE_MULTIDC_PREFIX (127.0.0: multidc node n on 127.0.0.n),
# CASSANDRA_JMX_PORT (7199 for stack host 127.0.0.1, 7199 + 10 * (last octet - 1) for another
# stack host; node n uses base + (n-1)*100, the secure node base + 1000, always on 127.0.0.1).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=../lib/processes.sh
source "$ROOT/tools/lib/processes.sh"
LOCAL=${PINSTATE_LOCAL_DIR:-$ROOT/.local}
RUN=$LOCAL/run
KAFKA_HOME=$LOCAL/kafka
KAFKA_LIBS=$KAFKA_HOME/libs
KAFKA_POM=$HERE/kafka.pom.xml
CASS_HOME=$LOCAL/cassandra
CASS_LIB=$CASS_HOME/lib
CASS_POM=$HERE/cassandra.pom.xml

KAFKA_HEAP=${KAFKA_HEAP:-512m}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-120}
CASSANDRA_START_TIMEOUT=${CASSANDRA_START_TIMEOUT:-300}
STOP_TIMEOUT=${STOP_TIMEOUT:-60}

# Single-node stack address (Kafka and Cassandra). Another loopback address (127.0.0.10) lets a
# second checkout run its own stack beside this one (the multidc nodes: PINSTATE_MULTIDC_PREFIX).
STACK_HOST=${PINSTATE_STACK_HOST:-127.0.0.1}
[[ $STACK_HOST =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "stack.sh: error: PINSTATE_STACK_HOST must be a 127.x.y.z address" >&2; exit 1; }
# multidc node n listens on $MULTIDC_PREFIX.n (default 127.0.0.1-4).
MULTIDC_PREFIX=${PINSTATE_MULTIDC_PREFIX:-127.0.0}
[[ $MULTIDC_PREFIX =~ ^127\.[0-9]+\.[0-9]+$ ]] || { echo "stack.sh: error: PINSTATE_MULTIDC_PREFIX must look like 127.0.0" >&2; exit 1; }
# JMX always listens on 127.0.0.1 (Cassandra's local-only JMX), so a second stack on another
# loopback address needs other JMX ports: 7199 + 10 * (last octet - 1), i.e. 7209 for 127.0.0.2.
STACK_HOST_OCTET=${STACK_HOST##*.}
JMX_BASE_PORT=${CASSANDRA_JMX_PORT:-$((7199 + 10 * (STACK_HOST_OCTET - 1)))}
KAFKA_ADDR=$STACK_HOST
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
CQL_PORT=9042
STORAGE_PORT=7000

# The secure servers: extra listeners of the same broker, and one more Cassandra node on the
# stack address with its own ports (multidc nodes 2-4 own 127.0.0.2-4, so not another address).
KAFKA_SASL_SSL_PORT=9192
KAFKA_SASL_PLAINTEXT_PORT=9193
SECURE_CQL_PORT=9142
SECURE_STORAGE_PORT=7100
SECURE_JMX_PORT=$((JMX_BASE_PORT + 1000))
SECURE_DIR=$LOCAL/secure
SECURE_OFF_FILE=$RUN/secure.off
# Role names (passwords: generated into $SECURE_DIR/secrets.env).
KAFKA_ADMIN_USER=admin
KAFKA_APP_USER=pinstate
CASS_ADMIN_USER=pinstate_admin
CASS_APP_USER=pinstate

# ---------------------------------------------------------------------------------------
# helpers

log() { printf 'stack.sh: %s\n' "$*"; }
die() { printf 'stack.sh: error: %s\n' "$*" >&2; exit 1; }

# The marker put on every JVM command line we start: identifies our processes exactly
# (stale pid files, pid reuse) without matching anybody else's java.
marker() { printf -- '-Dpinstate.stack=%s:%s' "$LOCAL" "$1"; }

# is_ours <pid> <role>: the process exists and carries our marker for <role>.
is_ours() {
  local pid=$1 role=$2
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -Fxq -- "$(marker "$role")"
}

# running_pid <role>: print the pid of our live process for <role>; drop a stale pid file.
running_pid() {
  local role=$1 f=$RUN/$1.pid pid
  if [[ -f $f ]]; then
    pid=$(<"$f")
    if [[ $pid =~ ^[0-9]+$ ]] && is_ours "$pid" "$role"; then
      echo "$pid"; return 0
    fi
    rm -f "$f"
  fi
  # No (valid) pid file: maybe it was deleted while the server kept running.
  pid=$(pids_by_marker "$role" | head -n1)
  if [[ -n $pid ]]; then
    echo "$pid" >"$f"; echo "$pid"; return 0
  fi
  return 1
}

# pids_by_marker <role|*>: our JVMs for one role, or all of ours with '*'.
pids_by_marker() {
  local want=$1 p arg prefix
  prefix="-Dpinstate.stack=$LOCAL:"
  for p in /proc/[0-9]*; do
    [[ -r $p/cmdline && ${p#/proc/} != "$$" ]] || continue
    while IFS= read -r -d '' arg; do
      if [[ $arg == "$prefix"* ]]; then
        if [[ $want == '*' || ${arg#"$prefix"} == "$want" ]]; then echo "${p#/proc/}"; fi
        break
      fi
    done 2>/dev/null <"$p/cmdline" || true
  done
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

port_owner() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltnp "( sport = :$2 )" 2>/dev/null | awk '{print $NF}' | head -n1
  fi
}

require_free_port() {
  local host=$1 port=$2 what=$3 owner
  if port_open "$host" "$port"; then
    owner=$(port_owner "$host" "$port")
    die "$host:$port ($what) is already in use by another process${owner:+ ($owner)}; it is not a server started by this checkout. Stop it, or point the tests at it with KAFKA_BROKERS / SCYLLA_HOSTS."
  fi
}

tail_log() {
  local f=$1
  printf '\n----- last 40 lines of %s -----\n' "$f" >&2
  tail -n 40 "$f" >&2 || true
  printf -- '----- end of %s -----\n' "$f" >&2
}

JAVA=
require_java() {
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then JAVA=$JAVA_HOME/bin/java
  elif command -v java >/dev/null 2>&1; then JAVA=$(command -v java)
  else die "java not found: install a Java 17 JDK/JRE (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
  fi
  local v
  v=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n1)
  [[ $v == 17 ]] || die "Java 17 is required (Kafka 4.1 needs >= 17, Cassandra 5.0 supports 11/17 only); $JAVA is Java ${v:-unknown}. Set JAVA_HOME to a Java 17."
}

pom_prop() { sed -n "s|.*<$2>\(.*\)</$2>.*|\1|p" "$1" | head -n1; }

# fetch_libs <name> <pom> <dest> <main-jar-glob>: copy the POM's runtime class path into
# <dest> once. A marker records the POM's hash; a changed POM refetches into a fresh folder.
fetch_libs() {
  local name=$1 pom=$2 dest=$3 main=$4 hash tmp
  hash=$(sha256sum "$pom" | cut -d' ' -f1)
  if [[ -f $dest/.pom.sha256 && $(<"$dest/.pom.sha256") == "$hash" ]]; then return 0; fi
  # Jars fetched by hand with the same POM (no marker yet): adopt them.
  if [[ -d $dest && ! -f $dest/.pom.sha256 ]] && compgen -G "$dest/$main" >/dev/null; then
    echo "$hash" >"$dest/.pom.sha256"; return 0
  fi
  command -v mvn >/dev/null 2>&1 ||
    die "mvn not found: Maven 3 is needed once to fetch the $name jars from Maven Central (Debian: apt-get install maven)"
  tmp=$dest.fetch.$$
  rm -rf "$tmp"; mkdir -p "$tmp"
  log "fetching $name jars from Maven Central into ${dest#"$ROOT"/} (first run only) ..."
  local t0=$SECONDS
  if ! mvn -B -q -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" >"$tmp.log" 2>&1; then
    tail_log "$tmp.log"; rm -rf "$tmp"
    die "mvn could not fetch the $name jars (see above; is Maven Central reachable?)"
  fi
  rm -f "$tmp.log"
  compgen -G "$tmp/$main" >/dev/null || { rm -rf "$tmp"; die "fetched $name jars but $main is missing"; }
  echo "$hash" >"$tmp/.pom.sha256"
  rm -rf "$dest"; mv "$tmp" "$dest"
  log "fetched $name jars in $((SECONDS - t0)) s"
}

fetch_kafka() { fetch_libs Kafka "$KAFKA_POM" "$KAFKA_LIBS" "kafka_2.13-$(pom_prop "$KAFKA_POM" kafka.version).jar"; }
fetch_cassandra() { fetch_libs Cassandra "$CASS_POM" "$CASS_LIB" "cassandra-all-$(pom_prop "$CASS_POM" cassandra.version).jar"; }

# render <template> <dest> KEY=VALUE...: replace @KEY@ by VALUE.
render() {
  local src=$1 dst=$2 text kv; shift 2
  text=$(<"$src")
  for kv in "$@"; do text=${text//@${kv%%=*}@/${kv#*=}}; done
  printf '%s\n' "$text" >"$dst"
}

# ---------------------------------------------------------------------------------------
# Secure material: passwords, a local CA and the server certificate (all under .local/secure)

secure_enabled() { [[ ${PINSTATE_SECURE_STACK:-1} != 0 && ! -f $SECURE_OFF_FILE ]]; }

require_tool() {
  command -v "$1" >/dev/null 2>&1 || die "$1 not found: it is needed once to create the local test certificates ($2)"
}

# The names the server certificate is valid for: localhost, 127.0.0.1 and the stack address.
secure_sans() {
  printf 'DNS:localhost,IP:127.0.0.1'
  if [[ $STACK_HOST != 127.0.0.1 ]]; then printf ',IP:%s' "$STACK_HOST"; fi
}

# Random passwords, generated once: secrets.env (KEY=value lines, mode 600). A missing key is
# added; existing ones are kept (the secure node's roles were created with them).
ensure_secrets() {
  local f=$SECURE_DIR/secrets.env key value tmp changed=0
  local keys=(KEYSTORE_PASSWORD KAFKA_ADMIN_PASSWORD KAFKA_PINSTATE_PASSWORD CASS_ADMIN_PASSWORD CASS_PINSTATE_PASSWORD CASS_DEFAULT_PASSWORD)
  tmp=$f.tmp.$$
  (umask 077; : >"$tmp")
  for key in "${keys[@]}"; do
    value=
    if [[ -f $f ]]; then value=$(sed -n "s/^$key=\([0-9a-f]\{32\}\)$/\1/p" "$f" | head -n1); fi
    if [[ -z $value ]]; then value=$(openssl rand -hex 16) || die "openssl rand failed"; changed=1; fi
    printf '%s=%s\n' "$key" "$value" >>"$tmp"
  done
  if (( changed )); then
    mv -f "$tmp" "$f"
    # Keystores are locked with KEYSTORE_PASSWORD: recreate them with the current one.
    rm -f "$SECURE_DIR/server.p12" "$SECURE_DIR/truststore.p12"
    log "generated local test passwords in ${f#"$ROOT"/}"
  else
    rm -f "$tmp"
  fi
}

load_secrets() {
  local line
  while IFS= read -r line; do
    case $line in
      KEYSTORE_PASSWORD=*|KAFKA_ADMIN_PASSWORD=*|KAFKA_PINSTATE_PASSWORD=*|CASS_ADMIN_PASSWORD=*|CASS_PINSTATE_PASSWORD=*|CASS_DEFAULT_PASSWORD=*)
        printf -v "${line%%=*}" '%s' "${line#*=}" ;;
    esac
  done <"$SECURE_DIR/secrets.env"
}

# issue_server_cert: key + certificate for the servers (SANs above, signed by the local CA),
# packed with the CA into a PKCS12 keystore for the JVMs.
issue_server_cert() {
  local d=$SECURE_DIR
  log "issuing the server certificate for $(secure_sans)"
  printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' \
    "$(secure_sans)" >"$d/server.ext"
  (
    umask 077
    openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/O=pinstate local stack/CN=localhost" \
      -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
    openssl x509 -req -sha256 -days 825 -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
      -CAcreateserial -CAserial "$d/ca.srl" -extfile "$d/server.ext" -out "$d/server.crt" 2>/dev/null
    rm -f "$d/server.p12"
    KSPW=$KEYSTORE_PASSWORD openssl pkcs12 -export -name pinstate-server -in "$d/server.crt" -inkey "$d/server.key" \
      -certfile "$d/ca.crt" -out "$d/server.p12" -passout env:KSPW
  ) || die "openssl could not create the server certificate in $d"
  rm -f "$d/server.csr" "$d/server.ext"
  secure_sans >"$d/server.san"
  write_not_after
}

# server.notafter: the certificate's expiry (unix seconds), so `up` needs no openssl run to check it.
write_not_after() {
  local end
  end=$(openssl x509 -enddate -noout -in "$SECURE_DIR/server.crt" 2>/dev/null | cut -d= -f2) &&
    date -d "$end" +%s >"$SECURE_DIR/server.notafter" 2>/dev/null || rm -f "$SECURE_DIR/server.notafter"
}

# ensure_secure_material: passwords, CA, server certificate, truststore and stack.json, each
# created only when missing (the server certificate also when the stack address changed or it
# expires within 30 days). Fast when everything is there.
SECURE_MATERIAL_OK=0
ensure_secure_material() {
  (( SECURE_MATERIAL_OK )) && return 0
  local d=$SECURE_DIR
  mkdir -p "$d"; chmod 700 "$d"
  require_tool openssl "Debian: apt-get install openssl"
  ensure_secrets
  load_secrets
  if [[ ! -s $d/ca.key || ! -s $d/ca.crt ]]; then
    log "creating the local test CA in ${d#"$ROOT"/} (once)"
    (umask 077; openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 \
      -subj "/O=pinstate local stack/CN=pinstate local test CA" -keyout "$d/ca.key" -out "$d/ca.crt" \
      -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null) ||
      die "openssl could not create the local CA in $d"
    rm -f "$d/server.crt" "$d/server.p12" "$d/truststore.p12" "$d/ca.srl"
  fi
  local san= not_after= now
  [[ -s $d/server.san ]] && san=$(<"$d/server.san")
  if [[ -s $d/server.crt && ! -s $d/server.notafter ]]; then write_not_after; fi
  [[ -s $d/server.notafter ]] && not_after=$(<"$d/server.notafter")
  printf -v now '%(%s)T' -1
  # Expiry is read from server.notafter (written at issue time): no openssl run on every `up`.
  if [[ ! -s $d/server.p12 || ! -s $d/server.crt || ! -s $d/server.key || $san != "$(secure_sans)" || ! $not_after =~ ^[0-9]+$ ]] ||
    (( not_after - now < 30 * 86400 )); then
    issue_server_cert
  fi
  if [[ ! -s $d/truststore.p12 ]]; then
    local keytool
    if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/keytool ]]; then keytool=$JAVA_HOME/bin/keytool
    else require_tool keytool "it comes with the Java 17 JDK/JRE"; keytool=$(command -v keytool); fi
    KSPW=$KEYSTORE_PASSWORD "$keytool" -importcert -noprompt -alias pinstate-local-ca -file "$d/ca.crt" \
      -keystore "$d/truststore.p12.tmp" -storetype PKCS12 -storepass:env KSPW >/dev/null 2>&1 ||
      { rm -f "$d/truststore.p12.tmp"; die "keytool could not create $d/truststore.p12"; }
    mv -f "$d/truststore.p12.tmp" "$d/truststore.p12"
  fi
  chmod 600 "$d"/*.key "$d"/*.p12 "$d/secrets.env"
  write_stack_json
  SECURE_MATERIAL_OK=1
}

json_str() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }

# .local/secure/stack.json: where the secure servers are and how to log in (read by the tests'
# global setup; mode 600).
write_stack_json() {
  local f=$SECURE_DIR/stack.json tmp
  tmp=$f.tmp.$$
  (umask 077; cat >"$tmp" <<JSON
{
  "caFile": $(json_str "$SECURE_DIR/ca.crt"),
  "kafka": {
    "saslSslBrokers": [$(json_str "$KAFKA_ADDR:$KAFKA_SASL_SSL_PORT")],
    "saslPlaintextBrokers": [$(json_str "$KAFKA_ADDR:$KAFKA_SASL_PLAINTEXT_PORT")],
    "mechanism": "plain",
    "username": $(json_str "$KAFKA_APP_USER"),
    "password": $(json_str "$KAFKA_PINSTATE_PASSWORD"),
    "adminUsername": $(json_str "$KAFKA_ADMIN_USER"),
    "adminPassword": $(json_str "$KAFKA_ADMIN_PASSWORD")
  },
  "cassandra": {
    "hosts": [$(json_str "$STACK_HOST")],
    "port": $SECURE_CQL_PORT,
    "localDc": "datacenter1",
    "username": $(json_str "$CASS_APP_USER"),
    "password": $(json_str "$CASS_PINSTATE_PASSWORD"),
    "adminUsername": $(json_str "$CASS_ADMIN_USER"),
    "adminPassword": $(json_str "$CASS_ADMIN_PASSWORD")
  }
}
JSON
  )
  if [[ -f $f ]] && cmp -s "$tmp" "$f"; then rm -f "$tmp"; else mv -f "$tmp" "$f"; fi
}

# spawn <role> <logfile> <cmd...>: start detached (own session, no stdin, output to the log);
# the pid file holds the JVM's pid because bash execs into it.
spawn() {
  local role=$1 logf=$2; shift 2
  mkdir -p "$RUN" "$(dirname "$logf")"
  [[ -f $logf ]] && mv -f "$logf" "$logf.1"
  rm -f "$RUN/$role.pid"
  # shellcheck disable=SC2016
  # 9>&-: the server must not inherit (and keep holding) stack.sh's lock.
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$RUN/$role.pid" "$@" </dev/null >"$logf" 2>&1 9>&- &
  local i
  for i in $(seq 1 50); do [[ -s $RUN/$role.pid ]] && return 0; sleep 0.1; done
  die "could not start $role"
}

# wait_ready <role> <logfile> <timeout> <check-fn>: poll until check-fn succeeds; fail fast
# (with the log tail) when the process dies.
wait_ready() {
  local role=$1 logf=$2 timeout=$3 check=$4 t0=$SECONDS pid
  while true; do
    if ! pid=$(running_pid "$role"); then
      tail_log "$logf"
      die "$role exited during start (log: $logf)"
    fi
    if "$check"; then return 0; fi
    if (( SECONDS - t0 > timeout )); then
      tail_log "$logf"
      die "$role (pid $pid) not ready after ${timeout} s (log: $logf); it is left running, 'stack.sh down' stops it"
    fi
    sleep 0.5
  done
}

# ---------------------------------------------------------------------------------------
# Kafka

KAFKA_LOG=$KAFKA_HOME/logs/server.log

kafka_ready() { port_open "$KAFKA_ADDR" "$KAFKA_PORT" && grep -q 'Kafka Server started' "$KAFKA_LOG" 2>/dev/null; }
# Ready for `up`: also the SASL listeners (opened together with the others).
kafka_ready_all() { kafka_ready && port_open "$KAFKA_ADDR" "$KAFKA_SASL_SSL_PORT" && port_open "$KAFKA_ADDR" "$KAFKA_SASL_PLAINTEXT_PORT"; }

# render_kafka_config <dest>: the base template plus the SASL/TLS listeners. The keystore's
# hash is part of the file, so a new certificate counts as a changed configuration.
render_kafka_config() {
  local dst=$1
  render "$HERE/kafka-server.properties" "$dst" "KAFKA_DATA=$KAFKA_HOME/data" "HOST=$KAFKA_ADDR"
  render "$HERE/kafka-server-secure.properties" "$dst.secure" "HOST=$KAFKA_ADDR" "SECURE_DIR=$SECURE_DIR" \
    "KEYSTORE_PASSWORD=$KEYSTORE_PASSWORD" "KAFKA_ADMIN_PASSWORD=$KAFKA_ADMIN_PASSWORD" "KAFKA_PINSTATE_PASSWORD=$KAFKA_PINSTATE_PASSWORD"
  { printf '\n'; cat "$dst.secure"; printf '# keystore sha256 %s\n' "$(sha256sum "$SECURE_DIR/server.p12" | cut -d' ' -f1)"; } >>"$dst"
  rm -f "$dst.secure"
  chmod 600 "$dst"
}

kafka_log_opts() {
  if compgen -G "$KAFKA_LIBS/log4j-core-2*.jar" >/dev/null; then
    echo "-Dlog4j2.configurationFile=$HERE/kafka-log4j2.properties"
  else # Kafka 3.9.x with reload4j
    echo "-Dlog4j.configuration=file:$HERE/kafka-log4j.properties"
  fi
}

kafka_start() {
  local pid
  ensure_secure_material
  mkdir -p "$KAFKA_HOME/data" "$KAFKA_HOME/logs"
  render_kafka_config "$KAFKA_HOME/server.properties.new"
  if pid=$(running_pid kafka); then
    if cmp -s "$KAFKA_HOME/server.properties.new" "$KAFKA_HOME/server.properties"; then
      rm -f "$KAFKA_HOME/server.properties.new"
      log "kafka already running (pid $pid)"
      return 0
    fi
    # Listeners and certificates are read at start only: a broker started from an older
    # server.properties (e.g. before the SASL listeners existed) is restarted once.
    log "kafka (pid $pid) runs with an older server.properties: restarting it once to apply the new one"
    stop_pids "$STOP_TIMEOUT" "$pid"
    rm -f "$RUN/kafka.pid"
  fi
  require_free_port "$KAFKA_ADDR" "$KAFKA_PORT" "Kafka"
  require_free_port "$KAFKA_ADDR" "$KAFKA_CONTROLLER_PORT" "Kafka controller"
  require_free_port "$KAFKA_ADDR" "$KAFKA_SASL_SSL_PORT" "Kafka SASL_SSL"
  require_free_port "$KAFKA_ADDR" "$KAFKA_SASL_PLAINTEXT_PORT" "Kafka SASL_PLAINTEXT"
  fetch_kafka
  mv -f "$KAFKA_HOME/server.properties.new" "$KAFKA_HOME/server.properties"
  local cp="$KAFKA_LIBS/*" logopt
  logopt=$(kafka_log_opts)
  if [[ ! -f $KAFKA_HOME/data/meta.properties ]]; then
    if [[ ! -s $KAFKA_HOME/cluster-id ]]; then
      "$JAVA" "$logopt" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1 >"$KAFKA_HOME/cluster-id"
      [[ -s $KAFKA_HOME/cluster-id ]] || die "kafka.tools.StorageTool random-uuid failed"
    fi
    log "formatting Kafka storage (cluster id $(<"$KAFKA_HOME/cluster-id"))"
    "$JAVA" "$logopt" -cp "$cp" kafka.tools.StorageTool format -t "$(<"$KAFKA_HOME/cluster-id")" \
      -c "$KAFKA_HOME/server.properties" --ignore-formatted >"$KAFKA_HOME/logs/format.log" 2>&1 ||
      { tail_log "$KAFKA_HOME/logs/format.log"; die "formatting Kafka storage failed"; }
  fi
  log "starting kafka on $KAFKA_ADDR:$KAFKA_PORT (SASL_SSL :$KAFKA_SASL_SSL_PORT, SASL_PLAINTEXT :$KAFKA_SASL_PLAINTEXT_PORT)"
  spawn kafka "$KAFKA_LOG" "$JAVA" "$(marker kafka)" \
    "-Xms$KAFKA_HEAP" "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+PerfDisableSharedMem \
    -Djava.awt.headless=true "-Dkafka.logs.dir=$KAFKA_HOME/logs" "$logopt" \
    -cp "$cp" kafka.Kafka "$KAFKA_HOME/server.properties"
}

kafka_wait() {
  wait_ready kafka "$KAFKA_LOG" "$KAFKA_START_TIMEOUT" kafka_ready_all
  log "kafka ready on $KAFKA_ADDR:$KAFKA_PORT (pid $(running_pid kafka))"
}

# ---------------------------------------------------------------------------------------
# Cassandra

TOPOLOGY_FILE=$CASS_HOME/topology

current_topology() { if [[ -s $TOPOLOGY_FILE ]]; then cat "$TOPOLOGY_FILE"; else echo single; fi; }
node_count() { if [[ $1 == multidc ]]; then echo 4; else echo 1; fi; }

# node_info <topology> <n>: sets ADDR NODE_CQL_PORT NODE_STORAGE_PORT DC RACK TOKEN SEEDS
# CLUSTER HEAP JMX_PORT NODE_DIR ROLE. Topology `secure` is the single TLS + password node.
node_info() {
  local topo=$1 n=$2
  ROLE=cassandra-$topo-node$n
  NODE_DIR=$CASS_HOME/$topo/node$n
  ADDR=$MULTIDC_PREFIX.$n
  JMX_PORT=$((JMX_BASE_PORT + (n - 1) * 100))
  NODE_CQL_PORT=$CQL_PORT NODE_STORAGE_PORT=$STORAGE_PORT
  if [[ $topo == secure ]]; then
    [[ $n == 1 ]] || die "the secure node is node 1"
    ADDR=$STACK_HOST JMX_PORT=$SECURE_JMX_PORT NODE_CQL_PORT=$SECURE_CQL_PORT NODE_STORAGE_PORT=$SECURE_STORAGE_PORT
    DC=datacenter1 RACK=rack1 TOKEN=0 SEEDS="$STACK_HOST:$SECURE_STORAGE_PORT" CLUSTER=pinstate-secure
    HEAP=${CASSANDRA_SECURE_HEAP:-512M}
  elif [[ $topo == single ]]; then
    [[ $n == 1 ]] || die "the single topology has only node 1"
    ADDR=$STACK_HOST
    DC=datacenter1 RACK=rack1 TOKEN=0 SEEDS="$STACK_HOST:$STORAGE_PORT" CLUSTER=pinstate-local
    HEAP=${CASSANDRA_HEAP:-768M}
  else
    # dc1 = nodes 1-3 (balanced tokens, one per rack), dc2 = node 4 (ccm-style offset +100).
    local tokens=(-9223372036854775808 -3074457345618258603 3074457345618258602 -9223372036854775708)
    (( n >= 1 && n <= 4 )) || die "the multidc topology has nodes 1-4"
    TOKEN=${tokens[n-1]}
    if (( n <= 3 )); then DC=dc1 RACK=rack$n; else DC=dc2 RACK=rack1; fi
    SEEDS="$MULTIDC_PREFIX.1:$STORAGE_PORT,$MULTIDC_PREFIX.4:$STORAGE_PORT" CLUSTER=pinstate-multidc
    HEAP=${CASSANDRA_HEAP:-512M}
  fi
}

# Module access Cassandra 5.0 needs on Java 17 (jvm17-server.options; nodetool needs it too).
CASS_JAVA17_MODULE_OPTS=(
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.management/com.sun.jmx.remote.security=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED
  --add-exports java.base/java.lang.ref=ALL-UNNAMED
  --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED
  --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED
  --add-opens java.base/java.nio=ALL-UNNAMED
)

cass_log() { echo "$NODE_DIR/logs/system.log"; }

CHECK_ADDR= CHECK_PORT=$CQL_PORT
cass_ready() {
  port_open "$CHECK_ADDR" "$CHECK_PORT" && grep -q 'Starting listening for CQL clients' "$CHECK_LOG" 2>/dev/null
}

cass_start_node() {
  local topo=$1 n=$2 pid
  node_info "$topo" "$n"
  local what="cassandra node $n"
  [[ $topo != secure ]] || what="secure cassandra node"
  if pid=$(running_pid "$ROLE"); then
    log "$what already running (pid $pid, $ADDR:$NODE_CQL_PORT)"
    return 0
  fi
  require_free_port "$ADDR" "$NODE_CQL_PORT" "Cassandra CQL"
  require_free_port "$ADDR" "$NODE_STORAGE_PORT" "Cassandra storage"
  require_free_port 127.0.0.1 "$JMX_PORT" "Cassandra JMX of the $what"
  fetch_cassandra
  local jamm
  jamm=$(compgen -G "$CASS_LIB/jamm-*.jar" | head -n1) || true
  [[ -n $jamm ]] || die "no jamm-*.jar in $CASS_LIB (needed as -javaagent)"
  mkdir -p "$NODE_DIR/conf" "$NODE_DIR/data" "$NODE_DIR/logs" "$NODE_DIR/tmp"
  render "$HERE/cassandra.yaml" "$NODE_DIR/conf/cassandra.yaml" \
    "CLUSTER=$CLUSTER" "TOKEN=$TOKEN" "SEEDS=$SEEDS" "ADDR=$ADDR" "NODE_DIR=$NODE_DIR" \
    "STORAGE_PORT=$NODE_STORAGE_PORT" "CQL_PORT=$NODE_CQL_PORT"
  local extra=()
  if [[ $topo == secure ]]; then
    ensure_secure_material
    render "$HERE/cassandra-secure.yaml" "$NODE_DIR/conf/cassandra-secure.yaml" \
      "SECURE_DIR=$SECURE_DIR" "KEYSTORE_PASSWORD=$KEYSTORE_PASSWORD"
    { printf '\n'; cat "$NODE_DIR/conf/cassandra-secure.yaml"; } >>"$NODE_DIR/conf/cassandra.yaml"
    rm -f "$NODE_DIR/conf/cassandra-secure.yaml"
    chmod 600 "$NODE_DIR/conf/cassandra.yaml"
    # The built-in superuser appears 0.1 s after start instead of 10 s; bcrypt cost 4 (the
    # minimum) instead of 10 keeps each login cheap. Both are for this test node only.
    extra=(-Dcassandra.superuser_setup_delay_ms=100 -Dcassandra.auth_bcrypt_gensalt_log2_rounds=4)
  fi
  render "$HERE/cassandra-rackdc.properties" "$NODE_DIR/conf/cassandra-rackdc.properties" "DC=$DC" "RACK=$RACK"
  cp "$HERE/cassandra-logback.xml" "$NODE_DIR/conf/logback.xml"
  log "starting $what on $ADDR:$NODE_CQL_PORT ($DC/$RACK, token $TOKEN, heap $HEAP)"
  # The flag set bin/cassandra uses on Java 17 (jvm-server.options + jvm17-server.options).
  spawn "$ROLE" "$(cass_log)" "$JAVA" "$(marker "$ROLE")" \
    "-Xms$HEAP" "-Xmx$HEAP" -Xss256k -ea -da:net.openhft... \
    -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1 -XX:MaxGCPauseMillis=300 \
    -XX:+HeapDumpOnOutOfMemoryError "-XX:HeapDumpPath=$NODE_DIR/tmp" -XX:+UseTLAB -XX:+ResizeTLAB \
    -XX:+PerfDisableSharedMem -XX:+UseThreadPriorities -XX:StringTableSize=1000003 \
    -Djava.net.preferIPv4Stack=true -Dchronicle.analytics.disable=true -Djdk.attach.allowAttachSelf=true \
    "${CASS_JAVA17_MODULE_OPTS[@]}" \
    -Dio.netty.tryReflectionSetAccessible=true -Dio.netty.allocator.useCacheForAllThreads=true \
    -Dio.netty.allocator.maxOrder=11 \
    "-javaagent:$jamm" \
    "-Dcassandra.jmx.local.port=$JMX_PORT" \
    "-Dcassandra.config=file://$NODE_DIR/conf/cassandra.yaml" \
    "-Dcassandra-rackdc.properties=file://$NODE_DIR/conf/cassandra-rackdc.properties" \
    "-Dlogback.configurationFile=$NODE_DIR/conf/logback.xml" \
    "-Dcassandra.storagedir=$NODE_DIR/data" "-Dcassandra.logdir=$NODE_DIR/logs" \
    "-Djava.io.tmpdir=$NODE_DIR/tmp" "-Djna.tmpdir=$NODE_DIR/tmp" \
    -Dcassandra-foreground=yes \
    -Dcassandra.skip_wait_for_gossip_to_settle=0 -Dcassandra.ring_delay_ms=1000 \
    -Dcassandra.unsafesystem=true "${extra[@]}" \
    -cp "$NODE_DIR/conf:$CASS_LIB/*" org.apache.cassandra.service.CassandraDaemon
}

cass_wait_node() {
  local topo=$1 n=$2
  node_info "$topo" "$n"
  CHECK_ADDR=$ADDR CHECK_PORT=$NODE_CQL_PORT CHECK_LOG=$(cass_log)
  wait_ready "$ROLE" "$CHECK_LOG" "$CASSANDRA_START_TIMEOUT" cass_ready
  if [[ $topo == secure ]]; then
    secure_bootstrap
    log "secure cassandra node ready on $ADDR:$NODE_CQL_PORT (TLS required, PasswordAuthenticator, pid $(running_pid "$ROLE"))"
  else
    log "cassandra node $n ready on $ADDR:$CQL_PORT ($DC/$RACK, pid $(running_pid "$ROLE"))"
  fi
}

# secure_bootstrap: the roles of the secure node, once per data dir (node_info secure 1 set).
secure_bootstrap() {
  local marker=$NODE_DIR/data/roles.done
  [[ -f $marker ]] && return 0
  command -v node >/dev/null 2>&1 || die "node not found: the secure node's roles are created with Node.js (tools/local-stack/secure-bootstrap.ts)"
  [[ -d $ROOT/node_modules/cassandra-driver && -d $ROOT/node_modules/tsx ]] ||
    die "$ROOT/node_modules is missing cassandra-driver or tsx: run npm ci first (the secure node's roles are created with them)"
  load_secrets
  log "creating the roles of the secure node (first start only)"
  SECURE_HOST=$ADDR SECURE_PORT=$NODE_CQL_PORT SECURE_DC=$DC SECURE_CA_FILE=$SECURE_DIR/ca.crt \
    SECURE_ADMIN_USER=$CASS_ADMIN_USER SECURE_ADMIN_PASSWORD=$CASS_ADMIN_PASSWORD \
    SECURE_APP_USER=$CASS_APP_USER SECURE_APP_PASSWORD=$CASS_PINSTATE_PASSWORD \
    SECURE_DEFAULT_PASSWORD=$CASS_DEFAULT_PASSWORD SECURE_TIMEOUT_S=120 \
    bash -c 'cd "$1" && exec node --import tsx "$2"' _ "$ROOT" "$HERE/secure-bootstrap.ts" </dev/null || die "creating the roles of the secure node failed (log: $(cass_log))"
  date -u +%FT%TZ >"$marker"
}

# Refuse to mix topologies: they share one Kafka and, by default, 127.0.0.1:9042.
check_topology_switch() {
  local want=$1 other n
  if [[ $want == single ]]; then other=multidc; else other=single; fi
  for n in $(seq 1 "$(node_count "$other")"); do
    node_info "$other" "$n"
    if running_pid "$ROLE" >/dev/null; then
      die "the $other Cassandra topology is running; run 'stack.sh down' before 'up' with the $want topology"
    fi
  done
}

# ---------------------------------------------------------------------------------------
# commands

# preflight <topology>: every port a server of ours is about to take must be free, checked
# before anything starts (a foreign process on 9042 must not leave a lone Kafka behind).
preflight() {
  local topo=$1 secure=$2 n nodes=()
  if ! running_pid kafka >/dev/null; then
    require_free_port "$KAFKA_ADDR" "$KAFKA_PORT" "Kafka"
    require_free_port "$KAFKA_ADDR" "$KAFKA_CONTROLLER_PORT" "Kafka controller"
    require_free_port "$KAFKA_ADDR" "$KAFKA_SASL_SSL_PORT" "Kafka SASL_SSL"
    require_free_port "$KAFKA_ADDR" "$KAFKA_SASL_PLAINTEXT_PORT" "Kafka SASL_PLAINTEXT"
  fi
  if [[ $topo != none ]]; then
    for n in $(seq 1 "$(node_count "$topo")"); do nodes+=("$topo $n"); done
  fi
  if (( secure )); then nodes+=("secure 1"); fi
  for n in "${nodes[@]}"; do
    # shellcheck disable=SC2086
    node_info $n
    if ! running_pid "$ROLE" >/dev/null; then
      require_free_port "$ADDR" "$NODE_CQL_PORT" "Cassandra CQL"
      require_free_port "$ADDR" "$NODE_STORAGE_PORT" "Cassandra storage"
      require_free_port 127.0.0.1 "$JMX_PORT" "Cassandra JMX of $ROLE"
    fi
  done
}

cmd_up() {
  local topo=${PINSTATE_STACK_TOPOLOGY:-single} secure_flag=
  while (( $# )); do
    case $1 in
      --no-secure) secure_flag=off ;;
      --secure) secure_flag=on ;;
      --nodes) shift; case ${1:-} in 1) topo=single ;; 4) topo=multidc ;; *) die "--nodes takes 1 or 4" ;; esac ;;
      --nodes=*) case ${1#--nodes=} in 1) topo=single ;; 4) topo=multidc ;; *) die "--nodes takes 1 or 4" ;; esac ;;
      --topology) shift; topo=${1:-} ;;
      --topology=*) topo=${1#--topology=} ;;
      *) die "unknown option for up: $1" ;;
    esac
    shift
  done
  [[ $topo == single || $topo == multidc ]] || die "topology must be single or multidc"
  require_java
  check_topology_switch "$topo"
  mkdir -p "$CASS_HOME" "$RUN"
  echo "$topo" >"$TOPOLOGY_FILE"
  case $secure_flag in
    off) : >"$SECURE_OFF_FILE" ;;
    on) rm -f "$SECURE_OFF_FILE" ;;
  esac
  local t0=$SECONDS n secure=0
  if secure_enabled; then secure=1; fi
  # Fetch first so that a failed fetch leaves nothing half-started.
  fetch_kafka
  fetch_cassandra
  ensure_secure_material
  preflight "$topo" "$secure"
  # Kafka, the first Cassandra node and the secure node start together; further nodes join one
  # at a time.
  kafka_start
  cass_start_node "$topo" 1
  if (( secure )); then cass_start_node secure 1; fi
  kafka_wait
  cass_wait_node "$topo" 1
  if (( secure )); then cass_wait_node secure 1; fi
  for n in $(seq 2 "$(node_count "$topo")"); do
    cass_start_node "$topo" "$n"
    cass_wait_node "$topo" "$n"
  done
  log "stack up ($topo) in $((SECONDS - t0)) s: KAFKA_BROKERS=$KAFKA_ADDR:$KAFKA_PORT SCYLLA_HOSTS=$(if [[ $topo == single ]]; then echo "$STACK_HOST"; else echo "$MULTIDC_PREFIX.1"; fi) SCYLLA_PORT=$CQL_PORT SCYLLA_LOCAL_DC=$(if [[ $topo == single ]]; then echo datacenter1; else echo dc1; fi)"
  log "secure: Kafka SASL_SSL $KAFKA_ADDR:$KAFKA_SASL_SSL_PORT, SASL_PLAINTEXT $KAFKA_ADDR:$KAFKA_SASL_PLAINTEXT_PORT$(if (( secure )); then echo ", Cassandra TLS+auth $STACK_HOST:$SECURE_CQL_PORT"; else echo " (secure Cassandra node off)"; fi); logins in ${SECURE_DIR#"$ROOT"/}/stack.json"
}

# secure-up: only what the security tests need, whatever topology runs: the certificates, Kafka
# with its SASL listeners (started, or restarted once if it runs an older configuration) and the
# secure Cassandra node. Does not change the `--no-secure` choice of `up`.
cmd_secure_up() {
  require_java
  mkdir -p "$CASS_HOME" "$RUN"
  local t0=$SECONDS
  fetch_kafka
  fetch_cassandra
  ensure_secure_material
  preflight none 1
  kafka_start
  cass_start_node secure 1
  kafka_wait
  cass_wait_node secure 1
  log "secure servers up in $((SECONDS - t0)) s: Kafka SASL_SSL $KAFKA_ADDR:$KAFKA_SASL_SSL_PORT, SASL_PLAINTEXT $KAFKA_ADDR:$KAFKA_SASL_PLAINTEXT_PORT, Cassandra TLS+auth $STACK_HOST:$SECURE_CQL_PORT; logins in ${SECURE_DIR#"$ROOT"/}/stack.json"
}

# stop_role <what>: stop the Cassandra node that node_info selected ($ROLE), if it runs.
stop_role() {
  local what=$1 pid
  if pid=$(running_pid "$ROLE"); then
    log "stopping $what (pid $pid)"
    stop_pids "$STOP_TIMEOUT" "$pid"
    rm -f "$RUN/$ROLE.pid"
    ! is_ours "$pid" "$ROLE" || die "$what (pid $pid) is still running"
    log "$what stopped"
  else
    log "$what is not running"
  fi
}

# secure-down: stop the secure Cassandra node only (Kafka keeps its listeners).
cmd_secure_down() {
  node_info secure 1
  stop_role "the secure cassandra node"
}

cmd_down() {
  local pids=() f pid role
  if [[ -d $RUN ]]; then
    for f in "$RUN"/*.pid; do
      [[ -e $f ]] || continue
      role=$(basename "$f" .pid)
      pid=$(<"$f")
      if [[ $pid =~ ^[0-9]+$ ]] && is_ours "$pid" "$role"; then pids+=("$pid"); log "stopping $role (pid $pid)"; fi
    done
  fi
  # Servers whose pid file went missing.
  for pid in $(pids_by_marker '*'); do
    [[ " ${pids[*]} " == *" $pid "* ]] || { pids+=("$pid"); log "stopping pid $pid (no pid file)"; }
  done
  if (( ${#pids[@]} == 0 )); then log "nothing running"; rm -f "$RUN"/*.pid 2>/dev/null || true; return 0; fi
  stop_pids "$STOP_TIMEOUT" "${pids[@]}"
  rm -f "$RUN"/*.pid
  local left=()
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left+=("$pid"); done
  (( ${#left[@]} == 0 )) || die "processes still running after SIGKILL: ${left[*]}"
  log "stopped"
}

cmd_status() {
  local all_up=0 pid topo n state
  if pid=$(running_pid kafka); then
    if kafka_ready; then state=running; else state=starting; all_up=3; fi
    printf '%-18s %-8s pid %-8s %s\n' kafka "$state" "$pid" "$KAFKA_ADDR:$KAFKA_PORT (controller $KAFKA_ADDR:$KAFKA_CONTROLLER_PORT)"
  else
    printf '%-18s %-8s pid %-8s %s\n' kafka stopped - "$KAFKA_ADDR:$KAFKA_PORT"; all_up=3
  fi
  local sasl="$KAFKA_ADDR:$KAFKA_SASL_SSL_PORT SASL_SSL, $KAFKA_ADDR:$KAFKA_SASL_PLAINTEXT_PORT SASL_PLAINTEXT"
  if pid=$(running_pid kafka) && port_open "$KAFKA_ADDR" "$KAFKA_SASL_SSL_PORT" && port_open "$KAFKA_ADDR" "$KAFKA_SASL_PLAINTEXT_PORT"; then
    printf '%-18s %-8s pid %-8s %s\n' kafka-sasl running "$pid" "$sasl"
  else
    printf '%-18s %-8s pid %-8s %s\n' kafka-sasl stopped "${pid:--}" "$sasl"; all_up=3
  fi
  topo=$(current_topology)
  for n in $(seq 1 "$(node_count "$topo")"); do
    node_info "$topo" "$n"
    if pid=$(running_pid "$ROLE"); then
      CHECK_ADDR=$ADDR CHECK_PORT=$NODE_CQL_PORT CHECK_LOG=$(cass_log)
      if cass_ready; then state=running; else state=starting; all_up=3; fi
      printf '%-18s %-8s pid %-8s %s\n' "cassandra-node$n" "$state" "$pid" "$ADDR:$CQL_PORT $DC/$RACK ($topo)"
    else
      printf '%-18s %-8s pid %-8s %s\n' "cassandra-node$n" stopped - "$ADDR:$CQL_PORT $DC/$RACK ($topo)"; all_up=3
    fi
  done
  node_info secure 1
  local note="TLS + PasswordAuthenticator"
  if pid=$(running_pid "$ROLE"); then
    CHECK_ADDR=$ADDR CHECK_PORT=$NODE_CQL_PORT CHECK_LOG=$(cass_log)
    if cass_ready && [[ -f $NODE_DIR/data/roles.done ]]; then state=running; else state=starting; all_up=3; fi
    printf '%-18s %-8s pid %-8s %s\n' cassandra-secure "$state" "$pid" "$ADDR:$NODE_CQL_PORT $note"
  elif secure_enabled; then
    printf '%-18s %-8s pid %-8s %s\n' cassandra-secure stopped - "$ADDR:$NODE_CQL_PORT $note"; all_up=3
  else
    printf '%-18s %-8s pid %-8s %s\n' cassandra-secure off - "$ADDR:$NODE_CQL_PORT $note (up --no-secure / PINSTATE_SECURE_STACK=0)"
  fi
  return "$all_up"
}

cmd_node_stop() {
  local n=${1:-} topo
  [[ $n =~ ^[0-9]+$ ]] || die "usage: stack.sh node-stop <n>"
  topo=$(current_topology)
  node_info "$topo" "$n"
  stop_role "cassandra node $n"
}

cmd_node_start() {
  local n=${1:-} topo
  [[ $n =~ ^[0-9]+$ ]] || die "usage: stack.sh node-start <n>"
  require_java
  topo=$(current_topology)
  cass_start_node "$topo" "$n"
  cass_wait_node "$topo" "$n"
}

cmd_kafka_stop() {
  local pid
  if pid=$(running_pid kafka); then
    log "stopping kafka (pid $pid)"
    stop_pids "$STOP_TIMEOUT" "$pid"
    rm -f "$RUN/kafka.pid"
    log "kafka stopped"
  else
    log "kafka is not running"
  fi
}

cmd_kafka_start() {
  require_java
  kafka_start
  kafka_wait
}

cmd_nodetool() {
  local n=${1:-}; shift || true
  [[ $n =~ ^[0-9]+$ || $n == secure ]] || die "usage: stack.sh nodetool <n|secure> <args...>"
  require_java
  if [[ $n == secure ]]; then node_info secure 1; else node_info "$(current_topology)" "$n"; fi
  mkdir -p "$CASS_HOME"
  printf '%s\n' '<configuration><appender name="E" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>' \
    '<encoder><pattern>%-5level %msg%n</pattern></encoder></appender><root level="WARN"><appender-ref ref="E"/></root></configuration>' \
    >"$CASS_HOME/nodetool-logback.xml"
  "$JAVA" -Xmx128m "${CASS_JAVA17_MODULE_OPTS[@]}" -Duser.home="$CASS_HOME" -cp "$CASS_LIB/*" \
    -Dlogback.configurationFile="$CASS_HOME/nodetool-logback.xml" -Dcassandra.logdir="$CASS_HOME" \
    org.apache.cassandra.tools.NodeTool -h 127.0.0.1 -p "$JMX_PORT" "$@"
}

cmd_clean() {
  cmd_down
  log "deleting data and logs under ${LOCAL#"$ROOT"/} (jars and ${SECURE_DIR#"$ROOT"/} kept)"
  rm -rf "$KAFKA_HOME/data" "$KAFKA_HOME/logs" "$KAFKA_HOME/cluster-id" "$KAFKA_HOME/server.properties" \
    "$CASS_HOME/single" "$CASS_HOME/multidc" "$CASS_HOME/secure" "$TOPOLOGY_FILE" "$RUN"
}

# One stack.sh at a time per .local (two test runs starting the stack at once must not start
# two brokers on one data dir); `status` does not lock.
take_lock() {
  mkdir -p "$RUN"
  take_flock "$RUN/stack.lock" 900 stack.sh
}

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }

main() {
  local cmd=${1:-}; shift || true
  case $cmd in up|down|node-stop|node-start|kafka-stop|kafka-start|secure-up|secure-down|fetch|clean) take_lock ;; esac
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    node-stop) cmd_node_stop "$@" ;;
    node-start) cmd_node_start "$@" ;;
    kafka-stop) cmd_kafka_stop ;;
    kafka-start) cmd_kafka_start ;;
    secure-up) cmd_secure_up ;;
    secure-down) cmd_secure_down ;;
    fetch) fetch_kafka; fetch_cassandra ;;
    clean) cmd_clean ;;
    nodetool) cmd_nodetool "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
