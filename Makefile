# sandbox: two-command set-up. Every target installs what is missing first (apt-get, only when absent).
SWIFT ?= swift
RELEASE_BIN := .build/release/sandbox

.PHONY: demo test bench fuzz build deps clean

deps:
	@scripts/install-deps.sh build

build: deps
	$(SWIFT) build -c release --product sandbox

# The main job on built-in defaults, with simulated teachers and no display (scripts/demo.sh): the
# lander's heuristic clip, PrefPPO with query clips, HERON, the regret study, RAPL (when built), QDHF on
# the arm and the lander, an archive export, then a summary table and runs/demo/index.html.
demo:
	@scripts/install-deps.sh demo
	$(SWIFT) build -c release --product sandbox
	scripts/demo.sh $(RELEASE_BIN)

test:
	@scripts/install-deps.sh test
	$(SWIFT) build --build-tests
	$(SWIFT) test

bench:
	@scripts/install-deps.sh bench
	$(SWIFT) build -c release --product sandbox
	bench/run.sh

# Fuzzes every parser of outside data with libFuzzer (issue 23) for FUZZ_SECONDS each and prints the
# inputs each ran; a crashing input lands in fuzz/crashes/. (`make test` runs the same targets briefly.)
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/install-deps.sh build
	scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build runs bench/out
