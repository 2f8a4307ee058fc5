#!/usr/bin/env bash
# Memory returned after training (issue #11): starts the service jar on its own store, measures idle RSS, runs
# two full fine-tuning jobs (train=all, 1 epoch over N GoEmotions train texts) and measures the peak during each
# and the idle RSS after each, with the Java heap's committed and used size. Prints a markdown table.
#
#   bench/memory-after-training.sh [--skip-build] [--examples N] [--heap SIZE] [--java-opt OPTION]...
#
# --java-opt passes a JVM option to the service (e.g. -XX:MaxHeapFreeRatio=70, to see a user's own heap sizing
# kept). Not a test: a few minutes on 2 cores. python3 builds the job and reads the answers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/bench/lib.sh"
SKIP_BUILD=0; EXAMPLES=400; HEAP=1g; SERVICE_JAVA_OPTS=()
G="$ROOT/../shared/datasets/goemotions"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --skip-build) SKIP_BUILD=1; shift ;;
    --examples) EXAMPLES="$2"; shift 2 ;;
    --heap) HEAP="$2"; shift 2 ;;
    --java-opt) SERVICE_JAVA_OPTS+=("$2"); shift 2 ;;
    *) echo "usage: $0 [--skip-build] [--examples N] [--heap SIZE] [--java-opt OPTION]..." >&2; exit 2 ;;
  esac
done
[[ $SKIP_BUILD == 1 ]] || ./mvnw -B -ntp -o -q -pl service -am package -DskipTests
JAR=$(ls service/target/tagger-*-exec.jar | head -1)
RUN=$(mktemp -d /tmp/tagger-memory.XXXX)
trap 'stop_service; rm -rf "$RUN"' EXIT
python3 - "$G" "$EXAMPLES" > "$RUN/job.json" <<'PY'
import json, random, sys
g, n = sys.argv[1], int(sys.argv[2])
labels = [l.strip() for l in open(g + "/labels.txt")]
rows = [l.rstrip("\n").split("\t") for l in open(g + "/train.tsv")]
random.seed(1); random.shuffle(rows)
ex = [{"text": r[0], "labels": [labels[int(i)] for i in r[1].split(",")]} for r in rows[:n]]
print(json.dumps({"name": "memory", "training_data": {"examples": ex}, "validation_data": {"split": 0.2},
                  "parameters": {"train": "all", "epochs": 1, "batch_size": 16, "max_tokens": 64}}))
PY
start_service memory "$RUN/store"
PID=$SERVICE_PID
heap() { jcmd $PID GC.heap_info 2>/dev/null | awk '/garbage-first heap/{gsub("K,","",$4); gsub("K","",$6); printf "%d / %d", $6/1024, $4/1024}'; }
warm() { for _ in $(seq 1 20); do curl -s -o /dev/null -X POST $URL/classify -H 'Content-Type: application/json' \
  -d '{"texts":["Thank you so much!","This is awful, I hate it"]}'; done; }
warm; sleep 5
BEFORE=$(rss)
echo "| moment | RSS MB | peak RSS MB | heap used / committed MB |"
echo "| --- | ---: | ---: | ---: |"
echo "| idle, before any job | $BEFORE | | $(heap) |"
for n in 1 2; do
  ID=$(curl -s -X POST $URL/train-jobs -H 'Content-Type: application/json' --data-binary @"$RUN/job.json" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  peak=0
  while :; do
    st=$(curl -s $URL/train-jobs/$ID | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])')
    r=$(rss); (( r > peak )) && peak=$r
    [[ $st == SUCCEEDED || $st == FAILED || $st == CANCELLED ]] && break
    sleep 1
  done
  warm; sleep 5
  echo "| idle, after job $n ($st) | $(rss) | $peak | $(heap) |"
done
echo
echo "idle after the last job / before: $(python3 -c "print(round($(rss)/$BEFORE, 2))")x; $(date -u '+%Y-%m-%d %H:%M UTC');\
 $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg);\
 java -Xmx$HEAP${SERVICE_JAVA_OPTS[*]+ ${SERVICE_JAVA_OPTS[*]}} -jar $JAR"
