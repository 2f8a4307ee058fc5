# syntax=docker/dockerfile:1
#
# Tagger container image. Needs BuildKit (the default builder since Docker 23) for RUN --mount, or buildah/podman
# (there, add --format docker, or the OCI image format drops the HEALTHCHECK).
#
#   docker build -t tagger:0.1.0-cpu .                             # CPU flavour (default)
#   docker build -t tagger:0.1.0-cuda --build-arg FLAVOR=cuda .    # CUDA flavour
#   docker run --read-only --tmpfs /tmp -v tagger-data:/var/lib/tagger -p 8080:8080 \
#       -e TAGGER_SECURITY_ADMIN_KEYS="$(openssl rand -hex 32)" tagger:0.1.0-cpu
#
# Without an API key the service listens on loopback only (protected mode, docs/security.md), which -p cannot
# reach from outside the container. Set keys as above, or, for a trusted machine only,
# -e TAGGER_SECURITY_ALLOWOPENNETWORK=true to serve without keys.
#
# Network is needed at BUILD time only (base images, Maven Central for the build, and for FLAVOR=cuda the
# PyTorch wheel index). The image itself never downloads anything: the PyTorch and tokenizer native libraries
# are extracted into /opt/tagger/engine-cache while the image is built (tagger.sh --warmup), and DJL runs
# offline, so a container starts with no network and with a read-only root file system. It writes only to
# /var/lib/tagger (tagger.store.dir: models, jobs, datasets) and /tmp.
#
# Flavours (build arg FLAVOR):
#   cpu   PyTorch 2.7.1 CPU natives from the pytorch-native-cpu jar inside the application (Maven Central).
#   cuda  DJL 0.36 publishes no CUDA native jar for PyTorch 2.7.1 on Maven Central, so this flavour installs
#         the official torch==2.7.1 wheel for CUDA (python3 + pip, in a separate stage: python is not in the
#         final image), keeps torch/lib and the nvidia/* CUDA libraries it depends on under
#         /opt/tagger/libtorch, and points DJL at them with PYTORCH_LIBRARY_PATH, PYTORCH_VERSION and
#         PYTORCH_FLAVOR (written to /opt/tagger/libtorch/libtorch.env, which tagger.sh reads, so the build-time
#         warm-up and the container use the same settings). The CUDA build defaults to cu128:
#         DJL's JNI bridge for 2.7.1 exists in the pytorch-jni jar only for cpu and cu128, any other flavour
#         (cu126, cu118) would make DJL download its JNI at run time, which an offline container cannot do.
#         Run it with the NVIDIA container toolkit (docker run --gpus all ...) on a driver that supports
#         CUDA 12.8 (>= 570); the driver (libcuda) comes from the host, everything else is in the image.
#
# Build args: FLAVOR, JDK_IMAGE, JRE_IMAGE, TORCH_VERSION, CUDA_FLAVOR, TORCH_INDEX_URL, and the label values
# VERSION, REVISION, CREATED.

ARG FLAVOR=cpu
ARG JDK_IMAGE=docker.io/library/eclipse-temurin:17-jdk
ARG JRE_IMAGE=docker.io/library/eclipse-temurin:17-jre

# ---------------------------------------------------------------------------------------------------------------
# build: compile and package with the Maven wrapper, then split the Boot jar into layers (Spring Boot 4 tools).
# ---------------------------------------------------------------------------------------------------------------
FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
# The reactor needs every module's pom; only the service is built (-pl service), so bench/ brings no sources.
COPY service/pom.xml service/
COPY bench/pom.xml bench/
COPY service/src/main/ service/src/main/
RUN --mount=type=cache,id=tagger-m2,target=/root/.m2 \
    ./mvnw -B -DskipTests -pl service package \
    && java -Djarmode=tools -jar service/target/tagger-*-exec.jar extract --layers --launcher --destination /layers \
    && ls /layers

# ---------------------------------------------------------------------------------------------------------------
# torch: for FLAVOR=cuda, python3 + pip install of the official PyTorch CUDA wheel (network at build time only);
# only its shared libraries are kept, in their relative layout (torch/lib finds nvidia/*/lib through RPATH), plus
# libtorch.env, which tagger.sh reads to point DJL at them. For FLAVOR=cpu, an empty directory. (No stage is
# chosen by a variable "FROM": buildah/podman before 1.30 cannot resolve such stage names.)
# ---------------------------------------------------------------------------------------------------------------
FROM ${JRE_IMAGE} AS torch
ARG FLAVOR
ARG TORCH_VERSION=2.7.1
ARG CUDA_FLAVOR=cu128
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/${CUDA_FLAVOR}
RUN set -eux; \
    mkdir -p /opt/tagger/libtorch; \
    case "${FLAVOR}" in \
        cpu) exit 0 ;; \
        cuda) ;; \
        *) echo "FLAVOR must be cpu or cuda, not '${FLAVOR}'" >&2; exit 1 ;; \
    esac; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-venv; \
    rm -rf /var/lib/apt/lists/*; \
    python3 -m venv /opt/venv; \
    /opt/venv/bin/pip install --no-cache-dir --index-url "${TORCH_INDEX_URL}" "torch==${TORCH_VERSION}"; \
    site=$(/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'); \
    dest=/opt/tagger/libtorch; \
    mkdir -p "$dest/torch"; \
    cp -a "$site/torch/lib" "$dest/torch/lib"; \
    cp -a "$site/nvidia" "$dest/nvidia"; \
    if [ -d "$site/cusparselt" ]; then cp -a "$site/cusparselt" "$dest/cusparselt"; fi; \
    find "$dest" -name '__pycache__' -prune -exec rm -rf {} +; \
    find "$dest" -name '*.py' -delete; \
    find "$dest" -type d -name include -prune -exec rm -rf {} +; \
    ln -sf libcudart.so.12 "$dest/nvidia/cuda_runtime/lib/libcudart.so"; \
    missing=$(ldd "$dest/torch/lib/libtorch_cuda.so" | grep 'not found' | grep -v 'libcuda\.so' || true); \
    if [ -n "$missing" ]; then echo "unresolved libraries: $missing" >&2; exit 1; fi; \
    { \
        echo "# Written by the image build: DJL loads this libtorch instead of the CPU natives in the jar."; \
        echo "PYTORCH_LIBRARY_PATH=$dest/torch/lib"; \
        echo "PYTORCH_VERSION=${TORCH_VERSION}"; \
        echo "PYTORCH_FLAVOR=${CUDA_FLAVOR}"; \
        echo "# DJL counts GPUs through libcudart (JNA), which must be findable by name."; \
        echo "LD_LIBRARY_PATH=$dest/nvidia/cuda_runtime/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"; \
    } > "$dest/libtorch.env"; \
    cat "$dest/libtorch.env"

# ---------------------------------------------------------------------------------------------------------------
# base: the JRE, curl for the HEALTHCHECK, the unprivileged user (uid/gid 10001), the fixed paths, the libtorch.
# ---------------------------------------------------------------------------------------------------------------
FROM ${JRE_IMAGE} AS base
RUN set -eux; \
    if ! command -v curl >/dev/null 2>&1; then \
        apt-get update; \
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl ca-certificates; \
        rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --system --gid 10001 tagger; \
    useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/tagger --no-create-home \
        --shell /usr/sbin/nologin tagger; \
    mkdir -p /opt/tagger/bin /opt/tagger/app /opt/tagger/engine-cache /var/lib/tagger; \
    chown 10001:10001 /var/lib/tagger; \
    chmod 0750 /var/lib/tagger
COPY --from=torch /opt/tagger/libtorch/ /opt/tagger/libtorch/
ENV TAGGER_APP_DIR=/opt/tagger/app \
    ENGINE_CACHE_DIR=/opt/tagger/engine-cache \
    TAGGER_STORE_DIR=/var/lib/tagger \
    HOME=/var/lib/tagger \
    TMPDIR=/tmp \
    OPT_OUT_TRACKING=true \
    DJL_OFFLINE=true

# ---------------------------------------------------------------------------------------------------------------
# warm: start the engine once so that its native libraries are extracted into ENGINE_CACHE_DIR. A stage of its
# own so that the final image gets the cache as a layer below the application (unchanged by code changes).
# ---------------------------------------------------------------------------------------------------------------
FROM base AS warm
COPY --from=build /layers/dependencies/ /opt/tagger/app/
COPY --from=build /layers/spring-boot-loader/ /opt/tagger/app/
COPY --from=build /layers/snapshot-dependencies/ /opt/tagger/app/
COPY --from=build /layers/application/ /opt/tagger/app/
COPY --chmod=0755 service/src/main/docker/tagger.sh /opt/tagger/bin/tagger.sh
RUN /opt/tagger/bin/tagger.sh --warmup && chmod -R a+rX,go-w /opt/tagger/engine-cache

# ---------------------------------------------------------------------------------------------------------------
# runtime
# ---------------------------------------------------------------------------------------------------------------
FROM base AS runtime
ARG FLAVOR
ARG JRE_IMAGE
ARG VERSION=0.1.0-SNAPSHOT
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="tagger" \
      org.opencontainers.image.description="Multi-label text tagging service (BERT encoder on DJL/PyTorch, sigmoid head), ${FLAVOR} flavour" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.vendor="dev.tagger" \
      org.opencontainers.image.base.name="${JRE_IMAGE}" \
      dev.tagger.flavor="${FLAVOR}"

# Layers from the least to the most often changed: natives, dependencies, loader, start script, application.
COPY --from=warm /opt/tagger/engine-cache/ /opt/tagger/engine-cache/
COPY --from=build /layers/dependencies/ /opt/tagger/app/
COPY --from=build /layers/spring-boot-loader/ /opt/tagger/app/
COPY --from=build /layers/snapshot-dependencies/ /opt/tagger/app/
COPY --chmod=0755 service/src/main/docker/tagger.sh /opt/tagger/bin/tagger.sh
COPY --from=build /layers/application/ /opt/tagger/app/

# Management port: the same as the HTTP port unless MANAGEMENT_SERVER_PORT is set (the Helm chart uses 8081).
# Explicit default: no keys means loopback only (the HEALTHCHECK below still reaches 127.0.0.1).
ENV MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED=true \
    TAGGER_SECURITY_ALLOWOPENNETWORK=false \
    JAVA_OPTS=""

USER 10001:10001
# Proves at build time that the unprivileged user starts the engine from the cache without writing anything.
RUN /opt/tagger/bin/tagger.sh --warmup

VOLUME ["/var/lib/tagger"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=90s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${MANAGEMENT_SERVER_PORT:-${SERVER_PORT:-8080}}/actuator/health/readiness" || exit 1
ENTRYPOINT ["/opt/tagger/bin/tagger.sh"]
