#!/usr/bin/env bash
# Tagger benchmark: the service under closed-loop load against ONNX Runtime running the same model
# in process (its fp32 and its int8 ONNX export), plus a correctness check and an overload phase. Prints one markdown report on stdout
# (progress goes to stderr) and keeps everything under target/bench/run-*/.
#
#   bench/run.sh [--dev PATH] [--seconds N] [--skip-build] [--port N] [more options: --help]
#
# Not a test: it takes minutes and wants the machine to itself. The Java side is the bench Maven module
# (bench/src/main/java/dev/tagger/bench); ONNX Runtime and the int8 export are dependencies of that module
# only, never of the service jar.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# For launcher_gc; the functions of the same name below (log, free_port, start_service, stop_service) are run.sh's own.
source "$ROOT/bench/lib.sh"
COMMAND="bench/run.sh$(printf ' %q' "$@")"

DEV="$ROOT/../shared/datasets/goemotions/dev.tsv"
LEVEL_SECONDS=30
ORT_SECONDS=""
LEVELS="1,4,16,64"
LEVEL_WARMUP_MS=1000
WARMUP_SECONDS=60
SAMPLE=200
ORT_THREADS=2
ORT_BATCHES="8,16,32,64"
OVERLOAD_SECONDS=10
BULK_SECONDS=8
OVERLOAD_CLIENTS=128
OVERLOAD_QUEUE=64
OVERLOAD_BACKOFF_MS=0
SKIP_BUILD=0
START_TIMEOUT=180
PORT=""
OUT=""
SERVICE_ARGS=()
# The same heap cap as each ONNX Runtime peer's JVM (bench_java below), so peak RSS compares like with like; without
# it the JVM may grow its heap to a quarter of RAM before collecting. --java-opt options come after and win.
JAVA_OPTS_SERVICE=(-Xmx1g)
HTTP_CLIENT=plain

usage() {
  cat <<EOF
usage: bench/run.sh [options]
  --dev PATH               GoEmotions dev.tsv, text in the first column (default: ../shared/datasets/goemotions/dev.tsv)
  --seconds N              measured seconds per concurrency level (default $LEVEL_SECONDS)
  --ort-seconds N          seconds per ONNX Runtime configuration, for each export (default: half of --seconds, at least 2)
  --levels LIST            concurrency levels (default $LEVELS)
  --level-warmup-ms N      unmeasured ramp-up at the start of each level (default $LEVEL_WARMUP_MS)
  --warmup-seconds N       unmeasured load at c=16 before the first level, so the JIT has compiled the request
                           path (default $WARMUP_SECONDS)
  --sample N               texts in the correctness sample (default $SAMPLE)
  --ort-threads N          ONNX Runtime intra-op threads (default $ORT_THREADS)
  --ort-batches LIST       ONNX Runtime batch sizes to try (default $ORT_BATCHES)
  --overload-seconds N     length of the overload phase, 0 skips it (default $OVERLOAD_SECONDS)
  --bulk-seconds N         interactive window of the bulk phase (bulk job over the dev file alone, then c=4
                           /classify alone and beside a bulk job), 0 skips it (default $BULK_SECONDS)
  --overload-clients N     closed-loop clients in the overload phase (default $OVERLOAD_CLIENTS)
  --overload-queue N       tagger.batching.queue-capacity of the overload service (default $OVERLOAD_QUEUE)
  --overload-backoff-ms N  pause of a client after a 429 (default $OVERLOAD_BACKOFF_MS: retry at once)
  --service-arg ARG        extra argument for the service, repeatable (e.g. --service-arg --tagger.workers=2)
  --java-opt OPT           JVM option for the service, repeatable, after the default -Xmx1g (the ONNX Runtime
                           peers' heap), e.g. --java-opt -Xmx512m
  --http-client NAME       how the load client sends requests: plain (a keep-alive socket per client, default)
                           or jdk (java.net.http.HttpClient, which adds its own thread hand-offs to every request)
  --skip-build             use the service jar and bench classes already in service/target/ and bench/target/
  --port N                 loopback port for the service (default: a free one)
  --start-timeout N        seconds the service may take to become ready (default $START_TIMEOUT)
  --out DIR                where results go (default target/bench/run-<time>)
EOF
}

need() {
  if [[ $# -lt 2 || -z "$2" ]]; then
    echo "bench: $1 needs a value" >&2
    exit 2
  fi
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dev) need "$@"; DEV="$2"; shift 2 ;;
    --seconds) need "$@"; LEVEL_SECONDS="$2"; shift 2 ;;
    --ort-seconds) need "$@"; ORT_SECONDS="$2"; shift 2 ;;
    --levels) need "$@"; LEVELS="$2"; shift 2 ;;
    --level-warmup-ms) need "$@"; LEVEL_WARMUP_MS="$2"; shift 2 ;;
    --warmup-seconds) need "$@"; WARMUP_SECONDS="$2"; shift 2 ;;
    --sample) need "$@"; SAMPLE="$2"; shift 2 ;;
    --ort-threads) need "$@"; ORT_THREADS="$2"; shift 2 ;;
    --ort-batches) need "$@"; ORT_BATCHES="$2"; shift 2 ;;
    --overload-seconds) need "$@"; OVERLOAD_SECONDS="$2"; shift 2 ;;
    --bulk-seconds) need "$@"; BULK_SECONDS="$2"; shift 2 ;;
    --overload-clients) need "$@"; OVERLOAD_CLIENTS="$2"; shift 2 ;;
    --overload-queue) need "$@"; OVERLOAD_QUEUE="$2"; shift 2 ;;
    --overload-backoff-ms) need "$@"; OVERLOAD_BACKOFF_MS="$2"; shift 2 ;;
    --service-arg) need "$@"; SERVICE_ARGS+=("$2"); shift 2 ;;
    --java-opt) need "$@"; JAVA_OPTS_SERVICE+=("$2"); shift 2 ;;
    --http-client) need "$@"; HTTP_CLIENT="$2"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --port) need "$@"; PORT="$2"; shift 2 ;;
    --start-timeout) need "$@"; START_TIMEOUT="$2"; shift 2 ;;
    --out) need "$@"; OUT="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

if [[ -z "$ORT_SECONDS" ]]; then
  ORT_SECONDS=$(awk -v s="$LEVEL_SECONDS" 'BEGIN { h = s / 2; print (h < 2 ? 2 : h) }')
fi
if [[ ! -f "$DEV" ]]; then
  echo "bench: no dev file at $DEV (give --dev PATH)" >&2
  exit 2
fi
DEV="$(cd "$(dirname "$DEV")" && pwd)/$(basename "$DEV")"
RUN="${OUT:-target/bench/run-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$RUN"
RUN="$(cd "$RUN" && pwd)"

log() {
  echo "[bench] $*" >&2
}

START_DATE="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
START_LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- build
# One reactor build without test classes (the benchmark needs none): the service's executable jar, the bench
# module's classes and, from the bench module's package phase, its run-time class path
# (bench/target/bench-classpath.txt).
if [[ $SKIP_BUILD == 0 ]]; then
  log "building (./mvnw -q -B -Dmaven.test.skip=true package)"
  ./mvnw -q -B -Dmaven.test.skip=true package
fi
JAR=""
for candidate in service/target/tagger-*-exec.jar; do
  if [[ -f "$candidate" ]]; then
    JAR="$candidate"
    break
  fi
done
CP_FILE=bench/target/bench-classpath.txt
if [[ -z "$JAR" || ! -f bench/target/classes/dev/tagger/bench/BenchCli.class || ! -s "$CP_FILE" ]]; then
  echo "bench: no service jar in service/target/ or no bench classes in bench/target/ (run without --skip-build)" >&2
  exit 2
fi
CP="bench/target/classes:$(cat "$CP_FILE")"

# bench_java COMMAND ARGS...: the Java side; its stdout stays stdout, its stderr goes to bench.log
# and only its "[bench]" progress lines are shown.
bench_java() {
  local status
  set +e
  java -Xmx1g -Dai.djl.offline=true -Dlogback.configurationFile="$ROOT/bench/logback-bench.xml" -cp "$CP" \
    dev.tagger.bench.BenchCli "$@" 2>&1 >&3 3>&- \
    | tee -a "$RUN/bench.log" | grep --line-buffered '^\[bench\]' >&2
  status=${PIPESTATUS[0]}
  set -e
  if ((status != 0)); then
    echo "bench: '$1' failed (exit $status); last lines of $RUN/bench.log:" >&2
    grep -v '^\[bench\]' "$RUN/bench.log" | tail -n 20 >&2
  fi
  return "$status"
} 3>&1
: >"$RUN/bench.log"

# ---------------------------------------------------------------- the service
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
PORT="${PORT:-$(free_port)}"
URL="http://127.0.0.1:$PORT"
SERVICE_PID=""

stop_service() {
  if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill "$SERVICE_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$SERVICE_PID" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "$SERVICE_PID" 2>/dev/null; then
      kill -9 "$SERVICE_PID" 2>/dev/null || true
    fi
    wait "$SERVICE_PID" 2>/dev/null || true
  fi
  SERVICE_PID=""
}
trap stop_service EXIT
trap 'exit 130' INT TERM

# start_service LOG [service args...]: starts the jar on $PORT and waits until it is ready.
start_service() {
  local logfile="$1"
  shift
  # MALLOC_ARENA_MAX as the shipped launchers set it (tagger.sh, spring-boot:run), unless the caller set one
  MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" java "${JAVA_OPTS_SERVICE[@]}" ${LAUNCHER_GC:+"$LAUNCHER_GC"} -Dai.djl.offline=true -jar "$JAR" --server.port="$PORT" --server.address=127.0.0.1 "$@" \
    >"$logfile" 2>&1 &
  SERVICE_PID=$!
  local deadline=$((SECONDS + START_TIMEOUT))
  until curl -fsS -o /dev/null "$URL/actuator/health/readiness" 2>/dev/null; do
    if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
      echo "bench: the service exited during start-up; last lines of $logfile:" >&2
      tail -n 30 "$logfile" >&2
      SERVICE_PID=""
      exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "bench: the service was not ready within $START_TIMEOUT s (--start-timeout); see $logfile" >&2
      exit 1
    fi
    sleep 0.5
  done
  log "service ready on $URL (pid $SERVICE_PID)"
}

# The collector tagger.sh (the image's launcher) picks, unless --java-opt names one (bench/lib.sh).
LAUNCHER_GC="$(launcher_gc "${JAVA_OPTS_SERVICE[@]}")"

COMMON=(--dev "$DEV" --sample "$SAMPLE")
# The served precision decides how close the service must be to ONNX Runtime's fp32 (see Report.java).
PRECISION=int8
for arg in "${SERVICE_ARGS[@]}"; do
  case "$arg" in
    --tagger.precision=*) PRECISION="${arg#--tagger.precision=}" ;;
  esac
done
log "starting the service${SERVICE_ARGS[*]:+ with ${SERVICE_ARGS[*]}}"
start_service "$RUN/service.log" "${SERVICE_ARGS[@]}"

# Both ONNX exports, one JVM each (so each has its own peak RSS), on the same texts: fp32 is the reference for
# the correctness check, int8 the peer at the service's own precision.
for export in fp32 int8; do
  log "ONNX Runtime peer, $export export (${ORT_SECONDS}s per configuration; the service is idle)"
  bench_java ort "${COMMON[@]}" --export "$export" --seconds "$ORT_SECONDS" --threads "$ORT_THREADS" \
    --batches "$ORT_BATCHES" --out "$RUN/ort-$export.json"
done

log "load levels $LEVELS (${LEVEL_SECONDS}s each) and the correctness sample"
bench_java load "${COMMON[@]}" --url "$URL" --pid "$SERVICE_PID" --levels "$LEVELS" --seconds "$LEVEL_SECONDS" \
  --level-warmup-ms "$LEVEL_WARMUP_MS" --warmup-seconds "$WARMUP_SECONDS" --http-client "$HTTP_CLIENT" \
  --out "$RUN/load.json"
if awk -v s="$BULK_SECONDS" 'BEGIN { exit !(s > 0) }'; then
  log "bulk: a bulk job over the dev file alone, then /classify at c=4 alone and beside a bulk job (${BULK_SECONDS}s each)"
  # its table goes into the report below, from the file; on stdout it came out a second time, before the report
  bench_java bulk --dev "$DEV" --url "$URL" --ort-int8 "$RUN/ort-int8.json" --seconds "$BULK_SECONDS" \
    --out "$RUN/bulk.md" >/dev/null
fi
stop_service

OVERLOAD_ARGS=()
if awk -v s="$OVERLOAD_SECONDS" 'BEGIN { exit !(s > 0) }'; then
  log "overload: restarting the service with queue-capacity $OVERLOAD_QUEUE"
  start_service "$RUN/service-overload.log" "${SERVICE_ARGS[@]}" --tagger.batching.queue-capacity="$OVERLOAD_QUEUE"
  bench_java overload --dev "$DEV" --url "$URL" --pid "$SERVICE_PID" --clients "$OVERLOAD_CLIENTS" \
    --seconds "$OVERLOAD_SECONDS" --queue-capacity "$OVERLOAD_QUEUE" --backoff-ms "$OVERLOAD_BACKOFF_MS" \
    --http-client "$HTTP_CLIENT" --out "$RUN/overload.json"
  stop_service
  OVERLOAD_ARGS=(--overload "$RUN/overload.json")
fi

# ---------------------------------------------------------------- the report
REPORT_STATUS=0
{
  echo "## Tagger benchmark"
  echo
  echo "- date: $START_DATE"
  echo "- machine: $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM; load average at start $START_LOAD, at end $(cut -d' ' -f1-3 /proc/loadavg)"
  bench_java cpu || REPORT_STATUS=$?
  echo "- java: $(java -version 2>&1 | head -n 1)"
  echo "- command: \`$COMMAND\`"
  echo "- load client: $HTTP_CLIENT HTTP/1.1 keep-alive connections, one per concurrent client, on the same cores"
  echo "- service: \`MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} java${JAVA_OPTS_SERVICE[*]:+ ${JAVA_OPTS_SERVICE[*]}}${LAUNCHER_GC:+ $LAUNCHER_GC} -Dai.djl.offline=true -jar $JAR --server.port=$PORT --server.address=127.0.0.1${SERVICE_ARGS[*]:+ ${SERVICE_ARGS[*]}}\` (application.yml defaults otherwise)"
  echo "- texts: $DEV ($(wc -l <"$DEV") lines), one text per request, file order; levels ${LEVEL_SECONDS}s measured after ${WARMUP_SECONDS} s of unmeasured load at c=16 and a ${LEVEL_WARMUP_MS} ms ramp-up each; ONNX Runtime ${ORT_SECONDS}s per configuration and export"
  echo
  bench_java report --ort "$RUN/ort-fp32.json" --ort-int8 "$RUN/ort-int8.json" --load "$RUN/load.json" --precision "$PRECISION" "${OVERLOAD_ARGS[@]}" \
    || REPORT_STATUS=$?
  if [[ -f "$RUN/bulk.md" ]]; then
    echo
    cat "$RUN/bulk.md"
  fi
} >"$RUN/report.md"
cat "$RUN/report.md"
log "results in $RUN"
exit "$REPORT_STATUS"
