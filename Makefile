# sandbox: two-command set-up. Every target installs what is missing first (apt-get, only when absent).
SWIFT ?= swift
RELEASE_BIN := .build/release/sandbox

.PHONY: demo test bench fuzz build deps clean

deps:
	@scripts/install-deps.sh build

build: deps
	$(SWIFT) build -c release

# Lands the lander with its heuristic controller (clip, contact sheet, replay record, A|B pair clip),
# trains PPO on it (1M steps, about half a minute) and evaluates it, and runs the offline preference pipeline
# (queries, an oracle teacher, a fitted reward model), all under runs/demo/.
demo:
	@scripts/install-deps.sh demo
	$(SWIFT) build -c release
	@mkdir -p runs/demo
	$(RELEASE_BIN) rollout --task LunarLanderContinuous-v1 --policy heuristic --seed 0 \
		--clip runs/demo/lander.gif --sheet runs/demo/lander-sheet.png --record runs/demo/lander.json
	$(RELEASE_BIN) rollout --task LunarLanderContinuous-v1 --policy random --seed 1 --record runs/demo/lander-random.json
	$(RELEASE_BIN) replay runs/demo/lander.json
	$(RELEASE_BIN) pair runs/demo/lander.json runs/demo/lander-random.json --clip runs/demo/pair.gif --length 150
	$(RELEASE_BIN) train --task LunarLanderContinuous-v1 --algo ppo --steps 1000000 --seed 1 --out runs/demo/training
	$(RELEASE_BIN) rollout --policy "$$(ls -d runs/demo/training/*/ | tail -1)" --clip runs/demo/ppo-lander.gif
	rm -f runs/demo/labels.db runs/demo/labels.db-wal runs/demo/labels.db-shm
	$(RELEASE_BIN) queries make --store runs/demo/labels.db --task LunarLanderContinuous-v1 --policy heuristic --episodes 10 --pairs 150
	$(RELEASE_BIN) queries answer --store runs/demo/labels.db --teacher oracle | tail -1
	$(RELEASE_BIN) fit-reward --store runs/demo/labels.db --task LunarLanderContinuous-v1 --hidden 64,64 --epochs 30 --out runs/demo/reward.safetensors
	@echo "demo: results are in runs/demo/"

test:
	@scripts/install-deps.sh test
	$(SWIFT) build --build-tests
	$(SWIFT) test

bench:
	@scripts/install-deps.sh bench
	$(SWIFT) build -c release
	bench/run.sh

# Fuzzes every parser of outside data with libFuzzer (issue 23) for FUZZ_SECONDS each and prints the
# inputs each ran; a crashing input lands in fuzz/crashes/. (`make test` runs the same targets briefly.)
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/install-deps.sh build
	scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build runs bench/out
