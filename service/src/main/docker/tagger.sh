#!/bin/sh
# Tagger start script: the one way to start the service, in the container image, in CI and locally.
#
#   tagger.sh [--warmup] [spring-boot-args...]
#
#   (no flag)  start the service; any further arguments go to Spring Boot (e.g. --server.port=9090)
#   --warmup   start only the PyTorch engine and the tokenizer, print what was loaded and exit 0. This
#              extracts their native libraries into ENGINE_CACHE_DIR; the image build runs it so that a
#              container never extracts or downloads anything and can run with a read-only root file system.
#
# Where the application comes from (first match wins):
#   TAGGER_APP_DIR  a layered extraction (java -Djarmode=tools -jar app.jar extract --layers --launcher,
#                   all layers copied into one directory): started with Spring Boot's JarLauncher. The image
#                   sets it to /opt/tagger/app. Also used when <script dir>/../app holds such an extraction.
#   TAGGER_JAR      an executable jar: started with java -jar. Locally it defaults to
#                   target/tagger-*-exec.jar of the service module this script lives in
#                   (run ./mvnw -DskipTests package in the repository root).
#
# Environment:
#   JAVA             java binary (default: $JAVA_HOME/bin/java, else java on PATH)
#   JAVA_OPTS        extra JVM options, appended after the defaults below (so they win; a -XX:+Use...GC there
#                    replaces the serial collector chosen on machines with one or two CPUs)
#   TAGGER_HEAP_PERCENT  heap as a percentage of the memory limit (default 50: tensors live off-heap,
#                    in PyTorch's native memory, so the heap must leave room for them)
#   ENGINE_CACHE_DIR where DJL keeps the PyTorch and tokenizer native libraries (default ~/.djl.ai)
#   PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR  use an installed libtorch instead of the CPU natives
#                    in the jar (the CUDA image sets them through <script dir>/../libtorch/libtorch.env)
#   Everything under tagger.* can be set as environment variables (TAGGER_DEVICE=cpu, TAGGER_WORKERS=2, ...).
set -eu

mode=run
case "${1:-}" in
    --warmup)
        mode=warmup
        shift
        ;;
    -h | --help)
        sed -n '2,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
esac

script_dir=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd -P)

# --- Never call home: no telemetry, no hub, no native-library download (DJL reads all three). ---------------
export OPT_OUT_TRACKING=true
export DJL_OFFLINE=true
export ENGINE_CACHE_DIR="${ENGINE_CACHE_DIR:-${HOME:-/tmp}/.djl.ai}"

# An installed libtorch (the CUDA image): <script dir>/../libtorch/libtorch.env, written by the image build, sets
# PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR and LD_LIBRARY_PATH. A PYTORCH_LIBRARY_PATH already in the
# environment wins (and the file is not read).
libtorch_env=$script_dir/../libtorch/libtorch.env
if [ -z "${PYTORCH_LIBRARY_PATH:-}" ] && [ -f "$libtorch_env" ]; then
    set -a
    # shellcheck disable=SC1090
    . "$libtorch_env"
    set +a
fi

# DJL's tokenizer loader looks for its library under a per-GPU-architecture subfolder of the engine cache when
# a GPU is visible, and would try to write it there at start (impossible on a read-only file system). Naming
# the already extracted library directly makes the cache the same on every node. Only when exactly one is there.
if [ -z "${RUST_LIBRARY_PATH:-}" ]; then
    found=''
    count=0
    for lib in "$ENGINE_CACHE_DIR"/tokenizers/*/libtokenizers.so; do
        if [ -f "$lib" ]; then
            found=$lib
            count=$((count + 1))
        fi
    done
    if [ "$count" -eq 1 ]; then
        export RUST_LIBRARY_PATH="$found"
    fi
fi

# --- JVM ---------------------------------------------------------------------------------------------------
if [ -n "${JAVA:-}" ]; then
    java_cmd=$JAVA
elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    java_cmd=$JAVA_HOME/bin/java
else
    java_cmd=java
fi

# Container-aware memory (the JVM reads the cgroup limit), fail fast on OOM so the orchestrator restarts us,
# temp files in $TMPDIR (an emptyDir / tmpfs when the root file system is read-only).
jvm_defaults="-XX:MaxRAMPercentage=${TAGGER_HEAP_PERCENT:-50} -XX:InitialRAMPercentage=${TAGGER_HEAP_PERCENT_INITIAL:-10}"
jvm_defaults="$jvm_defaults -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=${TMPDIR:-/tmp} -Dfile.encoding=UTF-8"
jvm_defaults="$jvm_defaults -Dai.djl.offline=true"

# Two glibc malloc arenas instead of up to 8 per core: every Tomcat thread that tokenizes (native code) would get an
# arena of its own, and their free pages stay resident. Peak RSS at 64 concurrent clients went from 1.27-1.40 GB to
# 1.10 GB (docs/benchmark.md). A value already in the environment wins.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

# The serial collector on one or two CPUs (the JVM picks it itself only on one): there G1's concurrent threads take
# CPU from the inference workers and its footprint grows the heap's resident pages under load. On a 2-vCPU EPYC at
# 64 clients, peak RSS 1.07-1.09 GB against 1.17-1.37 GB with G1, throughput within the spread (docs/benchmark.md).
# A collector named in JAVA_OPTS wins.
case " ${JAVA_OPTS:-} " in
    *" -XX:+Use"*"GC "*) ;;
    *)
        if [ "$(nproc 2>/dev/null || echo 4)" -le 2 ]; then
            jvm_defaults="$jvm_defaults -XX:+UseSerialGC"
        fi
        ;;
esac

# --- Which application ---------------------------------------------------------------------------------------
app_dir=''
if [ -n "${TAGGER_APP_DIR:-}" ]; then
    app_dir=$TAGGER_APP_DIR
elif [ -z "${TAGGER_JAR:-}" ] && [ -f "$script_dir/../app/org/springframework/boot/loader/launch/JarLauncher.class" ]; then
    app_dir=$script_dir/../app
fi

if [ -n "$app_dir" ]; then
    if [ ! -f "$app_dir/org/springframework/boot/loader/launch/JarLauncher.class" ]; then
        echo "tagger.sh: $app_dir is not a layered extraction with the launcher (no JarLauncher.class)" >&2
        exit 2
    fi
    classpath=$app_dir
else
    jar=${TAGGER_JAR:-}
    if [ -z "$jar" ]; then
        # src/main/docker -> the service module
        module_dir=$(CDPATH='' cd -- "$script_dir/../../.." && pwd -P)
        for candidate in "$module_dir"/target/tagger-*-exec.jar; do
            if [ -f "$candidate" ]; then
                jar=$candidate
            fi
        done
    fi
    if [ -z "$jar" ] || [ ! -f "$jar" ]; then
        echo "tagger.sh: no application found: set TAGGER_APP_DIR or TAGGER_JAR, or run ./mvnw -DskipTests package" >&2
        exit 2
    fi
    classpath=$jar
fi

# JAVA_OPTS is a list of options: split on spaces on purpose.
# shellcheck disable=SC2086
if [ "$mode" = warmup ]; then
    # PropertiesLauncher runs another main class with the same nested class path (jar or extraction).
    exec "$java_cmd" $jvm_defaults ${JAVA_OPTS:-} -Dloader.main=dev.tagger.tools.EngineWarmup \
        -cp "$classpath" org.springframework.boot.loader.launch.PropertiesLauncher
elif [ -n "$app_dir" ]; then
    exec "$java_cmd" $jvm_defaults ${JAVA_OPTS:-} -cp "$classpath" org.springframework.boot.loader.launch.JarLauncher "$@"
else
    exec "$java_cmd" $jvm_defaults ${JAVA_OPTS:-} -jar "$classpath" "$@"
fi
