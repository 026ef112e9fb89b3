#!/usr/bin/env bash
# infra/dev/kafka.sh — a real single-node Apache Kafka broker (KRaft, combined
# broker+controller) on 127.0.0.1 for tests, benchmarks and CI. No Docker, no
# tarball: the broker jars come from Maven Central via mvn and are cached.
#
#   infra/dev/kafka.sh start [--fresh] [--port N] [--controller-port N] [--timeout S]
#   infra/dev/kafka.sh stop    [--port N]
#   infra/dev/kafka.sh status  [--port N]     exit 0 answering, 1 running but not answering, 3 not running
#   infra/dev/kafka.sh logs    [--port N] [-f] [-n LINES]
#   infra/dev/kafka.sh tool NAME|CLASS [args...]   run a bundled Kafka tool (topics, console-producer, ...)
#
# `start` prints KAFKA_BROKERS=127.0.0.1:<port> as its last stdout line (all
# progress goes to stderr), so callers can:  eval "$(infra/dev/kafka.sh start)"
# See infra/dev/README.md for the environment variables.
set -euo pipefail

readonly PROG="kafka.sh"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly POM="$SCRIPT_DIR/kafka/pom.xml"

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:-}"
KAFKA_TOOL_HEAP_OPTS="${KAFKA_TOOL_HEAP_OPTS:--Xmx256m}"
KAFKA_LOG_LEVEL="${KAFKA_LOG_LEVEL:-WARN}"
KAFKA_SERVER_PROPS_EXTRA="${KAFKA_SERVER_PROPS_EXTRA:-}"
CACHE_ROOT="${ANANSI_CACHE_DIR:-${HOME:-/tmp}/.cache/anansi}"

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { log "error: $*"; exit 2; }

usage() {
  sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
}

# Installs a Debian package when a needed command is missing and we are root
# (a fresh CI machine); otherwise tells the user what to install.
ensure_cmd() {
  local cmd="$1" pkg="$2"
  command -v "$cmd" >/dev/null && return 0
  if [[ "${EUID}" != "0" ]] || ! command -v apt-get >/dev/null; then
    die "'$cmd' not found; install the Debian package '$pkg' (or equivalent)"
  fi
  log "'$cmd' not found; installing Debian package $pkg"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg"; } >&2 ||
    die "apt-get install $pkg failed"
}

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    printf '%s\n' "$JAVA_HOME/bin/java"
  else
    ensure_cmd java openjdk-17-jre-headless
    command -v java
  fi
}

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

# Kafka 4 brokers and tools are built for Java 17; an older java fails later with an obscure
# UnsupportedClassVersionError, so the version is checked up front.
readonly MIN_JAVA=17

# Prints the major version of a java binary: `java version "1.8.0_292"` -> 8,
# `openjdk version "17.0.15" 2025-04-15` -> 17, `openjdk version "21" ...` -> 21.
java_major() {
  local out version
  out="$("$1" -version 2>&1)" || return 1
  version="$(printf '%s\n' "$out" | sed -n 's/^.* version "\([^"]*\)".*$/\1/p' | head -n 1)"
  [[ -n "$version" ]] || return 1
  if [[ "$version" == 1.* ]]; then version="${version#1.}"; fi
  version="${version%%[!0-9]*}"
  is_uint "$version" || return 1
  printf '%s\n' "$version"
}

# Set by need_java (an assignment, so a missing java aborts under set -e).
JAVA=""
need_java() {
  JAVA="$(java_bin)"
  local major
  major="$(java_major "$JAVA")" || die "could not read the version of $JAVA ('$JAVA -version' failed or printed no version)"
  ((major >= MIN_JAVA)) ||
    die "Kafka $KAFKA_VERSION needs Java $MIN_JAVA or newer, but $JAVA is Java $major; set JAVA_HOME to a Java $MIN_JAVA+ runtime (Debian: openjdk-17-jre-headless)"
}

# ---------------------------------------------------------------- arguments
CMD="${1:-}"
[[ $# -gt 0 ]] && shift
FRESH=0
FOLLOW=0
LOG_LINES=100
TOOL_ARGS=()
if [[ "$CMD" == "tool" ]]; then
  TOOL_ARGS=("$@")
  set --
fi
while [[ $# -gt 0 ]]; do
  case "$1" in
    --fresh) FRESH=1 ;;
    --port) KAFKA_PORT="${2:?--port needs a value}"; shift ;;
    --port=*) KAFKA_PORT="${1#*=}" ;;
    --controller-port) KAFKA_CONTROLLER_PORT="${2:?--controller-port needs a value}"; shift ;;
    --controller-port=*) KAFKA_CONTROLLER_PORT="${1#*=}" ;;
    --timeout) KAFKA_START_TIMEOUT="${2:?--timeout needs a value}"; shift ;;
    --timeout=*) KAFKA_START_TIMEOUT="${1#*=}" ;;
    -f | --follow) FOLLOW=1 ;;
    -n) LOG_LINES="${2:?-n needs a value}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die "unknown argument: $1" ;;
  esac
  shift
done

KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
for v in KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_START_TIMEOUT KAFKA_STOP_TIMEOUT LOG_LINES; do
  is_uint "${!v}" || die "$v must be a non-negative integer, got '${!v}'"
done
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"

readonly BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
[[ "$CACHE_ROOT" == /* ]] || CACHE_ROOT="$PWD/$CACHE_ROOT"
readonly DIST_DIR="$CACHE_ROOT/kafka/$KAFKA_VERSION"
readonly LIBS="$DIST_DIR/libs"
readonly TOOLS_LOG4J="$DIST_DIR/tools-log4j2.properties"
DATA_DIR="${KAFKA_DATA_DIR:-$CACHE_ROOT/kafka-data-$KAFKA_PORT}"
[[ "$DATA_DIR" == /* ]] || DATA_DIR="$PWD/$DATA_DIR"
readonly DATA_DIR
# Everything the broker owns lives under these names inside DATA_DIR; --fresh
# removes exactly these, never the directory itself (it may be user-chosen).
readonly LOG_DIRS="$DATA_DIR/data"
readonly SERVER_PROPS="$DATA_DIR/server.properties"
readonly BROKER_LOG4J="$DATA_DIR/log4j2.properties"
readonly ADMIN_PROPS="$DATA_DIR/probe-admin.properties"
readonly LOG_FILE="$DATA_DIR/kafka.log"
readonly PID_FILE="$DATA_DIR/kafka.pid"
readonly LOCK_FILE="$DATA_DIR/.kafka-sh.lock"

# ---------------------------------------------------------------- jars
libs_present() { [[ -f "$LIBS/.complete" ]]; }

resolve_jars() {
  libs_present && return 0
  mkdir -p "$DIST_DIR"
  exec 8>"$DIST_DIR/.resolve.lock"
  flock 8
  if ! libs_present; then
    ensure_cmd mvn maven
    local tmp="$DIST_DIR/libs.tmp.$$" t0=$SECONDS
    rm -rf "$tmp"
    log "resolving Apache Kafka $KAFKA_VERSION from Maven Central into $LIBS (first run only, ~45 MB) ..."
    if ! mvn -B --no-transfer-progress -Dstyle.color=never -f "$POM" \
      -Dkafka.version="$KAFKA_VERSION" -DincludeScope=runtime -DoutputDirectory="$tmp" \
      dependency:copy-dependencies >"$DIST_DIR/resolve.log" 2>&1; then
      rm -rf "$tmp"
      grep -E '^\[(ERROR|WARNING)\]' "$DIST_DIR/resolve.log" | head -n 20 >&2 || true
      die "mvn could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (full output: $DIST_DIR/resolve.log)"
    fi
    [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || { rm -rf "$tmp"; die "resolution produced no kafka_2.13-$KAFKA_VERSION.jar"; }
    rm -rf "$LIBS"
    mv "$tmp" "$LIBS"
    touch "$LIBS/.complete"
    log "resolved $(find "$LIBS" -name '*.jar' | wc -l) jars ($(du -sh "$LIBS" | cut -f1)) in $((SECONDS - t0))s"
  fi
  exec 8>&-
  write_tools_log4j
}

write_tools_log4j() {
  [[ -f "$TOOLS_LOG4J" ]] && return 0
  cat >"$TOOLS_LOG4J.tmp" <<'EOF'
# log4j2 config for Kafka's command-line tools run by kafka.sh: warnings to stderr.
status = error
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
  mv "$TOOLS_LOG4J.tmp" "$TOOLS_LOG4J"
}

# ---------------------------------------------------------------- process
# Prints the pid of the broker that serves DATA_DIR, if one is alive. The pid
# file is trusted only if that process really is our kafka.Kafka (pids get
# reused after a kill -9 / reboot); otherwise /proc is scanned, so a lost pid
# file does not orphan a broker.
cmdline_of() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" || true; }
is_our_broker() {
  local c
  c="$(cmdline_of "$1")"
  [[ "$c" == *" kafka.Kafka $SERVER_PROPS"* ]]
}
broker_pid() {
  local pid=""
  if [[ -f "$PID_FILE" ]]; then
    pid="$(<"$PID_FILE")"
    if is_uint "$pid" && is_our_broker "$pid"; then
      printf '%s\n' "$pid"
      return 0
    fi
  fi
  local f
  # grep -z reads each NUL-separated argv entry; candidates are then verified.
  for f in $(grep -lzxF -- "$SERVER_PROPS" /proc/[0-9]*/cmdline 2>/dev/null || true); do
    pid="${f#/proc/}"
    pid="${pid%/cmdline}"
    if is_our_broker "$pid"; then
      printf '%s\n' "$pid" >"$PID_FILE"
      printf '%s\n' "$pid"
      return 0
    fi
  done
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# One metadata round trip through Kafka's own admin tool (TopicCommand --list).
PROBE_ERR=""
probe() {
  [[ -f "$ADMIN_PROPS" ]] || write_admin_props
  local out
  if out="$("$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto \
    -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIBS/*" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --command-config "$ADMIN_PROPS" --list 2>&1 >/dev/null)"; then
    return 0
  fi
  PROBE_ERR="$out"
  return 1
}

tail_log() {
  if [[ -s "$LOG_FILE" ]]; then
    log "last lines of $LOG_FILE (this start only):"
    awk '/^===== kafka.sh start /{n=0} {buf[n++]=$0} END{for (i = (n > 40 ? n - 40 : 0); i < n; i++) print buf[i]}' \
      "$LOG_FILE" >&2
  fi
}

# ---------------------------------------------------------------- config
write_admin_props() {
  cat >"$ADMIN_PROPS" <<'EOF'
request.timeout.ms=5000
default.api.timeout.ms=8000
EOF
}

write_configs() {
  mkdir -p "$DATA_DIR"
  cat >"$SERVER_PROPS" <<EOF
# Written by infra/dev/kafka.sh on every start; edits are overwritten.
# Use KAFKA_SERVER_PROPS_EXTRA for overrides (later keys win).
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$LOG_DIRS
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
num.recovery.threads.per.data.dir=1
EOF
  if [[ -n "$KAFKA_SERVER_PROPS_EXTRA" ]]; then
    printf '# KAFKA_SERVER_PROPS_EXTRA\n%s\n' "$KAFKA_SERVER_PROPS_EXTRA" >>"$SERVER_PROPS"
  fi
  cat >"$BROKER_LOG4J" <<EOF
# Written by infra/dev/kafka.sh: broker log4j2 config. Level from KAFKA_LOG_LEVEL.
status = error
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $LOG_FILE
appender.file.append = true
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = $KAFKA_LOG_LEVEL
rootLogger.appenderRef.file.ref = FILE
# One INFO line per start/stop so the log shows the lifecycle.
logger.raft.name = kafka.server.KafkaRaftServer
logger.raft.level = INFO
EOF
  write_admin_props
}

is_formatted() { [[ -f "$LOG_DIRS/meta.properties" ]]; }

format_storage() {
  local id="${KAFKA_CLUSTER_ID:-}"
  if [[ -z "$id" ]]; then
    # A Kafka Uuid is 16 random bytes in unpadded URL-safe base64.
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  fi
  log "formatting storage in $LOG_DIRS (cluster id $id)"
  local out
  if ! out="$("$JAVA" -Xmx256m -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIBS/*" \
    kafka.tools.StorageTool format -t "$id" -c "$SERVER_PROPS" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "kafka-storage format failed"
  fi
}

# Every Kafka test run creates topics of its own, and they stay. A broker with thousands of
# partitions to load starts slowly (one did not answer within 90 s), so say so before it happens.
readonly CROWDED_PARTITIONS=1000
warn_if_crowded() {
  [[ -d "$LOG_DIRS" ]] || return 0
  local n
  n="$(find "$LOG_DIRS" -mindepth 1 -maxdepth 1 -type d -name '*-[0-9]*' | wc -l)"
  if ((n > CROWDED_PARTITIONS)); then
    log "warning: $LOG_DIRS holds $n partitions (left by earlier test runs); start-up will be slow — 'start --fresh' empties it"
  fi
}

wipe_data() {
  log "--fresh: wiping broker state in $DATA_DIR"
  rm -rf "$LOG_DIRS" "$LOG_FILE" "$PID_FILE"
}

# ---------------------------------------------------------------- commands
lock_data_dir() {
  mkdir -p "$DATA_DIR"
  exec 9>"$LOCK_FILE"
  flock 9
}

cmd_start() {
  need_java
  resolve_jars
  lock_data_dir
  local pid
  if pid="$(broker_pid)"; then
    if [[ $FRESH -eq 1 ]]; then
      stop_pid "$pid"
    elif probe; then
      log "already running (pid $pid) on $BOOTSTRAP"
      printf 'KAFKA_BROKERS=%s\n' "$BOOTSTRAP"
      return 0
    else
      log "broker pid $pid is running but not answering yet; waiting"
      wait_ready "$pid"
      printf 'KAFKA_BROKERS=%s\n' "$BOOTSTRAP"
      return 0
    fi
  fi
  rm -f "$PID_FILE"
  [[ $FRESH -eq 1 ]] && wipe_data
  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$p"; then
      die "127.0.0.1:$p is already in use by another process (not the broker of $DATA_DIR); choose another KAFKA_PORT / --port"
    fi
  done
  write_configs
  is_formatted || format_storage
  warn_if_crowded

  log "starting Kafka $KAFKA_VERSION on $BOOTSTRAP (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT, data $DATA_DIR)"
  local -a heap jvm
  read -r -a heap <<<"$KAFKA_HEAP_OPTS"
  read -r -a jvm <<<"$KAFKA_JVM_OPTS"
  printf '\n===== kafka.sh start %s =====\n' "$(date -u +%FT%TZ)" >>"$LOG_FILE"
  # setsid: own session, so the caller's Ctrl-C / job teardown does not hit it;
  # the inner shell records its pid and execs (nohup ->) java under that pid.
  # fd 8/9 (our locks) are closed so the broker does not hold them.
  # shellcheck disable=SC2016 # $$ and $@ are for the inner shell
  setsid -f bash -c 'echo $$ >"$1"; shift; exec nohup "$@"' kafka-sh "$PID_FILE" \
    "$JAVA" "${heap[@]}" \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$BROKER_LOG4J" -Dkafka.logs.dir="$DATA_DIR" \
    "${jvm[@]}" -cp "$LIBS/*" kafka.Kafka "$SERVER_PROPS" \
    </dev/null >>"$LOG_FILE" 2>&1 8>&- 9>&-
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$PID_FILE" ]] && break
    sleep 0.1
  done
  pid="$(<"$PID_FILE")" || die "broker did not record its pid in $PID_FILE"
  wait_ready "$pid"
  printf 'KAFKA_BROKERS=%s\n' "$BOOTSTRAP"
}

wait_ready() {
  local pid="$1" t0=$SECONDS deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    # Not kill -0: a dead broker may linger as a zombie if nothing reaps it.
    if ! is_our_broker "$pid"; then
      rm -f "$PID_FILE"
      tail_log
      die "broker (pid $pid) exited during start-up"
    fi
    if port_open "$KAFKA_PORT" && probe; then
      log "ready on $BOOTSTRAP in $((SECONDS - t0))s (pid $pid)"
      return 0
    fi
    sleep 0.3
  done
  if [[ -n "$PROBE_ERR" ]]; then
    log "last probe error:"
    printf '%s\n' "$PROBE_ERR" | tail -n 5 >&2
  fi
  tail_log
  log "error: broker (pid $pid) did not answer a metadata request on $BOOTSTRAP within ${KAFKA_START_TIMEOUT}s; stopping it"
  stop_pid "$pid"
  exit 2
}

stop_pid() {
  local pid="$1" t0=$SECONDS
  log "stopping broker pid $pid (SIGTERM, up to ${KAFKA_STOP_TIMEOUT}s)"
  kill -TERM "$pid" 2>/dev/null || true
  while is_our_broker "$pid" && ((SECONDS - t0 < KAFKA_STOP_TIMEOUT)); do
    sleep 0.2
  done
  if is_our_broker "$pid"; then
    log "still alive after ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while is_our_broker "$pid"; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  log "stopped in $((SECONDS - t0))s"
}

cmd_stop() {
  [[ -d "$DATA_DIR" ]] || { log "not running ($BOOTSTRAP)"; return 0; }
  lock_data_dir
  local pid
  if pid="$(broker_pid)"; then
    stop_pid "$pid"
  else
    rm -f "$PID_FILE"
    log "not running ($BOOTSTRAP)"
  fi
}

cmd_status() {
  local pid
  if [[ ! -d "$DATA_DIR" ]] || ! pid="$(broker_pid)"; then
    echo "not running ($BOOTSTRAP)"
    return 3
  fi
  libs_present || { echo "running (pid $pid) but jars missing; cannot probe"; return 1; }
  need_java
  write_tools_log4j
  if probe; then
    echo "running (pid $pid), answering on $BOOTSTRAP"
    return 0
  fi
  echo "running (pid $pid) but not answering on $BOOTSTRAP"
  return 1
}

cmd_logs() {
  [[ -f "$LOG_FILE" ]] || die "no log yet at $LOG_FILE"
  if [[ $FOLLOW -eq 1 ]]; then
    exec tail -n "$LOG_LINES" -F "$LOG_FILE"
  fi
  tail -n "$LOG_LINES" "$LOG_FILE"
}

cmd_tool() {
  [[ ${#TOOL_ARGS[@]} -gt 0 ]] || die "usage: $PROG tool NAME|CLASS [args...]  (NAME: topics, console-producer, console-consumer, consumer-groups, configs, producer-perf, consumer-perf, metadata-quorum, storage)"
  local name="${TOOL_ARGS[0]}" cls
  case "$name" in
    topics) cls=org.apache.kafka.tools.TopicCommand ;;
    console-producer) cls=org.apache.kafka.tools.ConsoleProducer ;;
    console-consumer) cls=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
    consumer-groups) cls=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
    configs) cls=org.apache.kafka.tools.ConfigCommand ;;
    producer-perf) cls=org.apache.kafka.tools.ProducerPerformance ;;
    consumer-perf) cls=org.apache.kafka.tools.ConsumerPerformance ;;
    metadata-quorum) cls=org.apache.kafka.tools.MetadataQuorumCommand ;;
    storage) cls=kafka.tools.StorageTool ;;
    *.*) cls="$name" ;;
    *) die "unknown tool '$name'" ;;
  esac
  need_java
  resolve_jars
  local -a heap
  read -r -a heap <<<"$KAFKA_TOOL_HEAP_OPTS"
  exec "$JAVA" "${heap[@]}" -Dlog4j2.configurationFile="$TOOLS_LOG4J" -cp "$LIBS/*" \
    "$cls" "${TOOL_ARGS[@]:1}"
}

case "$CMD" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  logs) cmd_logs ;;
  tool) cmd_tool ;;
  -h | --help | help) usage ;;
  *) usage; exit 2 ;;
esac
