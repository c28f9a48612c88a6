"""Figures read off a finished `sandbox pbrl` run folder, shared by bench/pbrl_curves.py and bench/pbrl_peer.py."""
import json
import subprocess
from datetime import datetime


def metrics(run):
    """Every line of the run's metrics.jsonl, in order."""
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()]


def reached_budget(run, steps):
    """Whether the run trained its whole step budget (a run stopped early is not finished)."""
    last = metrics(run)[-1:] if (run / "metrics.jsonl").exists() else []
    return bool(last) and last[0].get("global_step", 0) >= steps


def wall_seconds(run):
    """From the run's start (config.json's `started`) to its final policy file."""
    started = datetime.fromisoformat(json.loads((run / "config.json").read_text())["started"].replace("Z", "+00:00"))
    return (run / "policy.safetensors").stat().st_mtime - started.timestamp()


def evaluate(binary, run, episodes=10):
    """Mean and standard deviation of the true return over `episodes` deterministic episodes (`sandbox eval`)."""
    evaluated = subprocess.run([binary, "eval", "--policy", str(run), "--episodes", str(episodes)], check=True,
                               capture_output=True, text=True).stdout.strip().splitlines()[-1]
    # "mean return 297.10 ± 4.37 over 10 episodes (...)"
    return float(evaluated.split()[2]), float(evaluated.split()[4])


def mean_pair_updates(lines):
    """Reward training's pair-updates/s, averaged over the feedback rounds."""
    speeds = [m["pbrl/pair_updates_per_s"] for m in lines if "pbrl/pair_updates_per_s" in m]
    return sum(speeds) / max(len(speeds), 1)
