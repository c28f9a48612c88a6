"""HERON against the true reward on LunarLanderContinuous (issue 25), and rankings that steer: PPO at
equal environment steps, several seeds, two runs at a time (one per core). Each run's policy is evaluated
on 10 deterministic episodes (true return and per-term sums). Rewrites the `heron` section of
bench/RESULTS.md and writes bench/out/heron/curves.png.

Usage: python3 bench/heron_bench.py [seeds] [steps] [task]   (default 5, the Zoo's budget, LunarLanderContinuous)
"""
import json
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from results_file import write_section

seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
steps = sys.argv[2] if len(sys.argv) > 2 else None
task = sys.argv[3] if len(sys.argv) > 3 else "LunarLanderContinuous"
binary = ".build/release/sandbox"
out = Path(f"bench/out/heron/{task}")
if task == "LunarLanderContinuous":
    configs = {
        "HERON, default ranking": ["heron"],
        "true reward": ["train"],
        "HERON, fuel first": ["heron", "--ranking", "main_engine+side_engine>landing+crash>distance>speed>tilt"],
        "HERON, tilt first": ["heron", "--ranking", "tilt>landing+crash>distance>speed>main_engine+side_engine"],
    }
else:
    configs = {"HERON, default ranking": ["heron"], "true reward": ["train"]}


def run(name, extra, seed):
    folder = out / name.replace(", ", "-").replace(" ", "-") / f"seed{seed}"
    if not (folder.exists() and any(p.joinpath("policy.safetensors").exists() for p in folder.iterdir())):
        command = [binary] + extra + ["--task", task, "--algo", "ppo", "--seed", str(seed), "--out", str(folder)]
        if steps:
            command += ["--steps", steps]
        subprocess.run(command, check=True, capture_output=True)
    run_dir = next(p for p in folder.iterdir() if p.joinpath("policy.safetensors").exists())
    evaluation = json.loads(subprocess.run([binary, "eval", "--policy", str(run_dir), "--episodes", "10", "--json"],
                                           check=True, capture_output=True, text=True).stdout)
    return name, seed, run_dir, evaluation


jobs = [(name, extra, seed) for seed in range(1, seeds + 1) for name, extra in configs.items()]
with ThreadPoolExecutor(max_workers=2) as pool:
    results = list(pool.map(lambda job: run(*job), jobs))

terms = list(results[0][3]["term_sums"].keys())
text = f"## HERON on {task}: true return and per-term sums ({seeds} seeds, PPO)\n\n"
text += f"`python3 bench/heron_bench.py {seeds}{' ' + steps if steps else ''} {task}`: each run's policy on 10 deterministic episodes; mean ± std over seeds of the per-seed means.\n\n"
text += "| reward | true return | " + " | ".join(terms) + " |\n|---|---|" + "---|" * len(terms) + "\n"
for name in configs:
    rows = [r for r in results if r[0] == name]
    means = [r[3]["mean"] for r in rows]
    cells = [f"{statistics.mean(means):.1f} ± {statistics.pstdev(means):.1f}"]
    for term in terms:
        values = [r[3]["term_sums"][term] for r in rows]
        cells.append(f"{statistics.mean(values):.1f}")
    text += f"| {name} | " + " | ".join(cells) + " |\n"
text += "\nPer-seed true returns: " + "; ".join(
    f"{name}: " + ", ".join(f"{r[3]['mean']:.0f}" for r in results if r[0] == name) for name in configs) + ".\n\n"
curves = [str(r[2]) for r in results if r[1] == 1]
subprocess.run([binary, "plot"] + curves + ["--out", str(out / "curves.png"), "--metric", "charts/true_return"], check=False, capture_output=True)
if task == "LunarLanderContinuous":
    text += """Reading (measured 2026-12-05, PPO with the Zoo's lander settings, 1M steps): HERON does not match the true reward on the
lander. With the authors' per-transition comparisons its agents fall and crash within ~70 steps on every seed. The ranking's
top level (landing+crash) decides only about 2% of pairs — single transitions rarely hold a touchdown — while distance, the
next level, decides about 47%; a Bradley–Terry model of single transitions cannot make one crash cost more than a few
standard deviations of the per-step reward, so approaching the pad fast pays and the crash that ends it costs little
(mean 0 over the buffer after standardisation). The ranking still steers what it can: tilt first makes the agents fly more
upright (tilt −3.3 against −7.9 with the default ranking, −13.5 with fuel first); fuel first cannot lower fuel use
because no HERON agent fires its main engine (0.0 to −0.1 against −45.8 for the true reward).
Variants measured on seed 1 only (`sandbox heron --seed 1 …`, 10 evaluation episodes): the observation and the term
values as the model's input, −65.9 ± 13.9 (still crashing, but later); 25-step segments, −260.0 ± 84.1; 25-step
segments that run past terminations with a learned ended-state value (`--unit segment`, default endings learned),
−419.9 ± 106.3: the learned value of ending is so negative that the agent stops crashing (1 crash in 10) but hovers
and drifts off for the whole 1,000 steps (distance −171.5, main engine −174.0). This is the reward-offset problem
PEBBLE has on the lander (above), seen from the other side: a learned reward that is only defined up to ordering leaves
what ending is worth to the agent free.

"""
if task == "BipedalWalker":
    text += """Reading (measured 2026-12-05, PPO with the Zoo's walker settings but 500k steps, a tenth of the Zoo's budget, to fit
the shared machine): neither reward has the agents walking yet. The true reward's agents stand and shuffle (forward 4.8,
no falls, −32.2); HERON's push forward three to four times as far (forward 17.7) and one seed walks (+27), but four of
five fall (fall −80 on average), for the reason measured on the lander: the fall that ends an episode is one transition
among many, so a Bradley–Terry model of single transitions makes it cost little, while forward progress, the second
level, decides most pairs. The full 5M-step comparison is `python3 bench/heron_bench.py 5 5000000 BipedalWalker`.

"""
write_section(f"heron-{task}", text)
