#!/usr/bin/env bash
# `make demo`: the sandbox's methods end to end on built-in defaults, with simulated teachers and no
# display, everything under runs/demo/, ending with a summary table and runs/demo/index.html.
# Usage: scripts/demo.sh [sandbox binary]   (default .build/release/sandbox)
set -euo pipefail
cd "$(dirname "$0")/.."
sandbox="${1:-.build/release/sandbox}"
demo=runs/demo
rm -rf "$demo"
mkdir -p "$demo"
started=$(date +%s)
step() { printf '\n== %s  (%ss so far)\n' "$1" "$(( $(date +%s) - started ))"; }

step "the lander, flown by its heuristic controller: a clip and a contact sheet"
"$sandbox" rollout --task LunarLanderContinuous --policy heuristic --seed 0 --clip "$demo/lander.gif" --sheet "$demo/lander-sheet.png"

step "1/6 preference-based RL on LunarLanderContinuous: PrefPPO, 300 labels from a simulated teacher, query clips in its label store"
"$sandbox" pbrl --task LunarLanderContinuous --algo ppo --teacher oracle --labels 300 --per-round 50 --steps 400000 --seed 1 --out "$demo/pbrl"

step "2/6 HERON on the lander with the default ranking of its reward terms"
"$sandbox" heron --task LunarLanderContinuous --algo ppo --steps 400000 --seed 1 --out "$demo/heron"

step "3/6 the regret study on the delivery board (Knox et al.), small scale"
"$sandbox" regret study --prefs 30,100,300 --seeds 3 --out "$demo/regret"

step "4/6 RAPL on SweepToTop (short stick): align the shipped encoder from 150 simulated triplets, compare with RLHF, OT and goal distance"
mkdir -p "$demo/rapl"
"$sandbox" rollout --task SweepToTop-ShortStick --option variant=layout --seed 0 --clip "$demo/rapl/expert.gif" --sheet "$demo/rapl/expert-sheet.png"
"$sandbox" rapl align --task SweepToTop-ShortStick-v1 --triplets 150 --store "$demo/rapl/triplets.db" \
  --out "$demo/rapl/aligned.safetensors"
"$sandbox" rapl evaluate --task SweepToTop-ShortStick-v1 --encoder "$demo/rapl/aligned.safetensors" --rollouts 30 --out "$demo/rapl"

step "5/6 QDHF: diverse arm postures and lander styles, with measures learned from similarity judgments"
"$sandbox" qdhf --domain arm --method qdhf --iterations 200 --seed 1 --out "$demo/qdhf-arm"
"$sandbox" qdhf --domain lander --method qdhf --iterations 40 --seed 1 --out "$demo/qdhf-lander"

step "6/6 export the arm's archive as a policy bundle: heatmap, contact sheet, elite clips"
"$sandbox" archive export --run "$demo/qdhf-arm" --out "$demo/archive" --top 12 --clips 4

step "summary"
"$sandbox" report "$demo" --summary
printf '\ndemo: %ss; results under %s/ — open %s/index.html\n' "$(( $(date +%s) - started ))" "$demo" "$demo"
