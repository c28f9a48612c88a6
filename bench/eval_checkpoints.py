"""Evaluates every periodic checkpoint of a sandbox run (deterministic, 10 episodes each unless told) and prints
one JSON line per checkpoint, then the first step whose mean return reaches the threshold (200 by default).

Usage (from the repository root): python3 bench/eval_checkpoints.py RUN_DIR [threshold] [sandbox binary] [episodes]
"""
import json
import re
import subprocess
import sys
from pathlib import Path

run = Path(sys.argv[1])
threshold = float(sys.argv[2]) if len(sys.argv) > 2 else 200.0
binary = sys.argv[3] if len(sys.argv) > 3 else ".build/release/sandbox"
episodes = int(sys.argv[4]) if len(sys.argv) > 4 else 10

checkpoints = sorted((int(m.group(1)), p) for p in (run / "checkpoints").glob("step_*.safetensors")
                     if (m := re.fullmatch(r"step_(\d+)\.safetensors", p.name)))
# Wall time at each step, from the run's own metrics (seconds since the first iteration).
elapsed, total = {}, 0.0
for line in (run / "metrics.jsonl").read_text().splitlines():
    row = json.loads(line)
    total += row.get("charts/iteration_seconds", 0.0)
    if "global_step" in row and total > 0:  # PPO's metrics carry no iteration times
        elapsed[int(row["global_step"])] = total

first = None
for step, path in checkpoints:
    line = subprocess.run([binary, "eval", "--policy", str(path), "--episodes", str(episodes)], check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]
    mean, std = float(line.split()[2]), float(line.split()[4])  # "mean return M ± S over K episodes"
    seconds = elapsed.get(step)
    print(json.dumps({"step": step, "mean": mean, "std": std, "train_seconds": seconds}), flush=True)
    if first is None and mean >= threshold:
        first = {"step": step, "mean": mean, "std": std, "train_seconds": seconds}
print(json.dumps({"first_at_least": threshold, "checkpoint": first}))
