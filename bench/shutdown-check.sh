#!/usr/bin/env bash
# Shutdown with work in flight (issue #11): starts the service jar on loopback with a store of its own, starts a
# train=all training job and, some steps into its `training` phase, a bulk classification job; opens event streams
# of both (GET /train-jobs/{id}/events, /classify-jobs/{id}/events) and sends SIGTERM. Measures how long the process
# takes to exit and checks: within the chart's terminationGracePeriodSeconds and Spring's shutdown timeout, both read
# from the repository; every stream completed by the server (its chunked end, not a dropped connection, not a hang)
# before the exit; no ERROR logged on the way down. Then a restart on the same store: the training job FAILED with
# a reason naming the shutdown (or queued/running again and then ended), never left RUNNING; the bulk job resumed to
# SUCCEEDED with every text (or FAILED naming the shutdown); /classify answers. One markdown table on stdout; logs
# under target/shutdown-check/run-*/; exit 1 when a check fails.
#
#   bench/shutdown-check.sh [--skip-build] [--heap SIZE] [--examples N] [--epochs N] [--at-step N]
#                           [--bulk-texts N] [--train-streams N] [--bulk-streams N] [--wait S]
#
# bench/shutdown-check.py does the HTTP side (Python standard library only). About 2 minutes on 2 cores.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/bench/lib.sh"
COMMAND="bench/shutdown-check.sh"
if [[ $# -gt 0 ]]; then
  COMMAND+="$(printf ' %q' "$@")"
fi

SKIP_BUILD=0
HEAP=1g
EXAMPLES=400
EPOCHS=2
AT_STEP=5
BULK_TEXTS=3000
TRAIN_STREAMS=4
BULK_STREAMS=2
# how long to wait for the exit before SIGKILL: past both limits, so that a slow exit is measured, not cut short
WAIT=120
DATA="$ROOT/../shared/datasets/goemotions"

usage() {
  cat <<EOF
usage: bench/shutdown-check.sh [options]
  --skip-build         use the jar already in service/target/
  --heap SIZE          the service's -Xmx (default $HEAP)
  --examples N         training texts of the train=all job (default $EXAMPLES)
  --epochs N           its epochs (default $EPOCHS; it must still train when the signal comes)
  --at-step N          SIGTERM once the job's training step is N or later (default $AT_STEP; 20 steps an epoch
                       with the default 400 texts)
  --bulk-texts N       texts of the bulk job (default $BULK_TEXTS)
  --train-streams N    event streams opened on the training job (default $TRAIN_STREAMS)
  --bulk-streams N     event streams opened on the bulk job (default $BULK_STREAMS)
  --wait S             seconds to wait for the exit before SIGKILL (default $WAIT)
  --data DIR           GoEmotions folder with train.tsv and labels.txt (default ../shared/datasets/goemotions)
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --skip-build) SKIP_BUILD=1; shift ;;
    --heap) HEAP="$2"; shift 2 ;;
    --examples) EXAMPLES="$2"; shift 2 ;;
    --epochs) EPOCHS="$2"; shift 2 ;;
    --at-step) AT_STEP="$2"; shift 2 ;;
    --bulk-texts) BULK_TEXTS="$2"; shift 2 ;;
    --train-streams) TRAIN_STREAMS="$2"; shift 2 ;;
    --bulk-streams) BULK_STREAMS="$2"; shift 2 ;;
    --wait) WAIT="$2"; shift 2 ;;
    --data) DATA="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "shutdown-check: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

require_goemotions "$DATA"

# The limits, as the repository sets them: the chart's grace period and Spring's per-phase shutdown timeout.
GRACE="$(awk '/^terminationGracePeriodSeconds:/ {print $2}' helm/tagger/values.yaml)"
SPRING="$(awk '/timeout-per-shutdown-phase:/ {sub(/s$/, "", $2); print $2}' service/src/main/resources/application.yml)"
if [[ ! $GRACE =~ ^[0-9]+$ || ! $SPRING =~ ^[0-9]+$ ]]; then
  echo "shutdown-check: cannot read terminationGracePeriodSeconds ($GRACE) or timeout-per-shutdown-phase ($SPRING)" >&2
  exit 2
fi

new_run shutdown-check
build_jar "$SKIP_BUILD"
HELPER=(python3 "$ROOT/bench/shutdown-check.py")
STREAMS_PID=""
cleanup() {
  stop_service
  if [[ -n "$STREAMS_PID" ]] && alive "$STREAMS_PID"; then
    kill "$STREAMS_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

STORE="$RUN/store"
start_service before "$STORE"
log "submitting a train=all job ($EXAMPLES texts, $EPOCHS epochs) and, at its training step $AT_STEP, a bulk job ($BULK_TEXTS texts)"
"${HELPER[@]}" arm --url "$URL" --train-tsv "$DATA/train.tsv" --labels-txt "$DATA/labels.txt" \
  --examples "$EXAMPLES" --epochs "$EPOCHS" --at-step "$AT_STEP" --bulk-texts "$BULK_TEXTS" >"$RUN/arm.json"
TRAIN_JOB="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["train"])' "$RUN/arm.json")"
BULK_JOB="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bulk"])' "$RUN/arm.json")"

"${HELPER[@]}" streams --url "$URL" --train "$TRAIN_JOB" --bulk "$BULK_JOB" --train-streams "$TRAIN_STREAMS" \
  --bulk-streams "$BULK_STREAMS" --deadline $((WAIT + 60)) --ready "$RUN/streams.ready" --out "$RUN/streams.json" \
  2>"$RUN/streams.err" &
STREAMS_PID=$!
deadline=$((SECONDS + 60))
until [[ -s "$RUN/streams.ready" ]]; do
  if ! alive "$STREAMS_PID" || ((SECONDS > deadline)); then
    echo "shutdown-check: the event streams did not open; see $RUN/streams.err" >&2
    cat "$RUN/streams.err" >&2
    exit 1
  fi
  sleep 0.1
done
"${HELPER[@]}" phase --url "$URL" --train "$TRAIN_JOB" --bulk "$BULK_JOB" >"$RUN/at-signal.json"
log "at SIGTERM: $(cat "$RUN/at-signal.json")"

LOG_AT="$(wc -c <"$RUN/service-before.log")"
SIGTERM_US="$(now_us)"
stop_service TERM "$WAIT"
log "exit after SIGTERM: ${STOP_SECONDS:-none, killed} s, status $STOP_STATUS"
tail -c +"$((LOG_AT + 1))" "$RUN/service-before.log" >"$RUN/shutdown.log"
wait "$STREAMS_PID" || true
STREAMS_PID=""
"${HELPER[@]}" on-disk --store "$STORE" --train "$TRAIN_JOB" --bulk "$BULK_JOB" >"$RUN/on-disk.json"

FAILED=0
start_service after "$STORE"
"${HELPER[@]}" after --url "$URL" --arm "$RUN/arm.json" --streams-out "$RUN/streams.json" \
  --at-signal "$RUN/at-signal.json" --disk "$RUN/on-disk.json" --shutdown-log "$RUN/shutdown.log" \
  --exit-status "$STOP_STATUS" --stop-seconds "$STOP_SECONDS" --sigterm-us "$SIGTERM_US" --grace "$GRACE" \
  --spring "$SPRING" --wait "$WAIT" >"$RUN/rows.md" || FAILED=1
stop_service

{
  echo "## Shutdown check"
  echo
  echo "- date: $START_DATE; command: \`$COMMAND\`; $((SECONDS - T_START)) s in all"
  echo "- machine: $(nproc) CPUs, $(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); load average at start $START_LOAD, at end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- service: \`java -Xmx$HEAP -jar $JAR\` on loopback, local store; a train=all job ($EXAMPLES texts, $EPOCHS epochs), a bulk job ($BULK_TEXTS texts), $TRAIN_STREAMS + $BULK_STREAMS event streams open at SIGTERM"
  echo
  echo "| check | measured | limit | result |"
  echo "| --- | --- | --- | --- |"
  cat "$RUN/rows.md"
} | tee "$RUN/report.md"
log "results in $RUN"
exit "$FAILED"
