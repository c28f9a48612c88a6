#!/usr/bin/env bash
# Compares this checkout's benchmark figures with another revision's, in one run on one core, to check
# that a change costs no speed: builds REV's sandbox-bench in a temporary worktree, then runs the envs,
# nn, agents and qd suites of both, alternating, ROUNDS times, and prints each figure's best ratio
# (new / old; above 1 is faster, except *_seconds).
# Usage: bench/compare_builds.sh REV [seconds-per-figure] [rounds]    (defaults 2 and 2)
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:?usage: bench/compare_builds.sh REV [seconds-per-figure] [rounds]}"
seconds="${2:-2}"
rounds="${3:-2}"
old_tree="$(mktemp -d)/old"
out="$(mktemp -d)"
trap 'git worktree remove --force "$old_tree" >/dev/null 2>&1 || true' EXIT
git worktree add --detach "$old_tree" "$rev" >/dev/null
(cd "$old_tree" && swift build -c release --product sandbox-bench >/dev/null)
swift build -c release --product sandbox-bench >/dev/null
core=$(( $(nproc) - 1 ))
for round in $(seq "$rounds"); do
  for suite in envs nn agents qd; do
    taskset -c "$core" "$old_tree/.build/release/sandbox-bench" "$suite" "$seconds" > "$out/old-$suite-$round.json"
    taskset -c "$core" .build/release/sandbox-bench "$suite" "$seconds" > "$out/new-$suite-$round.json"
  done
done
python3 - "$out" "$rounds" <<'PY'
import json, sys
out, rounds = sys.argv[1], int(sys.argv[2])
print("| suite | figure | old | new | new / old |")
print("|---|---|---|---|---|")
for suite in ["envs", "nn", "agents", "qd"]:
    old = [json.load(open(f"{out}/old-{suite}-{r}.json")) for r in range(1, rounds + 1)]
    new = [json.load(open(f"{out}/new-{suite}-{r}.json")) for r in range(1, rounds + 1)]
    for key in sorted(old[0]):
        if key == "cores":
            continue
        pick = min if key.endswith("_seconds") else max
        o, n = pick(x[key] for x in old), pick(x[key] for x in new)
        print(f"| {suite} | {key} | {o:,.2f} | {n:,.2f} | {n / o:.3f} |")
PY
