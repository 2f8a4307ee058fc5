#!/usr/bin/env bash
# Serving under abuse: memory with huge texts and many large requests (512 MB heap), open-loop overload at a
# multiple of the measured sustainable rate, and deploys racing requests that time out and are cancelled.
# Starts the service jar on loopback for each phase, drives it with bench/ServingChecks.java (a single-file Java
# program) and prints one markdown table on stdout; logs go to target/serving-checks/run-*/.
#
#   bench/serving-checks.sh [--only memory,overload,race] [--skip-build] [--overload-seconds N] [--race-seconds N]
#
# Not a test: about 8 minutes with the defaults, and it wants the machine to itself.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
COMMAND="bench/serving-checks.sh$(printf ' %q' "$@")"

ONLY="memory,overload,race"
SKIP_BUILD=0
HEAP=512m
OVERLOAD_SECONDS=60
CALIBRATE_SECONDS=15
OVERLOAD_FACTOR=2
OVERLOAD_TIMEOUT=2s
RACE_SECONDS=120
RACE_TIMEOUT=1s
DEPLOY_MS=200
DEV="$ROOT/../shared/datasets/goemotions/dev.tsv"

usage() {
  cat <<EOF
usage: bench/serving-checks.sh [options]
  --only LIST              phases to run, of memory,overload,race (default: all)
  --skip-build             use the jar already in target/
  --heap SIZE              the service's -Xmx (default $HEAP)
  --overload-seconds N     open-loop phase length (default $OVERLOAD_SECONDS)
  --calibrate-seconds N    closed-loop phase that measures the sustainable rate (default $CALIBRATE_SECONDS)
  --overload-factor X      open-loop rate as a multiple of the sustainable one (default $OVERLOAD_FACTOR)
  --overload-timeout D     tagger.batching.request-timeout of the overload service (default $OVERLOAD_TIMEOUT)
  --race-seconds N         deploy race length (default $RACE_SECONDS)
  --race-timeout D         tagger.batching.request-timeout of the race service (default $RACE_TIMEOUT)
  --deploy-ms N            time between deploy starts (default $DEPLOY_MS)
  --dev PATH               GoEmotions dev.tsv for texts (default ../shared/datasets/goemotions/dev.tsv)
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) ONLY="$2"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --heap) HEAP="$2"; shift 2 ;;
    --overload-seconds) OVERLOAD_SECONDS="$2"; shift 2 ;;
    --calibrate-seconds) CALIBRATE_SECONDS="$2"; shift 2 ;;
    --overload-factor) OVERLOAD_FACTOR="$2"; shift 2 ;;
    --overload-timeout) OVERLOAD_TIMEOUT="$2"; shift 2 ;;
    --race-seconds) RACE_SECONDS="$2"; shift 2 ;;
    --race-timeout) RACE_TIMEOUT="$2"; shift 2 ;;
    --deploy-ms) DEPLOY_MS="$2"; shift 2 ;;
    --dev) DEV="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "serving-checks: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

log() {
  echo "[serving-checks] $*" >&2
}

RUN="target/serving-checks/run-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$RUN"
RUN="$(cd "$RUN" && pwd)"
START_DATE="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
START_LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"

if [[ $SKIP_BUILD == 0 ]]; then
  log "building (./mvnw -q -B -o -DskipTests package)"
  ./mvnw -q -B -o -DskipTests package
fi
JAR=""
for candidate in target/tagger-*.jar; do
  if [[ -f "$candidate" && "$candidate" != *-plain.jar ]]; then
    JAR="$candidate"
    break
  fi
done
if [[ -z "$JAR" ]]; then
  echo "serving-checks: no service jar in target/ (run without --skip-build)" >&2
  exit 2
fi
CP_FILE=target/serving-checks-classpath.txt
if [[ ! -s "$CP_FILE" || pom.xml -nt "$CP_FILE" ]]; then
  log "resolving the runtime classpath (for Jackson)"
  ./mvnw -q -B -o dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$CP_FILE"
fi
CP="$(cat "$CP_FILE")"

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

SERVICE_PID=""
stop_service() {
  if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill "$SERVICE_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$SERVICE_PID" 2>/dev/null || break
      sleep 0.5
    done
    kill -9 "$SERVICE_PID" 2>/dev/null || true
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  SERVICE_PID=""
}
trap stop_service EXIT
trap 'exit 130' INT TERM

# start_service NAME [service args...]: a fresh store, loopback only, -Xmx$HEAP; waits for readiness.
start_service() {
  local name="$1"
  shift
  PORT="$(free_port)"
  URL="http://127.0.0.1:$PORT"
  java -Xmx"$HEAP" -Dai.djl.offline=true -jar "$JAR" --server.port="$PORT" --server.address=127.0.0.1 \
    --tagger.store.dir="$RUN/store-$name" "$@" >"$RUN/service-$name.log" 2>&1 &
  SERVICE_PID=$!
  local deadline=$((SECONDS + 240))
  until curl -fsS -o /dev/null "$URL/actuator/health/readiness" 2>/dev/null; do
    if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
      echo "serving-checks: the service exited during start-up; see $RUN/service-$name.log" >&2
      tail -n 20 "$RUN/service-$name.log" >&2
      exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "serving-checks: the service was not ready within 240 s" >&2
      exit 1
    fi
    sleep 0.5
  done
  log "service '$name' ready on $URL (pid $SERVICE_PID, -Xmx$HEAP${*:+, $*})"
}

# checks MODE ARGS...: the Java side; rows on stdout, progress on stderr (and in the log).
checks() {
  java -cp "$CP" "$ROOT/bench/ServingChecks.java" "$@" --url "$URL" --pid "$SERVICE_PID" --dev "$DEV" \
    2> >(tee -a "$RUN/checks.log" >&2)
}

ROWS="$RUN/rows.md"
: >"$ROWS"
crashed() {
  if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
    echo "| the service process died; last log lines in $RUN | | | | NO |" >>"$ROWS"
    tail -n 20 "$RUN/service-$1.log" >&2
    SERVICE_PID=""
  fi
}

if [[ ",$ONLY," == *",memory,"* ]]; then
  start_service memory
  checks memory >>"$ROWS" || true
  crashed memory
  stop_service
  start_service memory-uncapped --tagger.api.max-text-chars=2100000 --tagger.api.max-body-bytes=3MB
  checks memory --only-huge yes --label " (max-text-chars lifted to 2.1M: the tokenizer's own bound)" >>"$ROWS" || true
  crashed memory-uncapped
  stop_service
fi
if [[ ",$ONLY," == *",overload,"* ]]; then
  start_service overload --tagger.batching.request-timeout="$OVERLOAD_TIMEOUT"
  checks overload --seconds "$OVERLOAD_SECONDS" --calibrate-seconds "$CALIBRATE_SECONDS" \
    --factor "$OVERLOAD_FACTOR" --timeout "$OVERLOAD_TIMEOUT" >>"$ROWS" || true
  crashed overload
  stop_service
fi
if [[ ",$ONLY," == *",race,"* ]]; then
  start_service race --tagger.batching.request-timeout="$RACE_TIMEOUT"
  checks race --seconds "$RACE_SECONDS" --deploy-ms "$DEPLOY_MS" >>"$ROWS" || true
  crashed race
  stop_service
fi

{
  echo "## Serving checks"
  echo
  echo "- date: $START_DATE; command: \`$COMMAND\`"
  echo "- machine: $(nproc) CPUs, $(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load average at start $START_LOAD, at end $(cut -d' ' -f1-3 /proc/loadavg) (the load client shares the cores)"
  echo "- service: \`java -Xmx$HEAP -jar $JAR\` on loopback, defaults otherwise (per phase: see the rows)"
  echo
  echo "| check | answers | detail | service RSS | process alive |"
  echo "| --- | --- | --- | --- | --- |"
  cat "$ROWS"
} | tee "$RUN/report.md"
log "results in $RUN"
