#!/usr/bin/env bash
# Faults against the real service jar in local store mode (the default):
#   1. kill -9 of the service at each phase of a training job, then a restart on the same store: no job left
#      RUNNING or QUEUED, no orphan or temporary model folder, the old model or the whole new one served (and
#      /classify answering), every JSON file of the store parsing, and a new job running to SUCCEEDED;
#   2. a full disk (the store on a small tmpfs, filled with a filler file) during a dataset upload, during training
#      and during deploys: problem+json answers (507), never 500; jobs FAILED with the reason; readiness DOWN while
#      full and UP after; nothing half-written ever listed; the next job SUCCEEDED once the filler is gone; the same
#      for a bulk classification job filling the disk with its results; and a restart on a full store.
# bench/fault-checks.py does the measuring; this script builds, starts, kills and restarts. One markdown table on
# stdout; logs under target/fault-checks/run-*/; exit 1 when a check fails.
#
#   bench/fault-checks.sh [--only kill,disk] [--phases LIST] [--skip-build] [--tmpfs-size SIZE] [--heap SIZE]
#
# The disk checks need root (mount -t tmpfs); without it their rows say "skipped". 385 s on 2 cores shared with
# another build (load 1.4 to 4.9); most of it is the ten starts of the service.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/bench/lib.sh"
COMMAND="bench/fault-checks.sh"
if [[ $# -gt 0 ]]; then
  COMMAND+="$(printf ' %q' "$@")"
fi

ONLY="kill,disk"
# Every phase a job shows (docs/training.md); `encoding` only happens in head-only jobs, the others in a
# top_layers:1 job, which also writes a model of 7.5 MB (the head-only one writes KBs). Two phases are killed at a
# moment inside them, seen on the store's files: `writing` once the model's temporary folder has bytes in it (half
# written), `deploying+pointer` once serving.json names the new model (recorded as served, still being loaded);
# plain `deploying` is killed as soon as it shows (while the new model is read, before that record). The default
# leaves out `evaluating` and `validating` (like `training`, they only compute: nothing of theirs is on disk) to
# keep the run near 6 minutes on 2 cores; `--phases all` adds them.
ALL_PHASES="loading,encoding,evaluating,training,validating,writing,comparing,deploying,deploying+pointer"
PHASES="loading,encoding,training,writing,comparing,deploying,deploying+pointer"
SKIP_BUILD=0
HEAP=1g
TMPFS_SIZE=48m
INTERVAL=0.02
DATA="$ROOT/../shared/datasets/goemotions"

usage() {
  cat <<EOF
usage: bench/fault-checks.sh [options]
  --only LIST          checks to run, of kill,disk (default: both)
  --phases LIST        job phases to kill the service at (default: $PHASES;
                       all: $ALL_PHASES)
  --skip-build         use the jar already in service/target/
  --heap SIZE          the service's -Xmx (default $HEAP)
  --tmpfs-size SIZE    size of the tmpfs the disk checks fill (default $TMPFS_SIZE)
  --interval S         seconds between polls of a job's phase (default $INTERVAL)
  --data DIR           GoEmotions folder with train.tsv and labels.txt (default ../shared/datasets/goemotions)
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --only) ONLY="$2"; shift 2 ;;
    --phases) PHASES="$2"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --heap) HEAP="$2"; shift 2 ;;
    --tmpfs-size) TMPFS_SIZE="$2"; shift 2 ;;
    --interval) INTERVAL="$2"; shift 2 ;;
    --data) DATA="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "fault-checks: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

[[ $PHASES == all ]] && PHASES="$ALL_PHASES"

require_goemotions "$DATA"

new_run fault-checks
build_jar "$SKIP_BUILD"
HELPER=(python3 "$ROOT/bench/fault-checks.py")
DATA_ARGS=(--train-tsv "$DATA/train.tsv" --labels-txt "$DATA/labels.txt")

DISK=""
cleanup() {
  stop_service
  # the tmpfs goes whatever happened: a mount left behind would outlive the run
  if [[ -n "$DISK" ]] && mountpoint -q "$DISK"; then
    umount "$DISK" || umount -l "$DISK" || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

json() {
  python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {'json': json}, {'d': d}))" "$1"
}

ROWS="$RUN/rows.md"
: >"$ROWS"
FAILED=0
row() {  # check moment seen result
  echo "| $1 | $2 | $3 | $4 |" >>"$ROWS"
  [[ "$4" == FAIL ]] && FAILED=1
  log "$1: $4"
}

# ---------------------------------------------------------------- 1. kill -9 at each phase
if [[ ",$ONLY," == *",kill,"* ]]; then
  STORE="$RUN/store-kill"
  start_service kill-0 "$STORE"
  n=0
  for check in ${PHASES//,/ }; do
    n=$((n + 1))
    phase="${check%%+*}"
    then=()
    case "$check" in
      writing) then=(--then "temp:$STORE/models") ;;
      deploying+pointer) then=(--then "pointer:$STORE/serving.json") ;;
      *+*) echo "fault-checks: unknown phase $check" >&2; exit 2 ;;
    esac
    caught=false
    # a phase that passes too fast for the poll gets one more try with a larger job (more to encode or write)
    for attempt in 1 2; do
      if [[ $phase == encoding ]]; then
        shape=(--train head --examples $((attempt * 400)) --epochs 2)
      else
        shape=(--train "top_layers:$attempt" --examples $((attempt * 60)) --epochs 1)
      fi
      desc="${shape[1]}, ${shape[3]} examples, ${shape[5]} epoch(s), if_better"
      old="$(curl -fsS "$URL/models/current" | json 'json.dumps({"id": d["id"], "version": d["version"]})')"
      "${HELPER[@]}" job-body "${DATA_ARGS[@]}" --suffix "${check//+/}$attempt" "${shape[@]}" --deploy if_better \
        >"$RUN/job-${check//+/-}-$attempt.json"
      "${HELPER[@]}" watch --url "$URL" --body "$RUN/job-${check//+/-}-$attempt.json" --on "$phase" \
        --kill "$SERVICE_PID" --interval "$INTERVAL" ${then[@]+"${then[@]}"} >"$RUN/watch-$check-$attempt.json"
      job="$(json 'd["job"]' <"$RUN/watch-$check-$attempt.json")"
      if [[ "$(json 'd["caught"]' <"$RUN/watch-$check-$attempt.json")" == True ]]; then
        caught=true
        break
      fi
      log "$check not caught with $desc (seen: $(json '" ".join(p for p, _ in d["seen"])' \
        <"$RUN/watch-$check-$attempt.json"))"
    done
    if [[ $caught == false ]]; then
      row "kill -9 at \`$check\`" "$desc: the job went past it (between two polls ${INTERVAL} s apart, or before \
the moment on the files), twice" \
        "phases seen: $(json '" → ".join(p for p, _ in d["seen"])' <"$RUN/watch-$check-$attempt.json")" \
        "NOT CAUGHT"
      continue
    fi
    wait "$SERVICE_PID" 2>/dev/null || true
    SERVICE_PID=""
    log "killed the service (kill -9) at $check of job $job"
    "${HELPER[@]}" leftovers --store "$STORE" >"$RUN/left-$check.json"
    start_service "kill-$n-after-${check//+/-}" "$STORE"
    if "${HELPER[@]}" after-kill "${DATA_ARGS[@]}" --url "$URL" --store "$STORE" --job "$job" --phase "$check" \
      --shape "$desc" --old-current "$old" --left "$RUN/left-$check.json" --watch "$RUN/watch-$check-$attempt.json" \
      >>"$ROWS"; then
      log "kill -9 at $check: PASS"
    else
      FAILED=1
      log "kill -9 at $check: FAIL (see $ROWS)"
    fi
  done
  stop_service
fi

# ---------------------------------------------------------------- 2. a full disk
if [[ ",$ONLY," == *",disk,"* ]]; then
  DISK="$RUN/disk"
  mkdir -p "$DISK"
  if [[ $(id -u) != 0 ]] || ! mount -t tmpfs -o size="$TMPFS_SIZE" tmpfs "$DISK" 2>"$RUN/mount.err"; then
    DISK=""
    why="skipped: needs root to mount a tmpfs"
    if [[ $(id -u) == 0 ]]; then
      why+=" (as root, mount said: $(head -n 1 "$RUN/mount.err" | tr '|' '/'))"
    fi
    for what in " during a dataset upload" " during training (an epoch's record)" " during training (writing the model)" \
      ", deploy by hand" " during a job's deploy" " during a bulk classify job" ": kill -9 and a restart on it"; do
      row "full disk$what" "a $TMPFS_SIZE tmpfs as the store" "$why" "SKIPPED"
    done
  else
    log "tmpfs of $TMPFS_SIZE on $DISK"
    # a JSONL upload larger than the space left: GoEmotions train rows, three times over (about 15 MB)
    python3 - "$DATA/train.tsv" "$DATA/labels.txt" >"$RUN/big.jsonl" <<'EOF'
import json, sys
names = [l.strip() for l in open(sys.argv[2], encoding="utf-8")]
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
for copy in range(3):
    for r in rows:
        if len(r) >= 2 and r[0].strip():
            print(json.dumps({"text": r[0], "labels": [names[int(i)] for i in r[1].split(",")]}))
EOF
    start_service disk "$DISK/store"
    if "${HELPER[@]}" disk "${DATA_ARGS[@]}" --url "$URL" --store "$DISK/store" --disk "$DISK" \
      --dataset-file "$RUN/big.jsonl" >>"$ROWS"; then
      log "disk checks: PASS"
    else
      FAILED=1
      log "disk checks: FAIL (see $ROWS)"
    fi
    # kill -9 in the middle of a job with the disk full, and a restart on that full store: recovery cannot write
    # the job's end, which must not keep the service from starting
    "${HELPER[@]}" job-body "${DATA_ARGS[@]}" --suffix fullrestart --deploy never >"$RUN/job-full-restart.json"
    "${HELPER[@]}" watch --url "$URL" --body "$RUN/job-full-restart.json" --on training --fill "$DISK" \
      --kill "$SERVICE_PID" --interval "$INTERVAL" >"$RUN/watch-full-restart.json"
    wait "$SERVICE_PID" 2>/dev/null || true
    SERVICE_PID=""
    if start_service disk-full-restart "$DISK/store" liveness; then
      "${HELPER[@]}" full-restart "${DATA_ARGS[@]}" --url "$URL" --store "$DISK/store" --disk "$DISK" \
        --job "$(json 'd["job"]' <"$RUN/watch-full-restart.json")" --watch "$RUN/watch-full-restart.json" \
        >>"$ROWS" || FAILED=1
    else
      row "kill -9 with the disk full, restart on it" "restart on the full store" \
        "the service did not start; see $RUN/service-disk-full-restart.log" FAIL
    fi
    stop_service
    umount "$DISK"
    DISK=""
  fi
fi

{
  echo "## Fault checks"
  echo
  echo "- date: $START_DATE; command: \`$COMMAND\`; $((SECONDS - T_START)) s in all"
  echo "- machine: $(nproc) CPUs, $(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); load average at start $START_LOAD, at end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- service: \`java -Xmx$HEAP -jar $JAR\` on loopback, local store (kill checks: a folder on disk; disk checks: a $TMPFS_SIZE tmpfs); jobs polled every $INTERVAL s"
  echo
  echo "| check | moment | what was seen | result |"
  echo "| --- | --- | --- | --- |"
  cat "$ROWS"
} | tee "$RUN/report.md"
log "results in $RUN"
exit "$FAILED"
