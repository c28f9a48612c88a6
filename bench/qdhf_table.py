"""QDHF on the arm (paper settings, 10 seeds), the maze and lander styles (3 seeds), all five measure methods.

Runs the release `sandbox qdhf` for every (domain, method, seed), then writes the mean ± standard
deviation of the ground-truth metrics to the `qdhf` section of bench/RESULTS.md.
Usage (from the repository root): python3 bench/qdhf_table.py [arm-seeds] [maze-and-lander-seeds] [sandbox binary]
"""
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from results_file import write_section  # noqa: E402

binary = sys.argv[3] if len(sys.argv) > 3 else ".build/release/sandbox"
methods = ["qdhf", "qdhf-base", "aurora-pca", "aurora-ae", "gt"]
arm_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
lander_seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
out = Path("bench/out/qdhf")
keys = [("qd/archive_qd_score", "archive QD score"), ("qd/archive_coverage", "archive coverage"),
        ("qd/all_qd_score", "all-solutions QD score"), ("qd/all_coverage", "all-solutions coverage"),
        ("qdhf/validation_accuracy", "judgment accuracy")]


def run(domain, method, seed):
    folder = out / f"{domain}-{method}-{seed}"
    subprocess.run([binary, "qdhf", "--domain", domain, "--method", method, "--seed", str(seed), "--out", str(folder)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads((folder / "summary.json").read_text())


def table(domain, seeds, settings):
    started = time.time()
    lines = [f"### {domain} ({settings}; {seeds} seeds, mean ± std)", "",
             "| method | " + " | ".join(label for _, label in keys) + " |", "|---|" + "---:|" * len(keys)]
    for method in methods:
        runs = [run(domain, method, seed) for seed in range(seeds)]
        cells = []
        for key, _ in keys:
            values = [r[key] for r in runs if key in r]
            if not values:
                cells.append("—")
            elif len(values) == 1:
                cells.append(f"{values[0]:.3f}")
            else:
                cells.append(f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}")
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
        print(f"qdhf bench: {domain} {method} done", file=sys.stderr)
    lines += ["", f"{len(methods) * seeds} runs in {time.time() - started:.0f} s.", ""]
    return lines


text = ["## QDHF: learned measures against AURORA and ground truth", "",
        "Ground-truth metrics: the final archive re-binned in the ground-truth grid, and every solution ever evaluated. "
        "Judgments come from the simulated judge (squared distance of ground-truth measures). "
        f"Command: `python3 bench/qdhf_table.py {arm_seeds} {lander_seeds}` (part of `make bench`).", ""]
text += table("arm", arm_seeds, "50×50 grid, Gaussian σ 0.1, batch 100, 1,000 iterations, 1,000 judgments")
text += table("maze", lander_seeds, "20×20 grid, iso-line emitter, batch 50, 200 iterations, 200 judgments")
text += table("lander", lander_seeds, "20×20 grid, batch 50, 200 iterations, 400 judgments")
write_section("qdhf", "\n".join(text))
