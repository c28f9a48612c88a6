"""Stable-Baselines3's side of the learning targets: trains SB3 PPO or SAC on Gymnasium's
LunarLanderContinuous-v3 with the RL Baselines3 Zoo's tuned hyperparameters (hyperparams/ppo.yml and
sac.yml), one torch thread, for the given budget, and reports the wall time, the first evaluation at or
above 200, and the final deterministic evaluation over 10 episodes as one JSON line.

Usage: python sb3_learning.py ppo|sac STEPS [SEED] [EVAL_EVERY]
"""
import json
import sys
import time

import numpy as np
import torch
from stable_baselines3 import PPO, SAC
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env

from gym_returns import deterministic_returns

torch.set_num_threads(1)
algo = sys.argv[1]
steps = int(sys.argv[2])
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
eval_every = int(sys.argv[4]) if len(sys.argv) > 4 else 25_000
TASK = "LunarLanderContinuous-v3"


def evaluate(model, episodes):
    """Mean and standard deviation of `episodes` deterministic returns (evaluation time is excluded from the training clock)."""
    returns = deterministic_returns(model, TASK, episodes)
    return float(np.mean(returns)), float(np.std(returns))


class Checkpoints(BaseCallback):
    """Evaluates every `eval_every` steps over 5 episodes; the time spent evaluating is not counted."""

    def __init__(self):
        super().__init__()
        self.next, self.curve, self.eval_seconds, self.first_200 = eval_every, [], 0.0, None

    def _on_step(self):
        if self.num_timesteps >= self.next:
            self.next += eval_every
            started = time.perf_counter()
            mean, _ = evaluate(self.model, 5)
            self.eval_seconds += time.perf_counter() - started
            self.curve.append((self.num_timesteps, mean))
            if mean >= 200 and self.first_200 is None:
                self.first_200 = (self.num_timesteps, time.perf_counter() - start - self.eval_seconds)
            print(json.dumps({"step": self.num_timesteps, "eval_mean_5": mean}), file=sys.stderr, flush=True)
        return True


if algo == "ppo":
    env = make_vec_env(TASK, n_envs=16, seed=seed)
    model = PPO("MlpPolicy", env, n_steps=1024, batch_size=64, gae_lambda=0.98, gamma=0.999, n_epochs=4,
                ent_coef=0.01, seed=seed, device="cpu", verbose=0)
elif algo == "sac":
    env = make_vec_env(TASK, n_envs=1, seed=seed)
    model = SAC("MlpPolicy", env, batch_size=256, learning_rate=lambda progress: 7.3e-4 * progress,
                buffer_size=1_000_000, ent_coef="auto", gamma=0.99, tau=0.01, train_freq=1, gradient_steps=1,
                learning_starts=10_000, policy_kwargs=dict(net_arch=[400, 300]), seed=seed, device="cpu", verbose=0)
else:
    sys.exit("usage: sb3_learning.py ppo|sac STEPS [SEED] [EVAL_EVERY]")

callback = Checkpoints()
start = time.perf_counter()
model.learn(total_timesteps=steps, callback=callback)
seconds = time.perf_counter() - start - callback.eval_seconds
mean, std = evaluate(model, 10)
print(json.dumps({"algo": algo, "task": TASK, "steps": steps, "seed": seed, "train_seconds": seconds,
                  "first_at_least_200": callback.first_200, "curve": callback.curve,
                  "eval_mean": mean, "eval_std": std, "eval_episodes": 10}))
