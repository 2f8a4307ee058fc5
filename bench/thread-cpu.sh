#!/usr/bin/env bash
# Where the CPU goes per /classify request: starts the service jar, drives it with the bench's closed-loop load
# client at one concurrency, and over a measured window after a warm-up reads every thread's CPU time from
# /proc/<pid>/task/*/stat (service and client), grouped by thread name (inference workers, Tomcat threads, JIT
# compilers, GC, the client's HTTP threads). CPU time, unlike latency, barely moves when another process shares the
# cores, so two variants compare even on a busy machine (run them alternately). One markdown table on stdout.
#
#   bench/thread-cpu.sh [--concurrency N] [--warmup S] [--seconds S] [--skip-build] [-- service args...]
#
# Needs the bench module built (./mvnw -q -Dmaven.test.skip=true package, or without --skip-build) and python3.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/bench/lib.sh"
CONCURRENCY=16; WARMUP=60; SECONDS_MEASURED=25; SKIP_BUILD=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --seconds) SECONDS_MEASURED="$2"; shift 2 ;;
    --skip-build) SKIP_BUILD=1; shift ;;
    --) shift; break ;;
    *) echo "usage: $0 [--concurrency N] [--warmup S] [--seconds S] [--skip-build] [-- service args...]" >&2; exit 2 ;;
  esac
done
[[ $SKIP_BUILD == 1 ]] || ./mvnw -B -ntp -q -Dmaven.test.skip=true package
JAR=$(ls service/target/tagger-*-exec.jar | head -1)
CP="bench/target/classes:$(cat bench/target/bench-classpath.txt)"
RUN="$ROOT/target/thread-cpu/run-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$RUN"
trap 'stop_service KILL 5 >/dev/null 2>&1 || true; kill "${CLIENT:-}" 2>/dev/null || true' EXIT
start_service cpu "$RUN/store" readiness "$@"

# thread name (numbers at the end dropped, so a pool is one row) and utime + stime in clock ticks
threads() {
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12 + $13}')"
  done
}
answered() {
  curl -s "$URL/actuator/prometheus" | awk '/^http_server_requests_seconds_count/ && /classify/ && /status="200"/ {s += $2} END {print s + 0}'
}

java -Xmx1g -Dai.djl.offline=true -Dlogback.configurationFile="$ROOT/bench/logback-bench.xml" -cp "$CP" \
  dev.tagger.bench.BenchCli load --dev "$ROOT/../shared/datasets/goemotions/dev.tsv" --sample 1 --url "$URL" \
  --pid "$SERVICE_PID" --levels "$CONCURRENCY" --warmup-seconds "$WARMUP" --seconds "$SECONDS_MEASURED" \
  --out "$RUN/load.json" >"$RUN/load.log" 2>&1 &
CLIENT=$!
# the client's 32-request check, its warm-up and the level's 1 s ramp-up come first
sleep $((WARMUP + 3))
threads "$SERVICE_PID" >"$RUN/service-0.tsv"; threads "$CLIENT" >"$RUN/client-0.tsv"; A0=$(answered)
sleep "$((SECONDS_MEASURED - 4))"
threads "$SERVICE_PID" >"$RUN/service-1.tsv"; threads "$CLIENT" >"$RUN/client-1.tsv"; A1=$(answered)
wait "$CLIENT" || true

python3 - "$RUN" "$A0" "$A1" "$((SECONDS_MEASURED - 4))" "$CONCURRENCY" "$(getconf CLK_TCK)" <<'PY'
import collections, re, sys
run, a0, a1, window, c, hz = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], float(sys.argv[6])
requests = a1 - a0
def load(path):
    out = collections.Counter()
    for line in open(path):
        name, _, ticks = line.rstrip("\n").rpartition("\t")
        if ticks.isdigit():
            out[re.sub(r"[-#]?\d+$", "", name.strip()) or "?"] += int(ticks)
    return out
print(f"Per-thread CPU at c={c}: {requests:.0f} requests answered 200 in {window:.0f} s ({requests / window:.1f}/s)\n")
print("| process | threads | CPU ms | ms per request |")
print("| --- | --- | ---: | ---: |")
for proc in ("service", "client"):
    before, after = load(f"{run}/{proc}-0.tsv"), load(f"{run}/{proc}-1.tsv")
    rows = sorted(((after[k] - before.get(k, 0)) * 1000 / hz, k) for k in after)[::-1]
    total = sum(ms for ms, _ in rows)
    for ms, name in rows:
        if ms > 0 and ms >= total * 0.01:
            print(f"| {proc} | {name} | {ms:.0f} | {ms / max(requests, 1):.3f} |")
    print(f"| {proc} | **all** | {total:.0f} | {total / max(requests, 1):.3f} |")
PY
echo
echo "- load client: $(grep -E "^\[bench\] c=$CONCURRENCY:" "$RUN/load.log" | sed 's/^\[bench\] //')"
echo "- logs: $RUN"
