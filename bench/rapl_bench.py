"""RAPL benchmark (issue 27): frame-encoding speed against PyTorch, reward correlations, agents and transfer.

Usage: python3 bench/rapl_bench.py [--task ID] [--seeds N] [--triplets 150,300] [--parts speed,correlation,agents,transfer]
                                   [--agent-steps N] [--agent-seeds N] [--jobs K]

Writes bench/out/rapl_<task>.json and the RAPL section of bench/RESULTS.md. Needs the release build
(`swift build -c release --product sandbox --product sandbox-bench`) and, for the speed figure, bench/.venv with torch.
"""
import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SANDBOX = os.environ.get("SANDBOX", os.path.join(ROOT, ".build/release/sandbox"))
BENCH = os.path.join(ROOT, ".build/release/sandbox-bench")
PYTHON = os.path.join(ROOT, "bench/.venv/bin/python")
OUT = os.path.join(ROOT, "bench/out/rapl")
METHODS = ["rapl", "rlhf", "ot", "goal", "true"]


def run(arguments, **kwargs):
    result = subprocess.run(arguments, cwd=ROOT, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.exit(f"rapl_bench: {' '.join(arguments)} failed:\n{result.stderr}")
    return result.stdout


def mean_std(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    return statistics.mean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def fmt(values, digits=2):
    m, s = mean_std(values)
    return "—" if m is None else f"{m:.{digits}f} ± {s:.{digits}f}"


def speed(rounds=3, seconds=3):
    """Ours and torch alternately on core 0, best of `rounds` each."""
    ours, theirs = [], []
    for _ in range(rounds):
        figures = json.loads(run(["taskset", "-c", "0", BENCH, "nn", str(seconds), "rapl_encoder_images_per_s"]))
        ours.append(figures["rapl_encoder_images_per_s"])
        figures = json.loads(run(["taskset", "-c", "0", PYTHON, "bench/nn_torch.py", str(seconds), "rapl_encoder_images_per_s"]))
        theirs.append(figures["rapl_encoder_images_per_s"])
        version = figures["torch_version"]
    return {"ours": ours, "torch": theirs, "torch_version": version, "ratio": max(ours) / max(theirs)}


def encoder_path(task):
    return os.path.join(ROOT, "assets", f"encoder-{task.split('-v')[0]}.safetensors")


def correlation(task, seeds, triplet_counts, jobs, cost=None, extra=(), tag=""):
    def one(seed, count):
        suffix = (f"_{cost.replace('+', '-')}" if cost else "") + tag
        aligned = os.path.join(OUT, f"{task}_t{count}_s{seed}{suffix}.safetensors")
        cost_arguments = ["--cost", cost] if cost else []
        started = time.time()
        run([SANDBOX, "rapl", "align", "--task", task, "--encoder", encoder_path(task), "--triplets", str(count),
             "--seed", str(seed), "--out", aligned] + cost_arguments + list(extra))
        align_seconds = time.time() - started
        rows = json.loads(run([SANDBOX, "rapl", "evaluate", "--task", task, "--encoder", aligned, "--seed", str(seed), "--json"]
                              + cost_arguments))
        return {"seed": seed, "triplets": count, "encoder": aligned, "align_seconds": align_seconds, "rows": rows, "cost": cost}

    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(one, s, n) for n in triplet_counts for s in range(1, seeds + 1)]
        return [f.result() for f in futures]


# What `make bench` (bench/run.sh) runs for each task.
MAKE_BENCH = {
    "LunarLanderContinuous-v1": "python3 bench/rapl_bench.py --seeds 5 --triplets 20,50,150,300 "
                                "--parts speed,correlation,persons,finetune,agents --agent-steps 500000 --agent-seeds 3",
    "MazeNavigation-v1": "python3 bench/rapl_bench.py --task MazeNavigation-v1 --parts correlation --triplets 150 --seeds 5",
}

AGENT_METHODS = ["rapl", "rapl-squared", "rlhf", "ot", "goal", "true"]


def agents(task, seeds, steps, jobs, encoder_of, demo_task=None, demo_options=(), tag="agents", methods=AGENT_METHODS, extra=()):
    """Runs every method for each seed in `seeds` (a list)."""
    def one(seed, name):
        method, _, scaling = name.partition("-")
        out = os.path.join(OUT, f"runs_{tag}")
        arguments = [SANDBOX, "rapl", "train", "--task", task, "--algo", "ppo", "--reward", method, "--steps", str(steps),
                     "--seed", str(seed), "--out", out, "--eval-episodes", "20", "--scaling", scaling or "linear"]
        if method != "true":
            arguments += ["--encoder", encoder_of(seed)]
        if demo_task:
            arguments += ["--demo-task", demo_task]
        arguments += list(extra)
        for option in demo_options:
            arguments += ["--demo-option", option]
        text = run(arguments)
        run_dir = [line.split("→ ")[-1].strip() for line in text.splitlines() if "→" in line][0]
        with open(os.path.join(run_dir, "rapl_summary.json")) as f:
            summary = json.load(f)
        return {"seed": seed, "method": name, "summary": summary}

    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(one, s, m) for m in methods for s in seeds]
        return [f.result() for f in futures]


def correlation_table(results, triplet_counts):
    lines = ["| method | " + " | ".join(f"within ρ, {n} triplets | across ρ, {n} triplets" for n in triplet_counts) + " |",
             "|---|" + "---:|---:|" * len(triplet_counts)]
    for method in METHODS:
        cells = []
        for n in triplet_counts:
            rows = [r for res in results if res["triplets"] == n for r in res["rows"] if r["method"] == method]
            cells += [fmt([r["within_mean"] for r in rows]), fmt([r["across"] for r in rows])]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def agent_table(results):
    scored = any(r["summary"].get("meanScore") is not None for r in results)
    zoned = any(r["summary"].get("meanZoneSteps") is not None for r in results)
    extra_head = (" mean score |" if scored else "") + (" steps in the zone |" if zoned else "")
    lines = ["| reward | success | mean final privileged cost | mean true return |" + extra_head,
             "|---|---:|---:|---:|" + "---:|" * (int(scored) + int(zoned))]
    for method in AGENT_METHODS:
        rows = [r["summary"] for r in results if r["method"] == method]
        if not rows:
            continue
        success = [100 * r["successRate"] if r.get("successRate") is not None else None for r in rows]
        extra = (f" {fmt([r.get('meanScore') for r in rows])} |" if scored else "") + \
                (f" {fmt([r.get('meanZoneSteps') for r in rows], 1)} |" if zoned else "")
        lines.append(f"| {method} | {fmt(success, 0)} % | {fmt([r['meanFinalCost'] for r in rows], 2)} | {fmt([r['meanReturn'] for r in rows], 1)} |" + extra)
    return "\n".join(lines)


def section(results, command):
    task = results["task"]
    tabletop = task.split("-")[0] in ("SweepToTop", "Avoiding", "Grouping")
    title = f"## RAPL on {task} (issue 27)" if tabletop else f"## RAPL on {task} (issue 27; a stand-in for the tabletop tasks)"
    success_text = "success = every piece in the goal at the last step (Avoiding: and no step in the zone)" if tabletop else "success = landed"
    lines = [title, "",
             f"Measured {time.strftime('%Y-%m-%d')} on x86_64 (2 shared cores). Command: `make bench` runs "
             f"`{MAKE_BENCH.get(task, 'python3 bench/rapl_bench.py --task ' + task)}`. Each part rewrites "
             f"bench/out/rapl_{task}.json and this section (the last call here: `{command}`).", ""]
    if "speed" in results:
        sp = results["speed"]
        lines += ["**Frame-encoding speed** (the Nature-CNN backbone + the 512 → 32 head, batches of 256 64×64 frames, "
                  f"one thread each on core 0, alternating, best of {len(sp['ours'])}):", "",
                  "| | sandbox | PyTorch " + sp["torch_version"] + " | ratio | target |", "|---|---:|---:|---:|---|",
                  f"| frames/s | {max(sp['ours']):,.0f} | {max(sp['torch']):,.0f} | {sp['ratio']:.2f}× | ≥ torch |",
                  "", "Every round, ours then torch: " + ", ".join(f"{a:,.0f} / {b:,.0f}" for a, b in zip(sp["ours"], sp["torch"])) + ".", ""]
    if "correlation" in results:
        seeds = len({r["seed"] for r in results["correlation"]})
        lines += [f"**Spearman ρ with the privileged ground truth** (−c_t, the person's cost) on 50 held-out rollouts, "
                  f"mean ± std over {seeds} seeds (each seed: its own pool of 90 rollouts, triplets, alignment, held-out rollouts "
                  "and 6 demonstrations). *Within*: per step inside each rollout, every 4th step, averaged (the released "
                  "compute_corr.py); *across*: each rollout's learned return against −c_T.", "",
                  correlation_table(results["correlation"], sorted(results["correlation_triplets"])), ""]
    if "persons" in results:
        lines += ["**Other persons** (what the simulated person cares about, `--cost`; "
                  "150 triplets, same seeds):", "",
                  "| method | " + " | ".join(f"within ρ, {c} | across ρ, {c}" for c in results["persons"]) + " |",
                  "|---|" + "---:|---:|" * len(results["persons"])]
        for method in METHODS:
            cells = []
            for cost, res in results["persons"].items():
                rows = [r for x in res for r in x["rows"] if r["method"] == method]
                cells += [fmt([r["within_mean"] for r in rows]), fmt([r["across"] for r in rows])]
            lines.append(f"| {method} | " + " | ".join(cells) + " |")
        lines.append("")
    if "finetune" in results:
        lines += ["**Fine-tuning the whole encoder** (`rapl align --fine-tune 10`: backbone and RAPL's head, Adam 1e-4, "
                  "10 epochs after the head, best validation kept; the RLHF head then trains on the fine-tuned features, "
                  "and every method reads them), 150 triplets, same seeds as above:", "",
                  "| method | within ρ | across ρ |", "|---|---:|---:|"]
        for method in METHODS:
            rows = [r for x in results["finetune"] for r in x["rows"] if r["method"] == method]
            lines.append(f"| {method} | {fmt([r['within_mean'] for r in rows])} | {fmt([r['across'] for r in rows])} |")
        lines.append("")
    transfers = [results["transfer"]] if "transfer" in results else []
    transfers += [results[k] for k in sorted(results) if k.startswith("transfer:")]
    for t in transfers:
        lines += [f"**Cross-embodiment** (encoders aligned on {t['source']}'s rollouts; PPO agents of {t['target']}, "
                  f"{t['steps']:,} steps; demonstrations from the target's expert, or from the source's):", "",
                  "*Target demonstrations:*", "", agent_table(t["target_demos"]), "",
                  "*Source demonstrations:*", "", agent_table(t["source_demos"]), ""]
    if "agents" in results:
        seeds = len({r["seed"] for r in results["agents"]})
        lines += [f"**Agents** (PPO observing state, {results['agent_steps']:,} steps, the reward from 64×64 frames; "
                  f"20 deterministic evaluation episodes per run, mean ± std over {seeds} seeds; encoders aligned on "
                  f"{results.get('agent_triplets', 150)} triplets; {success_text}; the final privileged cost is "
                  + ("the person's cost at the last step):" if tabletop else "100·(‖p_T‖ − ‖p_0‖), lower is nearer the pad):"),
                  "", agent_table(results["agents"]), ""]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--task", default="LunarLanderContinuous-v1")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--triplets", default="20,50,150,300")
    parser.add_argument("--parts", default="speed,correlation,agents")
    parser.add_argument("--agent-steps", type=int, default=100_000)
    parser.add_argument("--agent-seeds", type=int, default=2)
    parser.add_argument("--transfer-source", default="SweepToTop-ShortStick-v1")
    parser.add_argument("--transfer-target", default="SweepToTop-MediumStick-v1")
    parser.add_argument("--agent-seed-list", default="", help="run these agent seeds only and merge them with the results file's")
    parser.add_argument("--agent-triplets", type=int, default=150, help="the agents' encoders: those aligned on this many triplets")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--costs", default="tilt,distance+speed+tilt", help="other privileged costs for the persons part")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    parts = args.parts.split(",")
    counts = [int(n) for n in args.triplets.split(",")]
    path = os.path.join(ROOT, f"bench/out/rapl_{args.task}.json")
    results = json.load(open(path)) if os.path.exists(path) else {}
    results["task"] = args.task
    if "speed" in parts:
        print("rapl_bench: frame-encoding speed against torch (one core, alternating)", flush=True)
        results["speed"] = speed()
    if "correlation" in parts:
        print(f"rapl_bench: correlations, {args.seeds} seeds × triplets {counts}", flush=True)
        results["correlation"] = correlation(args.task, args.seeds, counts, args.jobs)
        results["correlation_triplets"] = counts
    if "persons" in parts:
        results["persons"] = {}
        for cost in args.costs.split(","):
            print(f"rapl_bench: correlations for a person who cares about {cost}, {args.seeds} seeds × {counts[0]} triplets", flush=True)
            results["persons"][cost] = correlation(args.task, args.seeds, [150], args.jobs, cost)
    if "finetune" in parts:
        print(f"rapl_bench: correlations with the whole encoder fine-tuned for 10 epochs, {args.seeds} seeds × 150 triplets", flush=True)
        results["finetune"] = correlation(args.task, args.seeds, [150], args.jobs, extra=["--fine-tune", "10"], tag="_ft10")
    if "transfer" in parts:
        # Cross-embodiment: encoders aligned on the source body's rollouts reward the target body's agent, with
        # demonstrations from the target's expert or from the source's.
        source, target = args.transfer_source, args.transfer_target
        print(f"rapl_bench: transfer {source} → {target}, {args.agent_seeds} seeds", flush=True)
        for seed in range(1, args.agent_seeds + 1):
            aligned = os.path.join(OUT, f"{source}_t{args.agent_triplets}_s{seed}.safetensors")
            if not os.path.exists(aligned):
                run([SANDBOX, "rapl", "align", "--task", source, "--encoder", encoder_path(source), "--triplets",
                     str(args.agent_triplets), "--seed", str(seed), "--out", aligned])
        encoder_of = lambda seed: os.path.join(OUT, f"{source}_t{args.agent_triplets}_s{seed}.safetensors")
        seeds = list(range(1, args.agent_seeds + 1))
        methods = ["rapl", "rlhf", "ot", "true"]
        key = "transfer" if target == "SweepToTop-MediumStick-v1" else f"transfer:{target}"
        results[key] = {
            "source": source, "target": target, "steps": args.agent_steps,
            "target_demos": agents(target, seeds, args.agent_steps, args.jobs, encoder_of, tag=f"transfer_target_{target}",
                                   methods=methods, extra=["--any-task"]),
            "source_demos": agents(target, seeds, args.agent_steps, args.jobs, encoder_of, demo_task=source, tag=f"transfer_source_{target}",
                                   methods=[m for m in methods if m in ("rapl", "ot")], extra=["--any-task"]),
        }
    if "agents" in parts:
        print(f"rapl_bench: PPO agents, {args.agent_seeds} seeds × {len(AGENT_METHODS)} rewards × {args.agent_steps} steps", flush=True)
        encoder_of = lambda seed: os.path.join(OUT, f"{args.task}_t{args.agent_triplets}_s{seed}.safetensors")
        if args.agent_seed_list:  # more seeds, merged with the runs already in the results file
            seeds = [int(x) for x in args.agent_seed_list.split(",")]
            kept = [r for r in results.get("agents", []) if r["seed"] not in seeds]
            results["agents"] = kept + agents(args.task, seeds, args.agent_steps, args.jobs, encoder_of)
        else:
            results["agents"] = agents(args.task, list(range(1, args.agent_seeds + 1)), args.agent_steps, args.jobs, encoder_of)
        results["agent_steps"] = args.agent_steps
        results["agent_triplets"] = args.agent_triplets
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
    os.chdir(ROOT)
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from results_file import write_section
    name = "rapl" if args.task == "LunarLanderContinuous-v1" else f"rapl-{args.task}"
    write_section(name, section(results, "python3 bench/rapl_bench.py " + " ".join(sys.argv[1:])))
    return
    print(json.dumps({k: v for k, v in results.items() if k == "speed"}, indent=1))
    if "correlation" in results:
        print(correlation_table(results["correlation"], sorted(results["correlation_triplets"])))
    if "agents" in results:
        print(agent_table(results["agents"]))


if __name__ == "__main__":
    main()
