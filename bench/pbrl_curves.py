"""Preference-based RL on LunarLanderContinuous: true return against labels and against teachers.

Runs `sandbox pbrl` with the oracle teacher at 250, 500 and 1,000 labels and with the noisy and mistake
teachers at 1,000 labels, then writes the curves (charts/true_return) to docs/pbrl-<algo>-curves.png and
a table (final deterministic evaluation, wall time, reward-training pair-updates/s) to the `pbrl`
section of bench/RESULTS.md.

Usage (from the repository root):
  python3 bench/pbrl_curves.py [--ending-share F] [--feedback-fraction F] [--nonpositive-reward] [--reward-offset free|agent-median] [--hyperparameter KEY=VALUE ...] [sac|ppo] [steps] [sandbox binary] [parallel runs] [seed] [endings] [demonstrations] [share]
--ending-share and --feedback-fraction pass through to `sandbox pbrl`, with sandbox's defaults for the
algorithm (sac: 0.5 and 0.9, with --reward-offset agent-median and annealLearningRate=false, PEBBLE's plain
recipe; ppo: 0 and 0.5 with a free offset, B-Pref's). Every option is passed explicitly and checked against
pbrl.json and config.json. Names are relative to B-Pref's settings: an ending share above 0 adds -ending<F>,
a feedback fraction other than 0.5 -fraction<F>, --nonpositive-reward -nonpositive, the agent-median offset
-agent-median, and each --hyperparameter KEY=VALUE (an agent hyperparameter; annealLearningRate=true, the
Zoo's, excepted) -<KEY><VALUE>. B-Pref's PEBBLE: --ending-share 0 --feedback-fraction 0.5 --reward-offset free
--hyperparameter annealLearningRate=true.
Finished runs of the same budget and seed are reused; PBRL_REPORT_ONLY=1 reports without training.
endings is `sandbox pbrl --endings` (default zero); runs go to bench/out/pbrl-<algo>-<endings>/, the plot
to docs/pbrl-<algo>-curves.png and the table to the section pbrl-<algo>. With demonstrations K > 0
(`--demonstrations K`, heuristic episodes in the query pool; not plain PEBBLE/PrefPPO) the folder, plot
and section names end in -demos<K>. share F (`--demonstration-share F`, needs K > 0) fixes the fraction of each
round's queries that pair a demonstration with the agent's segment; the names then end in -demos<K>-share<F>.
  sac: PEBBLE at the step budget SAC needs on the true reward (200k with seed 2, bench/RESULTS.md;
       about an hour per configuration per core)
  ppo: PrefPPO at PPO's budget (1M, seed 1)
"""
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from results_file import write_section  # noqa: E402
from pbrl_runs import evaluate, mean_pair_updates, metrics, reached_budget, wall_seconds  # noqa: E402



def take_option(name, default):
    """Removes `--name VALUE` from the command line and returns VALUE as a number (or the default)."""
    if name not in sys.argv:
        return default
    i = sys.argv.index(name)
    if i + 1 >= len(sys.argv):
        sys.exit(f"pbrl_curves.py: {name} needs a value, for example {name} 0.5")
    value = float(sys.argv[i + 1])
    del sys.argv[i:i + 2]
    return value


def take_flag(name):
    """Removes `--name` from the command line and returns whether it was there."""
    present = name in sys.argv
    while name in sys.argv:
        sys.argv.remove(name)
    return present


def take_assignments(name):
    """Removes every `--name KEY=VALUE` from the command line and returns the (KEY, VALUE) pairs."""
    pairs = []
    while name in sys.argv:
        i = sys.argv.index(name)
        if i + 1 >= len(sys.argv) or "=" not in sys.argv[i + 1]:
            sys.exit(f"pbrl_curves.py: {name} needs KEY=VALUE, for example {name} annealLearningRate=false")
        key, value = sys.argv[i + 1].split("=", 1)
        pairs.append((key, value))
        del sys.argv[i:i + 2]
    return pairs


def json_value(text):
    """A hyperparameter's value as `sandbox` reads it: JSON, or else a string."""
    try:
        return json.loads(text)
    except ValueError:
        return text


hyperparameters = take_assignments("--hyperparameter")
ending_share = take_option("--ending-share", None)
feedback_fraction = take_option("--feedback-fraction", None)
nonpositive = take_flag("--nonpositive-reward")
reward_offset = None
if "--reward-offset" in sys.argv:
    i = sys.argv.index("--reward-offset")
    if i + 1 >= len(sys.argv) or sys.argv[i + 1] not in ("free", "agent-median"):
        sys.exit("pbrl_curves.py: --reward-offset is free or agent-median")
    reward_offset = sys.argv[i + 1]
    del sys.argv[i:i + 2]
algo = sys.argv[1] if len(sys.argv) > 1 else "sac"
steps = int(sys.argv[2]) if len(sys.argv) > 2 else (200_000 if algo == "sac" else 1_000_000)
binary = sys.argv[3] if len(sys.argv) > 3 else ".build/release/sandbox"
jobs = int(sys.argv[4]) if len(sys.argv) > 4 else 1
seed = int(sys.argv[5]) if len(sys.argv) > 5 else (2 if algo == "sac" else 1)
endings = sys.argv[6] if len(sys.argv) > 6 else "zero"
demonstrations = int(sys.argv[7]) if len(sys.argv) > 7 else 0
share = float(sys.argv[8]) if len(sys.argv) > 8 else 0.0
# `sandbox pbrl`'s defaults for the algorithm (PBRLCommand.LoopDefaults): PEBBLE's plain recipe, PrefPPO's
# B-Pref settings. Every one is passed to sandbox explicitly, so a run does not depend on sandbox's defaults.
pebble = algo == "sac"
if ending_share is None:
    ending_share = 0.5 if pebble else 0.0
if feedback_fraction is None:
    feedback_fraction = 0.9 if pebble else 0.5
if reward_offset is None:
    reward_offset = "agent-median" if pebble and endings == "zero" and not nonpositive else "free"
if pebble and not any(key == "annealLearningRate" for key, _ in hyperparameters):
    hyperparameters.append(("annealLearningRate", "false"))
# Hyperparameters that name a run: all but the Zoo's annealed learning rate, B-Pref's setting.
named_hyperparameters = [(key, value) for key, value in hyperparameters if (key, value) != ("annealLearningRate", "true")]
if share > 0 and demonstrations == 0:
    sys.exit("pbrl_curves.py: a demonstration share needs demonstrations; pass the 7th argument (e.g. 1) as well")
suffix = ((f"-demos{demonstrations}" if demonstrations > 0 else "") + (f"-share{share:g}" if share > 0 else "")
          + (f"-ending{ending_share:g}" if ending_share > 0 else "")
          + (f"-fraction{feedback_fraction:g}" if feedback_fraction != 0.5 else "")
          + ("-nonpositive" if nonpositive else "")
          + ("-agent-median" if reward_offset == "agent-median" else "")
          + "".join(f"-{key}{value}" for key, value in named_hyperparameters))
# Every loop option with its value, as written on sandbox's command line (names above are relative to B-Pref's
# settings: no ending share, feedback fraction 0.5, free offset, the Zoo's annealed learning rate).
loop_options = ([f"--ending-share {ending_share:g}", f"--feedback-fraction {feedback_fraction:g}"]
                + (["--nonpositive-reward"] if nonpositive else [])
                + [f"--reward-offset {reward_offset}"]
                + [f"--hyperparameter {key}={value}" for key, value in hyperparameters])
name = ("PEBBLE" if algo == "sac" else "PrefPPO") + (f" with {demonstrations} demonstration{'s' if demonstrations > 1 else ''} per round" if demonstrations else "") + (
    f" (share {share:g})" if share > 0 else "") + (f", ending share {ending_share:g}" if ending_share > 0 else "") + (
    f", feedback fraction {feedback_fraction:g}" if feedback_fraction != 0.5 else "") + (
    ", non-positive reward" if nonpositive else "") + (
    ", reward offset at the agent's median step" if reward_offset == "agent-median" else "") + "".join(
    f", {key} = {value}" for key, value in named_hyperparameters)
out = Path(f"bench/out/pbrl-{algo}-{endings}{suffix}")
configurations = [("oracle", 250), ("oracle", 500), ("oracle", 1000), ("noisy", 1000), ("mistake", 1000)]


def matches_recipe(run, teacher, labels):
    """Whether the run's pbrl.json (written by `sandbox pbrl` since it records its settings) names this
    teacher, label budget, endings, demonstrations and share. Older runs have no pbrl.json; their folder
    name is all there is to go by."""
    recorded = run / "pbrl.json"
    if not recorded.exists():
        return True
    settings = json.loads(recorded.read_text())
    loop = settings.get("loop", {})
    return (settings.get("teacher") == teacher and loop.get("totalLabels") == labels and settings.get("endings") == endings
            and loop.get("demonstrationsPerRound", 0) == demonstrations
            and abs(loop.get("demonstrationShare", 0.0) - share) < 1e-9
            and abs(loop.get("endingShare", 0.0) - ending_share) < 1e-9
            and abs(loop.get("feedbackFraction", 0.5) - feedback_fraction) < 1e-9
            and bool(settings.get("nonPositiveReward", False)) == nonpositive
            and loop.get("rewardOffset", "free") == reward_offset)


def finished_run(configuration):
    """The newest finished run of this configuration at this budget, if any (so that the bench can be
    resumed, and runs made by hand with the same command are used)."""
    teacher, labels = configuration
    parent = out / f"{teacher}-{labels}"
    if not parent.is_dir():
        return None
    for run in sorted((p for p in parent.iterdir() if p.is_dir()), reverse=True):
        config = run / "config.json"
        if not config.exists():
            continue
        settings = json.loads(config.read_text())
        if settings.get("totalSteps") != steps or settings.get("seed") != seed:
            continue
        agent = settings.get(algo) or {}
        if any(agent.get(key) != json_value(value) for key, value in hyperparameters):
            continue
        if matches_recipe(run, teacher, labels) and reached_budget(run, steps):
            return run
    return None


def train(configuration):
    """Runs one configuration (one BLAS thread when several run at once) unless a finished run exists."""
    if finished_run(configuration) is not None:
        return
    teacher, labels = configuration
    environment = dict(os.environ, SANDBOX_BLAS_THREADS="1") if jobs > 1 else None
    subprocess.run([binary, "pbrl", "--task", "LunarLanderContinuous-v1", "--algo", algo, "--teacher", teacher,
                    "--labels", str(labels), "--steps", str(steps), "--seed", str(seed), "--endings", endings,
                    "--demonstrations", str(demonstrations),
                    *(["--demonstration-share", f"{share:g}"] if share > 0 else []), *" ".join(loop_options).split(),
                    "--out", str(out / f"{teacher}-{labels}")],
                   check=True, stdout=subprocess.DEVNULL, env=environment)


# PBRL_REPORT_ONLY=1 trains nothing and reports the finished configurations (the others as "not run").
if os.environ.get("PBRL_REPORT_ONLY") != "1":
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(train, configurations))

rows, folders, names = [], [], []
for teacher, labels in configurations:
    run = finished_run((teacher, labels))
    if run is None:
        rows.append(f"| {teacher} | {labels} | not run | | | |")
        continue
    seconds = wall_seconds(run)
    lines = metrics(run)
    mean, std = evaluate(binary, run)
    accuracy = next((m["pbrl/label_accuracy"] for m in reversed(lines) if "pbrl/label_accuracy" in m), float("nan"))
    rows.append(f"| {teacher} | {labels} | {mean:.1f} ± {std:.1f} | {accuracy:.3f} | {seconds / 60:.1f} | "
                f"{mean_pair_updates(lines):,.0f} |")
    folders.append(str(run))
    names.append(f"{teacher} {labels}")
    print(f"pbrl bench: {teacher} {labels}: return {mean:.1f} ± {std:.1f} in {seconds / 60:.1f} min", file=sys.stderr)

if not folders:
    sys.exit(f"pbrl_curves.py: no finished run under {out}; run without PBRL_REPORT_ONLY=1 to train them")
subprocess.run([binary, "plot", *folders, "--metric", "charts/true_return", "--names", ",".join(names),
                "--title", f"{name} on LunarLanderContinuous: true return", "--out", f"docs/pbrl-{algo}{suffix}-curves.png"], check=True)
text = "\n".join([
    f"## {name} on LunarLanderContinuous: labels and teachers", "",
    f"`python3 bench/pbrl_curves.py {' '.join(loop_options) + ' ' if loop_options else ''}{algo} {steps} .build/release/sandbox 1 {seed} {endings}"
    + (f" {demonstrations}" if demonstrations else "") + (f" {share:g}" if share > 0 else "") + f"`: {steps:,} steps, seed {seed}, "
    f"`--endings {endings}`" + (f", `--demonstrations {demonstrations}`" if demonstrations else "")
    + (f", `--demonstration-share {share:g}`" if share > 0 else "")
    + "".join(f", `{option}`" for option in loop_options)
    + ", B-Pref teachers, "
    "disagreement sampling, 50-step segments. Evaluation: `sandbox eval --episodes 10` (deterministic, true reward). "
    f"Curves: docs/pbrl-{algo}{suffix}-curves.png.", "",
    "| teacher | labels | true return (10 episodes) | held-out label accuracy | wall time (min) | reward training, pair-updates/s |",
    "|---|---:|---:|---:|---:|---:|", *rows, ""])
write_section(f"pbrl-{algo}{suffix}", text + "\n")
