# runpod-autoscaler — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

SWIFT        ?= swift
VENV         := .venv
PYTHON       := $(VENV)/bin/python
SHARED_DIR   ?= $(abspath $(CURDIR)/../shared)
BINARY       := .build/debug/runpod-autoscaler
APT_PACKAGES := libgrpc-dev libprotobuf-dev libcurl4-openssl-dev protobuf-compiler openssl prometheus python3 python3-venv python3-pip chromium \
                openssh-server openssh-client iproute2 debootstrap g++ pkg-config libgrpc++-dev protobuf-compiler-grpc nghttp2-client
SUDO         := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export SHARED_DIR

.PHONY: load soak bench smoke config-reference alert-rules help deps deps-system deps-python build run test test-unit test-e2e generate lint format clean fuzz fuzz-build

help:
	@echo "make run       build and serve the example config (demand from examples/demand.json)"
	@echo "make test      unit and end-to-end tests (installs what they need)"
	@echo "make deps      install system packages and the Python test environment"
	@echo "make build     debug build"
	@echo "make generate  regenerate Sources/ScalerProtos from proto/"
	@echo "make lint      check formatting (swift format)"
	@echo "make alert-rules  regenerate manifests/monitoring/prometheusrule.yaml from its rules file"
	@echo "make fuzz      libFuzzer on every parser, FUZZ_SECONDS=60 each (FUZZ_TARGETS=... for some)"
	@echo "make load      the live load test: DURATION=300 wall seconds of a trace through real processes"
	@echo "make soak      the live fault soak: SECONDS=600 of faults, kills and demand jumps on two replicas [SEED=1]"
	@echo "make bench     side by side with a C++ grpc++ server: ratios, memory, streams, reconciler (release)"
	@echo "make smoke     check a running deployment: GRPC=host:9090 HTTP=host:8080"

## System packages, installed only when missing.
deps-system:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

## The Python test environment (grpcio and friends), rebuilt when requirements change.
$(VENV)/.installed: Tests/e2e/requirements.txt
	@command -v python3 >/dev/null || $(MAKE) deps-system
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r Tests/e2e/requirements.txt
	touch $@

deps-python: $(VENV)/.installed

deps: deps-system deps-python

build: deps-system
	$(SWIFT) build

run: build
	@mkdir -p run && [ -f run/demand.json ] || cp examples/demand.json run/demand.json
	@echo "Serving examples/config.yaml; edit run/demand.json to change the demand."
	$(BINARY) serve --config examples/config.yaml

test: deps build lint test-unit test-e2e

test-unit:
	$(SWIFT) test

# The fuzz targets are run over their corpora too (Tests/e2e/test_fuzz.py).
test-e2e: deps-python fuzz-build
	RPA_BINARY=$(abspath $(BINARY)) RPA_KUBE_REQUEST_LOG=$(abspath .build)/kube-requests.jsonl \
	  RPA_FUZZ_BIN_DIR=$(abspath $(FUZZ_BIN_DIR)) $(VENV)/bin/pytest -q Tests/e2e

## libFuzzer targets (Fuzz/): the parsers built with -sanitize=fuzzer,address in their own scratch path, so the
## normal build is untouched. `make fuzz` runs each for FUZZ_SECONDS and fails on any crash, trap or leak;
## make test runs each over its corpus for a few seconds (Tests/e2e/test_fuzz.py).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(notdir $(filter-out %/FuzzSupport,$(wildcard Fuzz/Sources/Fuzz*)))
FUZZ_SCRATCH := .build-fuzz
FUZZ_BIN_DIR := $(FUZZ_SCRATCH)/debug
fuzz-build: deps-system
	$(SWIFT) build --package-path Fuzz --scratch-path $(abspath $(FUZZ_SCRATCH)) \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld

fuzz: fuzz-build
	scripts/fuzz.sh $(FUZZ_BIN_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

## Side by side with a C++ grpc++ async reference server (bench/): throughput, p50/p99, CPU per call and
## memory as ratios at 1x1, 4x16 and 8x64 with h2load and a grpc++ load client, then cold start, 10,000
## StreamIsActive streams, 1,000 pools against 1 and the reconciler's CPU per pass. The release binary as the
## image builds it (static Swift runtime, in .build-static so the dynamic release build in .build stays);
## the raw figures go to bench/results/latest.json. BENCH_QUICK=1: a one-second-per-run smoke version.
BENCH_BINARY = .build-static/release/runpod-autoscaler
bench: deps
	$(SWIFT) build -c release --product runpod-autoscaler --static-swift-stdlib --scratch-path .build-static
	bench/reference-server/build.sh .build-bench/release
	$(PYTHON) bench/bench.py --binary $(BENCH_BINARY) --tools .build-bench/release
	@echo "simulator: the month-long reference trace, six strategies, one core:"
	@$(BENCH_BINARY) simulate --trace examples/traces/diurnal-month.csv \
	  --config examples/simulate.yaml --seed 1 | head -1

## The live load test (scripts/load_test.py): the emulator, a synthetic queue exporter, Prometheus and
## serve on loopback; a trace slice replayed in DURATION wall seconds, its totals checked against simulate.
## FROM/TO slice the trace (HH:MM of trace time; empty: the whole trace).
DURATION ?= 300
TRACE    ?= examples/traces/flash-crowd.csv
FROM     ?= 12:00
TO       ?= 18:00
load: deps build
	$(PYTHON) scripts/load_test.py --binary $(BINARY) --trace $(TRACE) --duration $(DURATION) \
	  $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO))

## The live fault soak (scripts/soak.py, docs/RELIABILITY.md): the emulator, the Kubernetes stand-in and two
## serve replicas with leader election; SECONDS wall seconds of emulator faults, lease partitions, SIGKILL/SIGTERM
## and demand jumps; the caps at every sample, zero pods after demand zero, one mutating replica at a time.
SECONDS ?= 600
SEED    ?= 1
soak: deps build
	$(PYTHON) scripts/soak.py --binary $(BINARY) --seconds $(SECONDS) --seed $(SEED)

## Smoke check of a running deployment: make smoke GRPC=host:9090 HTTP=host:8080 [POOL=burst NAMESPACE=media]
## [KUBE=kubeconfig [KUBE_CONTEXT=name]]: also the cluster's GPU nodes (local or RunPod)
GRPC ?= 127.0.0.1:9090
HTTP ?= 127.0.0.1:8080
POOL ?= burst
NAMESPACE ?= media
smoke: deps-python
	$(VENV)/bin/python scripts/smoke.py --grpc $(GRPC) --http $(HTTP) --pool $(POOL) --namespace $(NAMESPACE) \
	  $(if $(KUBE),--kubeconfig $(KUBE)) $(if $(KUBE_CONTEXT),--context $(KUBE_CONTEXT))

## Regenerate the protobuf code (protoc-gen-swift built from the pinned swift-protobuf).
generate: deps-system
	$(SWIFT) build -c release --product protoc-gen-swift
	scripts/generate.sh "$$($(SWIFT) build -c release --show-bin-path)/protoc-gen-swift"

# Generated code (Sources/ScalerProtos) is left as protoc-gen-swift wrote it.
FORMAT_PATHS := Package.swift $(filter-out Sources/ScalerProtos Sources/CGRPCShim Sources/CCurlShim,$(wildcard Sources/*)) $(wildcard Tests/*Tests) Tests/TestSupport Fuzz/Package.swift Fuzz/Sources

lint:
	$(SWIFT) format lint --strict --recursive --configuration .swift-format $(FORMAT_PATHS)

format:
	$(SWIFT) format format --in-place --recursive --configuration .swift-format $(FORMAT_PATHS)

clean:
	rm -rf .build .build-image .build-image-context .build-rootfs $(FUZZ_SCRATCH) $(VENV) run

## Rewrite manifests/monitoring/prometheusrule.yaml from the plain rules file next to it.
alert-rules:
	python3 scripts/update-prometheus-rule.py

## Rewrite the settings tables of README.md and docs/CONFIG.md from the code.
config-reference: build
	python3 scripts/update-config-reference.py $(BINARY)
	python3 scripts/update-config-doc.py $(BINARY)
