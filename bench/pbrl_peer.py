"""PrefPPO against its Python peer, imitation's preference comparisons, on LunarLanderContinuous.

Both sides run in one run, side by side, one core each (`taskset`, one BLAS / torch thread), with the
same recipe: PPO with the RL Zoo's settings, the oracle teacher, COMPARISONS labels of 50-step
segments, a 3-member ensemble of 3x256 MLPs with disagreement sampling, STEPS
environment steps (bench/pbrl_imitation.py lists what is matched and what stays imitation's default).
Reports each side's wall time, reward-training pair-updates/s and final deterministic evaluation
(10 episodes, true reward), the ratios, and writes the section `pbrl-peer-<STEPS/1000>k-<COMPARISONS>` of
bench/RESULTS.md. Runs go to bench/out/pbrl-peer-STEPS-SEED-COMPARISONS/; a side that finished there
(sandbox's run folder, imitation's imitation.json) is reused, so a stopped bench resumes.

Usage (from the repository root): python3 bench/pbrl_peer.py [STEPS] [SEED] [COMPARISONS] [sandbox binary]
The imitation side needs bench/.venv-imitation (bench/run.sh creates it).
"""
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from results_file import write_section  # noqa: E402
from pbrl_runs import evaluate, mean_pair_updates, metrics, reached_budget, wall_seconds  # noqa: E402

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
comparisons = int(sys.argv[3]) if len(sys.argv) > 3 else 500
binary = sys.argv[4] if len(sys.argv) > 4 else ".build/release/sandbox"
python = Path("bench/.venv-imitation/bin/python")
if not python.exists():
    sys.exit("pbrl_peer.py: bench/.venv-imitation is missing; run bench/run.sh once (BENCH_PBRL=peer) or create it with "
             "`python3 -m venv bench/.venv-imitation && bench/.venv-imitation/bin/pip install imitation==1.0.1 "
             "gymnasium==0.29.1 box2d==2.3.10 pygame 'numpy<2'`")
out = Path(f"bench/out/pbrl-peer-{steps}-{seed}-{comparisons}")
out.mkdir(parents=True, exist_ok=True)


def finished_ours():
    """The newest run of ours in the folder that reached its step budget, if any (so that a stopped bench resumes)."""
    runs = sorted((p for p in (out / "runs").iterdir() if p.is_dir()), reverse=True) if (out / "runs").is_dir() else []
    return next((run for run in runs if reached_budget(run, steps) and (run / "policy.safetensors").exists()), None)


def finished_peer():
    """imitation's summary line from a finished run in this folder, if any (imitation's logger also writes
    its tables to stdout, so a stopped run leaves only those)."""
    saved = out / "imitation.json"
    lines = saved.read_text().strip().splitlines() if saved.exists() else []
    if lines and lines[-1].startswith("{"):
        summary = json.loads(lines[-1])
        if summary.get("peer") == "imitation":
            return summary
    return None


# Each side runs unless this folder holds its finished run; both run at once, one core each.
ours = None
if finished_ours() is None:
    ours = subprocess.Popen(["taskset", "-c", "0", binary, "pbrl", "--task", "LunarLanderContinuous-v1", "--algo", "ppo",
                             "--teacher", "oracle", "--labels", str(comparisons), "--steps", str(steps), "--seed", str(seed),
                             "--out", str(out / "runs")],
                            stdout=open(out / "sandbox.log", "w"), stderr=subprocess.STDOUT,
                            env=dict(os.environ, SANDBOX_BLAS_THREADS="1"))
if finished_peer() is None:
    peer = subprocess.run(["taskset", "-c", "1", str(python.absolute()), "pbrl_imitation.py", str(steps), str(seed), str(comparisons)],
                          cwd="bench", stdout=open(out / "imitation.json", "w"), stderr=open(out / "imitation.log", "w"),
                          env=dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1"))
    if peer.returncode != 0:
        sys.exit(f"pbrl_peer.py: imitation failed ({peer.returncode}); see {out}/imitation.log")
if ours is not None and ours.wait() != 0:
    sys.exit(f"pbrl_peer.py: sandbox failed ({ours.returncode}); see {out}/sandbox.log")
imitation = finished_peer()
run = finished_ours()
ours_seconds = wall_seconds(run)
ours_speed = mean_pair_updates(metrics(run))
ours_mean, ours_std = evaluate(binary, run)

versions = subprocess.run([str(python), "-c", "import imitation, stable_baselines3, torch, gymnasium; print(imitation.__version__, "
                           "stable_baselines3.__version__, torch.__version__, gymnasium.__version__)"],
                          capture_output=True, text=True).stdout.split()
summary = {"steps": steps, "seed": seed, "comparisons": comparisons,
           "sandbox": {"wall_seconds": ours_seconds, "pair_updates_per_s": ours_speed, "eval_mean": ours_mean, "eval_std": ours_std},
           "imitation": imitation}
(out / "summary.json").write_text(json.dumps(summary, indent=2))
print(json.dumps(summary))

text = "\n".join([
    f"## PrefPPO against imitation {versions[0] if versions else '?'} (preference comparisons), {steps:,} steps and {comparisons:,} labels", "",
    f"`python3 bench/pbrl_peer.py {steps} {seed} {comparisons}`, measured {datetime.now():%Y-%m-%d}: both sides at once, one core each "
    f"(one BLAS / torch thread), LunarLanderContinuous, {steps:,} steps, seed {seed}, {comparisons:,} oracle labels of 50-step segments "
    f"(sandbox: {(comparisons + 99) // 100} rounds of up to 100 in the first half; imitation: 10 iterations, hyperbolic schedule), PPO with the RL Zoo's settings, a 3-member ensemble of 3×256 MLPs with disagreement sampling. "
    f"imitation runs with Stable-Baselines3 {versions[1] if len(versions) > 1 else '?'}, PyTorch {versions[2] if len(versions) > 2 else '?'} "
    f"and Gymnasium {versions[3] if len(versions) > 3 else '?'} (LunarLanderContinuous-v2); bench/pbrl_imitation.py lists what is "
    "matched and what stays imitation's default. Evaluation: 10 deterministic episodes, true reward.", "",
    "| figure | sandbox | imitation | ratio |", "|---|---:|---:|---:|",
    f"| wall time of the whole loop (min) | {ours_seconds / 60:.1f} | {imitation['wall_seconds'] / 60:.1f} | "
    f"{imitation['wall_seconds'] / ours_seconds:.1f}× faster |",
    f"| reward training, pair-updates/s | {ours_speed:,.0f} | {imitation['pair_updates_per_s']:,.0f} | "
    f"{ours_speed / max(imitation['pair_updates_per_s'], 1e-9):.1f}× |",
    f"| true return (10 episodes) | {ours_mean:.1f} ± {ours_std:.1f} | {imitation['eval_mean']:.1f} ± {imitation['eval_std']:.1f} | |",
    ""])
write_section(f"pbrl-peer-{steps // 1000}k-{comparisons}", text + "\n")
