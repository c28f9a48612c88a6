"""Turns bench/out/*.json into the task table of bench/RESULTS.md (ratios against Gymnasium)."""
import datetime
import json
import platform
import sys
from pathlib import Path

out = Path("bench/out")
ours = json.loads((out / "envs_sandbox.json").read_text())
theirs = json.loads((out / "envs_gymnasium.json").read_text())
vector = json.loads((out / "envs_vector.json").read_text())
seconds = sys.argv[1] if len(sys.argv) > 1 else "3"

rows = [
    ("LunarLanderContinuous, steps/s", "lander_steps_per_s", "≥ 10×"),
    ("LunarLanderContinuous, step + 600×400 render, frames/s", "lander_render_frames_per_s", "≥ 10×"),
    ("BipedalWalker, steps/s", "walker_steps_per_s", "≥ 2×"),
    ("BipedalWalker, step + 600×400 render, frames/s", "walker_render_frames_per_s", "≥ 10×"),
    ("CarRacing (96×96 pixel observation every step), steps/s", "car_steps_per_s", "≥ 10×"),
    ("Bare Box2D walker world step (180/60 iterations), steps/s", "walker_bare_world_steps_per_s", "—"),
]

lines = [
    "## Tasks: sandbox against Gymnasium " + theirs.get("gymnasium_version", "?"),
    "",
    f"Measured {datetime.date.today()} on {platform.machine()} ({ours.get('cores', '?'):.0f} cores), one core each "
    f"(`taskset -c 0`), best of three runs of {seconds} s per figure, uniform random actions, reset on episode end.",
    "Command: `make bench` (or `bench/run.sh SECONDS`).",
    "",
    "| figure | sandbox | Gymnasium | ratio | target |",
    "|---|---:|---:|---:|---|",
]
for label, key, target in rows:
    a, b = ours[key], theirs[key]
    lines.append(f"| {label} | {a:,.0f} | {b:,.0f} | {a / b:.1f}× | {target} |")
walker_share = ours["walker_steps_per_s"] / ours["walker_bare_world_steps_per_s"]
lines += [
    "",
    f"- BipedalWalker steps at {walker_share:.0%} of the bare Box2D world-step rate measured in the same process "
    "(target: within 10%, i.e. ≥ 90%).",
    f"- Vectorised BipedalWalker, {2 * ours.get('cores', 2):.0f} copies on all cores: "
    f"{vector['walker_vector_steps_per_s']:,.0f} steps/s.",
]
text = "\n".join(lines) + "\n"

results = Path("bench/RESULTS.md")
marker_start, marker_end = "<!-- tasks:start -->", "<!-- tasks:end -->"
block = f"{marker_start}\n{text}{marker_end}"
if results.exists() and marker_start in results.read_text():
    current = results.read_text()
    before, rest = current.split(marker_start, 1)
    after = rest.split(marker_end, 1)[1]
    results.write_text(before + block + after)
else:
    header = "# Benchmark results\n\nEach section is rewritten by `make bench`; the figures are from one run on a shared, noisy machine.\n\n"
    results.write_text(header + block + "\n")
print(text)
