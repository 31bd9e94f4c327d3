# One image for the whole platform: plc-simulator, preprocessor, db-interface, anomaly-detector,
# api-gateway and scadactl in /usr/local/bin. docker-compose.yml and k8s-manifests/ choose the command.
#
#   docker build -t ghcr.io/scada-platform/scada:0.1.0 .
#
# Not built on the development machines (no Docker engine there): scripts/check-manifests.sh lints this
# file with checkov and checks that every executable named here is a product in Package.swift.
#
# Ubuntu 24.04 (noble) on both stages: its librdkafka is 2.3.0. librdkafka before 2.2 cannot talk to
# brokers that send tagged fields (Debian 12's 2.0.2 fails with "ApiVersionRequest failed: Local: Read
# underflow"), see ../shared/INFRA.md, so a Debian 12 base is not usable.
#
# The build stage is Swift 6.3 (what the project is developed with), not 6.1: the resolved dependencies
# (hummingbird 2.28, swift-log 1.16, swift-metrics 2.13, swift-prometheus 2.4, swift-service-lifecycle
# 2.13, swift-collections 1.6, ...) declare swift-tools-version 6.2, which a 6.1 toolchain refuses.
ARG SWIFT_VERSION=6.3
ARG UBUNTU_VERSION=24.04

# ---------------------------------------------------------------------------------------------------
FROM swift:${SWIFT_VERSION}-noble AS build

RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update -q \
 && apt-get install -y -q --no-install-recommends \
        librdkafka-dev libmongoc-dev libbson-dev libmosquitto-dev libsqlite3-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Dependencies first, so a source change does not fetch them again. Package.resolved is optional
# (it is not committed); without it the newest versions allowed by Package.swift are resolved.
COPY Package.swift Package.resolved* ./
RUN swift package resolve

# Every target's folder must exist for the manifest to load, test targets and build plugins included.
COPY Sources ./Sources
COPY Tests ./Tests
COPY Plugins ./Plugins

# All products, release mode, Swift runtime and Foundation linked statically: the runtime image
# needs only the C libraries (and libcurl for FoundationNetworking, pulled in by curl).
RUN swift build -c release --static-swift-stdlib \
 && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
 && mkdir -p /out/bin \
 && for exe in plc-simulator preprocessor db-interface anomaly-detector api-gateway scadactl; do \
        install -m 0755 "$bin/$exe" /out/bin/ || exit 1; \
    done \
 && for bundle in "$bin"/*.resources; do \
        [ -d "$bundle" ] && cp -R "$bundle" /out/bin/ || true; \
    done

# ---------------------------------------------------------------------------------------------------
FROM ubuntu:${UBUNTU_VERSION} AS runtime

# Runtime libraries only. Noble renamed libmongoc/libbson in the 64-bit time_t transition
# (libmongoc-1.0-0t64, libbson-1.0-0t64); libmosquitto1 resolves to whichever package provides it.
# curl: the compose health checks, and libcurl for scadactl's FoundationNetworking.
RUN export DEBIAN_FRONTEND=noninteractive \
 && apt-get update -q \
 && apt-get install -y -q --no-install-recommends \
        librdkafka1 libmongoc-1.0-0t64 libbson-1.0-0t64 libmosquitto1 libsqlite3-0 \
        ca-certificates tzdata curl \
 && rm -rf /var/lib/apt/lists/*

# Non-root user with a fixed numeric id (Kubernetes runAsNonRoot can check it), and the
# plc-simulator's default state directory, owned by it (a named volume mounted there inherits that).
RUN groupadd --system --gid 10001 scada \
 && useradd --system --uid 10001 --gid scada --home-dir /var/lib/scada --create-home --shell /usr/sbin/nologin scada \
 && install -d -o scada -g scada -m 0750 /var/lib/plc-simulator

COPY --from=build /out/bin/ /usr/local/bin/

# Fail the image build, not the first start, if a shared library is missing.
RUN for exe in plc-simulator preprocessor db-interface anomaly-detector api-gateway scadactl; do \
        if ldd "/usr/local/bin/$exe" | grep -q 'not found'; then \
            echo "$exe: missing shared libraries:"; ldd "/usr/local/bin/$exe" | grep 'not found'; exit 1; \
        fi; \
    done

LABEL org.opencontainers.image.title="scada" \
      org.opencontainers.image.description="SCADA platform services: plc-simulator, preprocessor, db-interface, anomaly-detector, api-gateway, scadactl" \
      org.opencontainers.image.source="https://github.com/scada-platform/scada"

USER 10001:10001
WORKDIR /var/lib/scada
# Health/metrics ports (SCADA_HTTP_PORT defaults): api-gateway 8000, preprocessor 8081,
# db-interface 8082, anomaly-detector 8083, plc-simulator 8084.
EXPOSE 8000 8081 8082 8083 8084
# Ready = the service's /readyz answers 200 (its brokers are connected). Every service serves it on
# SCADA_HTTP_PORT, which compose sets per service; Kubernetes ignores this and uses its own probes.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${SCADA_HTTP_PORT:-8000}/readyz" || exit 1
# No ENTRYPOINT: compose and Kubernetes give the executable. Plain `docker run IMAGE` shows scadactl's help.
CMD ["/usr/local/bin/scadactl", "--help"]
