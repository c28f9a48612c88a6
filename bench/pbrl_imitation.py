"""The Python peer of `sandbox pbrl --algo ppo` (PrefPPO): imitation's preference comparisons on Gymnasium's
LunarLanderContinuous, run with the same recipe where imitation has the setting, and imitation's own
defaults elsewhere. Prints one JSON line: wall time, reward-training pair-updates/s and the final
deterministic evaluation (10 episodes, true reward).

Matched to `sandbox pbrl --task LunarLanderContinuous-v1 --algo ppo --teacher oracle --labels N --steps STEPS`:
- PPO with the RL Baselines3 Zoo's LunarLanderContinuous settings (hyperparams/ppo.yml: 16 envs,
  n_steps 1024, batch 64, gamma 0.999, gae_lambda 0.98, 4 epochs, ent_coef 0.01), one torch thread;
- N comparisons of 50-step fragments (asked over 10 iterations; sandbox asks rounds of 100 in the first half);
- an oracle teacher: imitation's SyntheticGatherer at temperature 0 prefers the higher true partial
  return (0.5 on ties), as B-Pref's exact teacher does;
- a 3-member reward ensemble of 3x256 MLPs on (observation, action) with input normalisation, and
  ensemble-disagreement query selection (imitation's ActiveSelectionFragmenter on the logit, its
  reward_ensemble configuration with a per-member output RunningNorm).
imitation's own defaults are kept for the rest: 10% of the comparisons asked before agent training
and fitted with 200x the epochs (initial_comparison_frac, initial_epoch_multiplier), a hyperbolic query
schedule over the whole run, 3 reward epochs per iteration (its script's default), learning rate 1e-3,
batch 32, bagging. It needs `allow_variable_horizon=True`: lander episodes end when it lands
or crashes, which imitation warns can leak reward information through the episode's length.

imitation 1.0.1 pins Gymnasium 0.29 (LunarLanderContinuous-v2) and Stable-Baselines3 2.2.1, so it lives
in its own virtual environment, bench/.venv-imitation (bench/run.sh makes it).

Usage: python pbrl_imitation.py [STEPS] [SEED] [COMPARISONS]
"""
import json
import sys
import time

import numpy as np
import torch
from imitation.algorithms import preference_comparisons
from imitation.rewards import reward_nets
from imitation.util import networks
from imitation.util.util import make_vec_env
from stable_baselines3 import PPO

from gym_returns import deterministic_returns

torch.set_num_threads(1)
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
comparisons = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
TASK = "LunarLanderContinuous-v2"
ENSEMBLE = 3
ITERATIONS = 10
FRAGMENT = 50
REWARD_EPOCHS = 3

rng = np.random.default_rng(seed)
torch.manual_seed(seed)
venv = make_vec_env(TASK, rng=rng, n_envs=16)


def member():
    """One ensemble member: a 3x256 MLP on (observation, action), inputs normalised, output normalised."""
    net = reward_nets.BasicRewardNet(venv.observation_space, venv.action_space, hid_sizes=(256, 256, 256),
                                     normalize_input_layer=networks.RunningNorm)
    return reward_nets.NormalizedRewardNet(net, networks.RunningNorm)


ensemble = reward_nets.RewardEnsemble(venv.observation_space, venv.action_space, [member() for _ in range(ENSEMBLE)])
reward_net = reward_nets.AddSTDRewardWrapper(ensemble, default_alpha=0)
preference_model = preference_comparisons.PreferenceModel(reward_net)
fragmenter = preference_comparisons.ActiveSelectionFragmenter(
    preference_model=preference_model,
    base_fragmenter=preference_comparisons.RandomFragmenter(rng=rng, warning_threshold=0),
    fragment_sample_factor=2, uncertainty_on="logit")
gatherer = preference_comparisons.SyntheticGatherer(temperature=0, rng=rng)
reward_trainer = preference_comparisons.EnsembleTrainer(preference_model, preference_comparisons.CrossEntropyRewardLoss(),
                                                       rng=rng, epochs=REWARD_EPOCHS)

# Reward-training throughput, counted as the Swift side counts it: pairs x epochs x members per second.
reward_clock = {"seconds": 0.0, "pair_updates": 0}
train_reward = reward_trainer.train


def timed_train(dataset, epoch_multiplier=1.0):
    started = time.perf_counter()
    train_reward(dataset, epoch_multiplier=epoch_multiplier)
    reward_clock["seconds"] += time.perf_counter() - started
    reward_clock["pair_updates"] += len(dataset) * round(REWARD_EPOCHS * epoch_multiplier) * ENSEMBLE


reward_trainer.train = timed_train

agent = PPO("MlpPolicy", venv, n_steps=1024, batch_size=64, gamma=0.999, gae_lambda=0.98, n_epochs=4, ent_coef=0.01,
            seed=seed, verbose=0, device="cpu")
trajectories = preference_comparisons.AgentTrainer(algorithm=agent, reward_fn=reward_net, venv=venv, rng=rng)
loop = preference_comparisons.PreferenceComparisons(
    trajectories, reward_net, num_iterations=ITERATIONS, fragmenter=fragmenter, preference_gatherer=gatherer,
    reward_trainer=reward_trainer, fragment_length=FRAGMENT, transition_oversampling=1, initial_comparison_frac=0.1,
    initial_epoch_multiplier=200, allow_variable_horizon=True, query_schedule="hyperbolic")

start = time.perf_counter()
loop.train(total_timesteps=steps, total_comparisons=comparisons)
seconds = time.perf_counter() - start
returns = deterministic_returns(agent, TASK, 10)
print(json.dumps({
    "peer": "imitation", "task": TASK, "steps": steps, "seed": seed, "comparisons": comparisons,
    "wall_seconds": seconds, "eval_mean": float(np.mean(returns)), "eval_std": float(np.std(returns)),
    "eval_returns": [round(r, 1) for r in returns],
    "reward_training_seconds": reward_clock["seconds"],
    "pair_updates_per_s": reward_clock["pair_updates"] / max(reward_clock["seconds"], 1e-9),
}))
