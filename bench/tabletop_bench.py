"""Tabletop tasks: the scripted experts' success per task x body x variant (20 seeds each), PPO on the state
observation with the dense reward per body (SweepToTop, Demo variant), and throughput against X-Magical.
Writes bench/out/tabletop_*.json and prints the tables as Markdown for bench/RESULTS.md.
Usage: python3 bench/tabletop_bench.py [seeds] [ppo-steps] [ppo-seeds]   (ppo-seeds 0: experts and throughput only)
"""
import json
import os
import re
import subprocess
import sys

SANDBOX = os.environ.get("SANDBOX", ".build/release/sandbox")
SEEDS = int(sys.argv[1]) if len(sys.argv) > 1 else 20
PPO_STEPS = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
PPO_SEEDS = int(sys.argv[3]) if len(sys.argv) > 3 else 2
TASKS = ["SweepToTop", "Avoiding", "Grouping"]
BODIES = ["ShortStick", "MediumStick", "LongStick", "Gripper"]
VARIANTS = ["demo", "layout", "color", "shape", "dynamics", "all"]


def success(args):
    out = subprocess.run([SANDBOX, "rollout"] + args, capture_output=True, text=True, check=True).stdout
    m = re.search(r"success \(score 1\) in (\d+) of (\d+)", out)
    return int(m.group(1)) / int(m.group(2))


experts = {}
for task in TASKS:
    for body in BODIES:
        for variant in VARIANTS:
            experts[f"{task}-{body}/{variant}"] = success(["--task", f"{task}-{body}-v1", "--episodes", str(SEEDS),
                                                          "--option", f"variant={variant}"])
json.dump(experts, open("bench/out/tabletop_experts.json", "w"), indent=2, sort_keys=True)
print(f"### Scripted experts: success over {SEEDS} seeds (`sandbox rollout --policy heuristic --option variant=V`)\n")
print("| task | body | " + " | ".join(VARIANTS) + " |")
print("|---|---|" + "---|" * len(VARIANTS))
for task in TASKS:
    for body in BODIES:
        print(f"| {task} | {body} | " + " | ".join(f"{experts[f'{task}-{body}/{v}']:.0%}" for v in VARIANTS) + " |")

ppo = {}
if PPO_SEEDS == 0:
    BODIES_PPO = []
else:
    BODIES_PPO = BODIES
os.makedirs("runs/bench-tabletop-ppo", exist_ok=True)
for body in BODIES_PPO:
    rates = []
    for seed in range(1, PPO_SEEDS + 1):
        out = subprocess.run([SANDBOX, "train", "--task", f"SweepToTop-{body}-v1", "--algo", "ppo", "--reward", "terms:distance=1",
                              "--steps", str(PPO_STEPS), "--seed", str(seed), "--envs", "8", "--out", "runs/bench-tabletop-ppo"],
                             capture_output=True, text=True, check=True).stdout
        run = re.search(r"policy\s+(\S+)/policy.safetensors", out).group(1)
        rates.append(success(["--policy", run, "--episodes", "20"]))
    ppo[body] = rates
if BODIES_PPO:
    json.dump(ppo, open("bench/out/tabletop_ppo.json", "w"), indent=2, sort_keys=True)
print(f"\n### PPO on the state observation, dense reward (`terms:distance=1`), {PPO_STEPS} steps, SweepToTop Demo\n")
print("| body | success per seed (20 episodes each) |")
print("|---|---|")
for body in BODIES_PPO:
    print(f"| {body} | " + ", ".join(f"{r:.0%}" for r in ppo[body]) + " |")

ours = json.load(open("bench/out/tabletop_sandbox.json"))
try:
    theirs = json.load(open("bench/out/tabletop_xmagical.json"))
except (OSError, ValueError):
    theirs = {}
print("\n### Throughput on one core (`sandbox-bench tabletop`, `bench/tabletop_xmagical.py`)\n")
print("| task | steps/s | step + 64×64 render frames/s | X-Magical steps/s | X-Magical frames/s | ratio (steps, frames) |")
print("|---|---|---|---|---|---|")
for key in sorted(k[: -len("_steps_per_s")] for k in ours if k.endswith("_steps_per_s")):
    s, f = ours[f"{key}_steps_per_s"], ours[f"{key}_render64_frames_per_s"]
    ts, tf = theirs.get(f"{key}_steps_per_s"), theirs.get(f"{key}_render64_frames_per_s")
    peer = f"{ts:,.0f} | {tf:,.0f} | {s / ts:.0f}×, {f / tf:.0f}×" if ts else "— | — | —"
    print(f"| {key} | {s:,.0f} | {f:,.0f} | {peer} |")
