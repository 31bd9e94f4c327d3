# Two set-up commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
ROOT := $(CURDIR)
VENV := $(ROOT)/.venv
export SCADA_VENV := $(VENV)
# librdkafka >= 2.2 at run time (Debian 12 ships 2.0.2; see ../shared/INFRA.md).
export LD_LIBRARY_PATH := $(VENV)/rdkafka$(if $(LD_LIBRARY_PATH),:$(LD_LIBRARY_PATH))
SWIFT_BUILD_FLAGS ?=
TEST_FILTER ?=

.PHONY: setup build release run test test-unit bench chaos manifests clean

setup:
	@bash scripts/setup.sh

build: setup
	@swift build $(SWIFT_BUILD_FLAGS)

release: setup
	@swift build -c release $(SWIFT_BUILD_FLAGS)

## Runs the whole pipeline locally: mosquitto, tansu, nx-27017 and every service. Ctrl-C stops all.
run: setup
	@swift build -c release $(SWIFT_BUILD_FLAGS) 2>&1 | grep -E 'error|warning: unre|Compiling|Build complete' | grep -v '^\[' || true
	@bash scripts/run-local.sh "$$(swift build -c release --show-bin-path)"

## Runs every test: unit tests and integration tests against real servers.
test: setup
	@bash scripts/test.sh $(TEST_FILTER)

## Unit tests only (Tests/*/Unit/): pure logic, no server started (any attempt fails the test). Needs only the
## Swift toolchain and the C libraries' headers, not the venv.
test-unit: setup
	@bash scripts/test-unit.sh

## Benchmarks: figures printed as medians of several runs next to a same-run baseline.
bench: setup
	@swift build -c release $(SWIFT_BUILD_FLAGS)
	@bash scripts/bench.sh "$$(swift build -c release --show-bin-path)"

## Fault scenarios against the real local pipeline, with exact accounting (docs/CHAOS.md). Uses the debug build;
## BIN_DIR=/path/to/bin overrides it, CHAOS_ARGS passes options (e.g. --only kill9-preprocessor, --fast, --strict).
BIN_DIR ?=
CHAOS_ARGS ?=
chaos: setup
	@bin="$(BIN_DIR)"; if [ -z "$$bin" ]; then swift build $(SWIFT_BUILD_FLAGS) 2>&1 | grep -E 'error|warning: unre' || true; \
	  bin="$$(swift build --show-bin-path)"; fi; \
	  bash scripts/chaos/run.sh "$$bin" $(CHAOS_ARGS)

## Validates the deployment files (no cluster or Docker engine needed; also part of `make test`) and writes
## the base's rendering to deploy/rendered.yaml (generated, not committed) for `kubectl apply -f`.
manifests: setup
	@swift build $(SWIFT_BUILD_FLAGS) 2>&1 | grep -E 'error|warning: unre' || true
	@mkdir -p deploy
	@bash scripts/check-manifests.sh --write-rendered deploy/rendered.yaml

clean:
	@rm -rf .build .run
