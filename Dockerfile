# syntax=docker/dockerfile:1
#
# runpod-autoscaler: build on the official Swift image, run on debian:bookworm-slim.
#
#   docker build -t ghcr.io/gpuburst/runpod-autoscaler:0.1.0 \
#     --build-arg VERSION=0.1.0 --build-arg REVISION="$(git rev-parse HEAD)" \
#     --build-arg SOURCE=https://github.com/<org>/runpod-autoscaler .
#
# The Swift runtime and Foundation are linked statically (--static-swift-stdlib), so
# the runtime stage needs only the C libraries the binary links: libgrpc29 (the gRPC C
# core, with libgpr.so.29), libcurl4, and what bookworm-slim already has (libc6,
# libstdc++6, libgcc-s1, ...). libprotobuf is not linked: swift-protobuf is pure Swift
# (apt still installs libprotobuf32 because libgrpc29 depends on it).
# Tests/e2e/test_image_rootfs.py builds this runtime stage's root filesystem without a
# container engine (debootstrap of bookworm minbase, then the RUN below in a chroot),
# copies in a binary built with the same `swift build` command, and runs it there as
# 65532: `version`, then `serve` with a mounted config, answering health and GetMetrics.

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# --------------------------------------------------------------------------- build
FROM ${SWIFT_IMAGE} AS build

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc-dev libprotobuf-dev libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Dependencies first, so a source change does not fetch them again. Package.resolved is
# used when present (it pins the versions); the glob lets the build work without it.
COPY Package.* ./
RUN swift package resolve $([ -f Package.resolved ] && echo --force-resolved-versions || true)

# SwiftPM checks every target's directory, test targets included, so Tests/ is copied
# too (.dockerignore leaves out Tests/e2e, which is no target).
COPY Sources ./Sources
COPY Tests ./Tests

# Release build as in Tests/e2e/image_support.py. Then: drop the DWARF (about
# 30 MB) but keep the symbols, so crash backtraces name functions; copy the Swift
# runtime's crash backtracer (Swift linked in statically; it needs only libc6,
# libstdc++6 and libgcc-s1, which bookworm-slim has).
RUN swift build -c release --product runpod-autoscaler --static-swift-stdlib \
 && mkdir -p /staging \
 && cp "$(swift build -c release --product runpod-autoscaler --static-swift-stdlib --show-bin-path)/runpod-autoscaler" \
      /staging/runpod-autoscaler \
 && strip --strip-debug /staging/runpod-autoscaler \
 && cp /usr/libexec/swift/linux/swift-backtrace-static /staging/swift-backtrace-static \
 && /staging/runpod-autoscaler version

# --------------------------------------------------------------------------- runtime
FROM ${RUNTIME_IMAGE} AS runtime

ARG VERSION=0.1.0
ARG REVISION=unknown
# The repository URL, e.g. --build-arg SOURCE=https://github.com/<org>/runpod-autoscaler
ARG SOURCE=""

LABEL org.opencontainers.image.title="runpod-autoscaler" \
      org.opencontainers.image.description="KEDA external scaler and reconciler for RunPod GPU burst capacity beyond local A100s" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"

# Runtime libraries only: no compiler, no -dev package, no Swift toolchain.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libcurl4 libgrpc29 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 65532 runpod-autoscaler \
 && useradd --system --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin runpod-autoscaler \
 && mkdir -p /etc/runpod-autoscaler

COPY --from=build /staging/runpod-autoscaler /usr/local/bin/runpod-autoscaler
COPY --from=build /staging/swift-backtrace-static /usr/local/libexec/swift-backtrace-static

# On a crash the Swift runtime prints every thread's backtrace (function names; the DWARF
# line tables are stripped) to stderr before the process dies.
ENV SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/libexec/swift-backtrace-static

# gRPC (KEDA) and HTTP (/metrics, /healthz, /readyz).
EXPOSE 9090 8080

USER 65532:65532

# The config file is mounted here (manifests/configmap.yaml); the RunPod API key comes
# from $RUNPOD_API_KEY (Secret runpod-secrets). PID 1 is the binary itself: it handles
# SIGTERM (drains gRPC calls, releases the Lease) without an init process.
ENTRYPOINT ["/usr/local/bin/runpod-autoscaler"]
CMD ["serve", "--config", "/etc/runpod-autoscaler/config.yaml"]
