#!/usr/bin/env bash
# `make bench`: measures sandbox against its Python peers in the same run and writes bench/RESULTS.md.
#
# Sets up bench/.venv from PyPI (Gymnasium 1.4 with its Box2D extra) on first use. Each side runs
# alone (never both at once) on one core; every figure is the best of three timed runs.
# Usage: bench/run.sh [seconds-per-figure]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-3}"
venv=bench/.venv
mkdir -p bench/out

if [ ! -x "$venv/bin/python" ]; then
  echo "bench: creating $venv"
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import gymnasium, Box2D, pygame" 2>/dev/null; then
  echo "bench: installing gymnasium[box2d]==1.4.0 into $venv"
  "$venv/bin/pip" install -q "gymnasium[box2d]==1.4.0"
fi
if ! "$venv/bin/python" -c "import torch, safetensors, stable_baselines3, ribs" 2>/dev/null; then
  echo "bench: installing torch==2.15.0, safetensors, stable-baselines3==2.9.0 and ribs==0.12.0 into $venv (large download)"
  "$venv/bin/pip" install -q "torch==2.15.0" safetensors "stable-baselines3==2.9.0" "ribs==0.12.0"
fi

swift build -c release --product sandbox-bench >/dev/null
echo "bench: sandbox tasks (${seconds}s per figure)"
taskset -c 0 .build/release/sandbox-bench envs "$seconds" > bench/out/envs_sandbox.json
echo "bench: Gymnasium tasks (${seconds}s per figure)"
taskset -c 0 "$venv/bin/python" bench/envs_gymnasium.py "$seconds" > bench/out/envs_gymnasium.json
# The vector figure uses every core, so it runs without taskset.
.build/release/sandbox-bench envs "$seconds" walker_vector_steps_per_s > bench/out/envs_vector.json
echo "bench: NeuralNets (${seconds}s per figure, one thread)"
taskset -c 0 .build/release/sandbox-bench nn "$seconds" > bench/out/nn_sandbox.json
echo "bench: PyTorch (${seconds}s per figure, one thread)"
taskset -c 0 "$venv/bin/python" bench/nn_torch.py "$seconds" > bench/out/nn_torch.json
echo "bench: PPO and SAC (one core)"
taskset -c 0 .build/release/sandbox-bench agents "$seconds" > bench/out/agents_sandbox.json
echo "bench: Stable-Baselines3 PPO and SAC (one core)"
(cd bench && taskset -c 0 "../$venv/bin/python" agents_sb3.py "$seconds") > bench/out/agents_sb3.json

echo "bench: quality diversity against pyribs (one core)"
taskset -c 0 .build/release/sandbox-bench qd "$seconds" > bench/out/qd_sandbox.json
(cd bench && taskset -c 0 "../$venv/bin/python" qd_pyribs.py "$seconds") > bench/out/qd_pyribs.json

"$venv/bin/python" bench/report.py "$seconds"
echo "bench: QDHF tables (arm 10 seeds, lander 3 seeds, five methods)"
python3 bench/qdhf_table.py 10 3
# Preference-based RL learning curves take hours (PEBBLE is SAC-bound); BENCH_PBRL=ppo runs PrefPPO
# instead (about an hour), BENCH_PBRL=sac-demos runs PEBBLE with B-Pref's settings and one demonstration per
# round at share 0.5 (seed 2, two runs at once; about 70 min per run per core), BENCH_PBRL=peer runs PrefPPO against
# imitation's preference comparisons (both at once, 100k steps and 500 labels),
# BENCH_PBRL=none skips them.
peer_venv=bench/.venv-imitation
if [ "${BENCH_PBRL:-sac}" = peer ] && ! "$peer_venv/bin/python" -c "import imitation, gymnasium, Box2D" 2>/dev/null; then
  # imitation 1.0.1 pins Gymnasium 0.29 and Stable-Baselines3 2.2, so it gets its own environment; box2d 2.3.10
  # ships wheels (gymnasium[box2d] 0.29 would build box2d-py with swig), and Gymnasium 0.29 needs NumPy 1.
  echo "bench: installing imitation==1.0.1, gymnasium==0.29.1 and box2d==2.3.10 into $peer_venv (large download)"
  python3 -m venv "$peer_venv"
  "$peer_venv/bin/pip" install -q "imitation==1.0.1" "gymnasium==0.29.1" "box2d==2.3.10" pygame "numpy<2"
fi
case "${BENCH_PBRL:-sac}" in
  sac) echo "bench: plain PEBBLE (its default recipe) curves against labels and teachers (hours)"; python3 bench/pbrl_curves.py sac ;;
  sac-demos) echo "bench: PEBBLE with a demonstration share of 0.5, curves against labels and teachers (hours)"
     python3 bench/pbrl_curves.py --ending-share 0 --feedback-fraction 0.5 --reward-offset free \
       --hyperparameter annealLearningRate=true sac 200000 .build/release/sandbox 2 2 zero 1 0.5 ;;
  ppo) echo "bench: PrefPPO curves against labels and teachers"; python3 bench/pbrl_curves.py ppo ;;
  peer) echo "bench: PrefPPO against imitation (both at once, one core each)"; python3 bench/pbrl_peer.py 100000 1 500 ;;
  none) ;;
esac
echo "bench: the regret study on the delivery board (about a minute)"
python3 bench/regret_study.py 10 .build/release/sandbox
echo "bench: sweeps and distributed QDHF on MPI, 1 to 8 ranks (minutes)"
python3 bench/mpi_bench.py
if [ "${BENCH_HERON:-1}" = 1 ]; then
  echo "bench: HERON on the lander, 5 seeds of 4 rewards (about 20 minutes); BENCH_HERON=0 skips it"
  python3 bench/heron_bench.py 5
fi
echo "bench: RAPL on the lander (speed against torch; correlations over 5 seeds at 20–300 triplets, other persons, fine-tuning; PPO agents on 3 seeds; about 45 minutes)"
swift build -c release --product sandbox >/dev/null
python3 bench/rapl_bench.py --seeds 5 --triplets 20,50,150,300 --parts speed,correlation,persons,finetune,agents --agent-steps 500000 --agent-seeds 3
python3 bench/rapl_bench.py --task MazeNavigation-v1 --parts correlation --triplets 150 --seeds 5
echo "bench: tabletop tasks: experts (20 seeds per task × body × variant), throughput against X-Magical, PPO per body"
swift build -c release --product sandbox --product sandbox-bench >/dev/null
xm_venv=bench/.venv-xmagical
if [ ! -x "$xm_venv/bin/python" ]; then
  python3 -m venv "$xm_venv" && "$xm_venv/bin/pip" install -q "x-magical==0.0.4" "pymunk==5.6.0" "gym==0.26.2" || echo "bench: x-magical did not install; its columns stay empty"
fi
taskset -c 0 .build/release/sandbox-bench tabletop 1 > bench/out/tabletop_sandbox.json
[ -x "$xm_venv/bin/python" ] && "$xm_venv/bin/python" bench/tabletop_xmagical.py 1 > bench/out/tabletop_xmagical.json || true
python3 bench/tabletop_bench.py 20 "${BENCH_TABLETOP_PPO_STEPS:-1000000}" "${BENCH_TABLETOP_PPO_SEEDS:-2}"
echo "bench: RAPL on the tabletop tasks (correlations over 3 seeds at 150 and 300 triplets; agents and transfer)"
python3 bench/rapl_bench.py --task SweepToTop-ShortStick-v1 --parts correlation,agents,transfer --seeds 3 --triplets 150,300 --agent-steps 300000 --agent-seeds 2
python3 bench/rapl_bench.py --task Avoiding-ShortStick-v1 --parts correlation,agents --seeds 3 --triplets 150,300 --agent-steps 300000 --agent-seeds 2
echo "bench: wrote bench/RESULTS.md"
