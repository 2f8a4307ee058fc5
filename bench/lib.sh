# Shared by the bench scripts that start the service jar themselves (fault-checks.sh, memory-after-training.sh,
# shutdown-check.sh; run.sh, which has its own start_service, uses launcher_gc): sourced, never run. It defines functions and reads these variables of the caller:
#
#   JAR             the executable jar (required by start_service)
#   RUN             a folder for the service logs, service-NAME.log (required by start_service)
#   HEAP            the service's -Xmx (default 1g)
#   SERVICE_JAVA_OPTS  an array of further JVM options (default none)
#   LOG_NAME        the tag of log lines on stderr (default the script's name)
#
# and sets SERVICE_PID, PORT and URL (start_service), STOP_SECONDS and STOP_STATUS (stop_service), RUN, START_DATE,
# START_LOAD and T_START (new_run), JAR (build_jar).
# shellcheck shell=bash

SERVICE_PID=""
PORT=""
URL=""
STOP_SECONDS=""
STOP_STATUS=""

log() {
  echo "[${LOG_NAME:-$(basename "$0" .sh)}] $(date -u +%H:%M:%S) $*" >&2
}

# new_run NAME: a results folder target/NAME/run-<UTC time> (its absolute path in RUN) and the run's start for the
# report's header: START_DATE, START_LOAD (the three load averages) and T_START (bash's SECONDS).
new_run() {
  RUN="target/$1/run-$(date -u +%Y%m%d-%H%M%S)"
  mkdir -p "$RUN"
  RUN="$(cd "$RUN" && pwd)"
  START_DATE="$(date -u '+%Y-%m-%d %H:%M UTC')"
  START_LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
  T_START=$SECONDS
}

# require_goemotions DIR: exits 2 unless python3 and curl are on PATH and DIR holds GoEmotions' train.tsv and
# labels.txt (the scripts' --data).
require_goemotions() {
  local name="${LOG_NAME:-$(basename "$0" .sh)}" tool
  for tool in python3 curl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "$name: $tool is needed" >&2
      exit 2
    fi
  done
  if [[ ! -f "$1/train.tsv" || ! -f "$1/labels.txt" ]]; then
    echo "$name: no GoEmotions train.tsv and labels.txt in $1 (see --data)" >&2
    exit 2
  fi
}

# launcher_gc [JVM option...]: prints the collector option tagger.sh (the image's launcher) adds, -XX:+UseSerialGC
# on one or two CPUs; nothing on more CPUs or when the options already name a collector.
launcher_gc() {
  if [[ " $* " != *" -XX:+Use"*"GC "* ]] && (($(nproc) <= 2)); then
    echo "-XX:+UseSerialGC"
  fi
}

# build_jar SKIP: builds the service's executable jar (offline) unless SKIP is 1, then sets JAR to it; exits 2
# when there is none.
build_jar() {
  if [[ ${1:-0} != 1 ]]; then
    log "building (./mvnw -B -ntp -o -q -pl service -am package -DskipTests)"
    ./mvnw -B -ntp -o -q -pl service -am package -DskipTests
  fi
  JAR="$(ls service/target/tagger-*-exec.jar 2>/dev/null | head -1 || true)"
  if [[ -z "$JAR" ]]; then
    echo "$(basename "$0" .sh): no service/target/tagger-*-exec.jar (run without --skip-build)" >&2
    exit 2
  fi
}

# A port nothing listens on now: the kernel's choice for a socket bound to port 0.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# alive PID: the process exists and has not exited. A child that exited stays a zombie until the shell reaps it,
# and kill -0 succeeds on a zombie: its state in /proc says whether it is still running.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(sed -n 's/^[^)]*) \([A-Z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# wait_ready URL [HEALTH] [SECONDS] [PID]: until /actuator/health/HEALTH (default readiness) answers 2xx; fails when
# PID (default SERVICE_PID) exits first or after SECONDS (default 240).
wait_ready() {
  local url="$1" health="${2:-readiness}" seconds="${3:-240}" pid="${4:-$SERVICE_PID}"
  local deadline=$((SECONDS + seconds))
  until curl -fsS -o /dev/null "$url/actuator/health/$health" 2>/dev/null; do
    if [[ -n "$pid" ]] && ! alive "$pid"; then
      return 1
    fi
    if ((SECONDS > deadline)); then
      return 1
    fi
    sleep 0.3
  done
}

# start_service NAME STORE [HEALTH] [SPRING_ARG...]: the jar on a free loopback port (no API keys: open there) with
# STORE as its store; waits for /actuator/health/HEALTH (readiness unless told, e.g. liveness for a full store,
# where readiness stays DOWN by design). Its output goes to $RUN/service-NAME.log.
start_service() {
  local name="$1" store="$2" health="${3:-readiness}"
  shift $(($# < 3 ? $# : 3))
  : "${JAR:?start_service needs JAR}" "${RUN:?start_service needs RUN}"
  PORT="$(free_port)"
  URL="http://127.0.0.1:$PORT"
  local gc
  gc="$(launcher_gc ${SERVICE_JAVA_OPTS[@]+"${SERVICE_JAVA_OPTS[@]}"})"
  MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" java -Xmx"${HEAP:-1g}" ${SERVICE_JAVA_OPTS[@]+"${SERVICE_JAVA_OPTS[@]}"} ${gc:+"$gc"} -Dai.djl.offline=true -jar "$JAR" \
    --server.port="$PORT" --server.address=127.0.0.1 --tagger.store.dir="$store" "$@" >"$RUN/service-$name.log" 2>&1 &
  SERVICE_PID=$!
  if ! wait_ready "$URL" "$health" 240 "$SERVICE_PID"; then
    if alive "$SERVICE_PID"; then
      log "the service was not ready within 240 s; see $RUN/service-$name.log"
    else
      log "the service exited during start-up; see $RUN/service-$name.log"
      tail -n 20 "$RUN/service-$name.log" >&2
    fi
    return 1
  fi
  log "service '$name' ready on $URL (pid $SERVICE_PID, store $store)"
}

# stop_service [SIGNAL] [SECONDS]: sends SIGNAL (default TERM) to the service and waits up to SECONDS (default 30)
# for it to exit, then kills it (SIGKILL). Sets STOP_SECONDS (signal to exit, 0.1 s resolution; empty when it had
# to be killed) and STOP_STATUS (its exit status, 128 + the signal when a signal ended it).
stop_service() {
  local signal="${1:-TERM}" seconds="${2:-30}"
  STOP_SECONDS=""
  STOP_STATUS=""
  if [[ -z "$SERVICE_PID" ]]; then
    return 0
  fi
  if alive "$SERVICE_PID"; then
    local t0 now
    t0="$(now_us)"
    kill -s "$signal" "$SERVICE_PID" 2>/dev/null || true
    while alive "$SERVICE_PID"; do
      now="$(now_us)"
      if ((now - t0 > seconds * 1000000)); then
        log "the service did not exit within $seconds s of SIG$signal: killing it"
        kill -9 "$SERVICE_PID" 2>/dev/null || true
        t0=""
        break
      fi
      sleep 0.1
    done
    if [[ -n "$t0" ]]; then
      now="$(now_us)"
      STOP_SECONDS="$(((now - t0) / 1000000)).$((((now - t0) / 100000) % 10))"
    fi
  fi
  wait "$SERVICE_PID" 2>/dev/null && STOP_STATUS=0 || STOP_STATUS=$?
  SERVICE_PID=""
}

# now_us: the wall clock in microseconds, without starting a process (bash 5's EPOCHREALTIME; its separator follows
# the locale).
now_us() {
  local t="${EPOCHREALTIME//[.,]/}"
  echo "$((10#$t))"
}

# rss [PID]: resident set size in MB (of 1,048,576 bytes) of PID (default SERVICE_PID).
rss() {
  awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/${1:-$SERVICE_PID}/status"
}
