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
from results_file import write_section  # noqa: E402


write_section("tasks", "\n".join(lines) + "\n")

nn_ours_path, nn_torch_path = out / "nn_sandbox.json", out / "nn_torch.json"
if nn_ours_path.exists() and nn_torch_path.exists():
    ours_nn = json.loads(nn_ours_path.read_text())
    torch_nn = json.loads(nn_torch_path.read_text())
    sgemm = ours_nn["sgemm_512_gflops"]
    nn_rows = [
        ("512² sgemm, GFLOP/s", "sgemm_512_gflops", "the hardware"),
        ("Bradley–Terry reward model training (MLP 3×256, 128 pairs × 2 × 50 steps), pair-updates/s", "bt_pair_updates_per_s", "≥ torch, ≥ 85% of sgemm"),
        ("Reward model inference, 10k-row batches, rows/s", "bt_inference_rows_per_s", "≥ torch"),
        ("Nature CNN 64×64 training, batch 64, images/s", "cnn_train_images_per_s", "≥ torch, ≥ 85% of sgemm"),
        ("Nature CNN 64×64 inference, batch 256, images/s", "cnn_inference_images_per_s", "≥ torch"),
        ("RAPL frame encoder (Nature CNN + 512→32 head) 64×64 inference, batch 256, images/s", "rapl_encoder_images_per_s", "≥ torch"),
        ("MLP 64×64 tanh forward, batch 1, per s", "small_forward_b1_per_s", "≥ 5×"),
        ("MLP 64×64 tanh forward, batch 64, per s", "small_forward_b64_per_s", "≥ 5×"),
        ("MLP 64×64 forward + backward + Adam, batch 1, per s", "small_update_b1_per_s", "≥ 5×"),
        ("MLP 64×64 forward + backward + Adam, batch 64, per s", "small_update_b64_per_s", "≥ 5×"),
    ]
    cnn_flops = 3 * 2.0 * (14400 / 64 * 192 * 32 + 36 * 512 * 64 + 16 * 576 * 64 + 1024 * 512 + 512)
    nn_lines = [
        f"## NeuralNets against PyTorch {torch_nn.get('torch_version', '?')}",
        "",
        f"Measured {datetime.date.today()}, one thread each (`taskset -c 0`, OpenBLAS and torch set to 1 thread), "
        f"best of three runs of {seconds} s. Command: `make bench`.",
        "",
        "| figure | sandbox | PyTorch | ratio | target |",
        "|---|---:|---:|---:|---|",
    ]
    for label, key, target in nn_rows:
        a, b = ours_nn[key], torch_nn[key]
        nn_lines.append(f"| {label} | {a:,.0f} | {b:,.0f} | {a / b:.2f}× | {target} |")
    bt_share = ours_nn["bt_gflops"] / sgemm
    cnn_gflops = ours_nn["cnn_train_images_per_s"] * cnn_flops / 1e9
    nn_lines += [
        "",
        f"- Reward-model training runs at {ours_nn['bt_gflops']:.1f} GFLOP/s, {bt_share:.0%} of the in-process sgemm rate "
        f"({sgemm:.1f} GFLOP/s); PyTorch at {torch_nn['bt_gflops']:.1f}.",
        f"- Nature-CNN training runs at {cnn_gflops:.1f} GFLOP/s, {cnn_gflops / sgemm:.0%} of the sgemm rate.",
    ]
    write_section("neuralnets", "\n".join(nn_lines) + "\n")

agents_ours_path, agents_sb3_path = out / "agents_sandbox.json", out / "agents_sb3.json"
if agents_ours_path.exists() and agents_sb3_path.exists():
    ours_a = json.loads(agents_ours_path.read_text())
    sb3 = json.loads(agents_sb3_path.read_text())
    rows_a = [
        ("PPO on BipedalWalker, SB3 defaults (1 copy, 2048 steps, 10 epochs), env steps/s overall", "ppo_walker_steps_per_s", "≥ 5×"),
        ("PPO rollout phase, steps/s", "ppo_rollout_steps_per_s", ""),
        ("PPO update phase, seconds per update (lower is better)", "ppo_update_seconds", ""),
        ("SAC gradient steps/s at batch 256 (256-256 MLPs, BipedalWalker)", "sac_gradient_steps_per_s", "≥ 1.5×"),
        ("SAC GFLOP/s", "sac_gflops", "≥ 80% of sgemm"),
    ]
    agent_lines = [
        f"## Agents against Stable-Baselines3 {sb3.get('sb3_version', '?')}",
        "",
        f"Measured {datetime.date.today()}, one core each (`taskset -c 0`, one BLAS/torch thread). Command: `make bench`.",
        "",
        "| figure | sandbox | SB3 | ratio | target |",
        "|---|---:|---:|---:|---|",
    ]
    for label, key, target in rows_a:
        a, b = ours_a[key], sb3[key]
        ratio = b / a if key == "ppo_update_seconds" else a / b
        agent_lines.append(f"| {label} | {a:,.2f} | {b:,.2f} | {ratio:.1f}× | {target} |")
    agent_lines += ["", f"- SAC runs at {ours_a['sac_gflops'] / ours_a['sgemm_512_gflops']:.0%} of the in-process sgemm rate "
                    f"({ours_a['sgemm_512_gflops']:.0f} GFLOP/s); FLOPs per gradient step are counted as 18 passes of a 256-256 "
                    "MLP over the batch (target: 3 forward; critics: 2 forward + 2 backward at 2×; actor: 3 forward + 3 backward at 2×)."]
    write_section("agents", "\n".join(agent_lines) + "\n")

qd_ours_path, qd_ribs_path = out / "qd_sandbox.json", out / "qd_pyribs.json"
if qd_ours_path.exists() and qd_ribs_path.exists():
    ours_q = json.loads(qd_ours_path.read_text())
    ribs = json.loads(qd_ribs_path.read_text())
    qd_lines = [
        f"## Quality diversity against pyribs {ribs.get('ribs_version', '?')}",
        "",
        f"Measured {datetime.date.today()}, one core each. 10-d solutions, 2-d measures, 100×100 grid. Command: `make bench`.",
        "",
        "| figure | sandbox | pyribs | ratio | target |",
        "|---|---:|---:|---:|---|",
    ]
    for label, key, target in [
        ("Grid-archive add, batches of 36, solutions/s", "grid_add_b36_per_s", "≥ 10×"),
        ("Grid-archive add, batches of 1000, solutions/s", "grid_add_b1000_per_s", ""),
        ("MAP-Elites iterations/s (Gaussian emitter, batch 36, arm objective)", "map_elites_iterations_per_s", ""),
    ]:
        a, b = ours_q[key], ribs[key]
        qd_lines.append(f"| {label} | {a:,.0f} | {b:,.0f} | {a / b:.1f}× | {target} |")
    write_section("qd", "\n".join(qd_lines) + "\n")
