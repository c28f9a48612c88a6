# sandbox: two-command set-up. Every target installs what is missing first (apt-get, only when absent).
SWIFT ?= swift
RELEASE_BIN := .build/release/sandbox

.PHONY: demo test bench build deps clean

deps:
	@scripts/install-deps.sh build

build: deps
	$(SWIFT) build -c release

# Lands the lander with its heuristic controller and writes a clip, a contact sheet, a replay record
# and a side-by-side pair clip under runs/demo/.
demo:
	@scripts/install-deps.sh demo
	$(SWIFT) build -c release
	@mkdir -p runs/demo
	$(RELEASE_BIN) rollout --task LunarLanderContinuous-v1 --policy heuristic --seed 0 \
		--clip runs/demo/lander.gif --sheet runs/demo/lander-sheet.png --record runs/demo/lander.json
	$(RELEASE_BIN) rollout --task LunarLanderContinuous-v1 --policy random --seed 1 --record runs/demo/lander-random.json
	$(RELEASE_BIN) replay runs/demo/lander.json
	$(RELEASE_BIN) pair runs/demo/lander.json runs/demo/lander-random.json --clip runs/demo/pair.gif --length 150
	@echo "demo: results are in runs/demo/"

test:
	@scripts/install-deps.sh test
	$(SWIFT) build --build-tests
	$(SWIFT) test

bench:
	@scripts/install-deps.sh bench
	$(SWIFT) build -c release
	bench/run.sh

clean:
	rm -rf .build runs bench/out
