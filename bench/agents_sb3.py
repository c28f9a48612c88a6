"""Stable-Baselines3's side of the agent benchmark: PPO env steps/s on BipedalWalker and SAC gradient
steps/s at batch 256, with SB3's default settings, one thread. Usage: python agents_sb3.py [seconds]"""
import json
import sys
import time

import gymnasium as gym
import torch

from measure import measure

torch.set_num_threads(1)
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
ONLY = sys.argv[2] if len(sys.argv) > 2 else None

import stable_baselines3
from stable_baselines3 import PPO, SAC
from stable_baselines3.common.callbacks import BaseCallback

figures = {"sb3_version": stable_baselines3.__version__}


class Phases(BaseCallback):
    """Times rollouts and updates separately."""

    def __init__(self):
        super().__init__()
        self.rollout_rates, self.update_seconds = [], []
        self._start = None
        self._update_start = None

    def _on_rollout_start(self):
        if self._update_start is not None:
            self.update_seconds.append(time.perf_counter() - self._update_start)
        self._start = time.perf_counter()

    def _on_rollout_end(self):
        self.rollout_rates.append(self.model.n_steps * self.model.n_envs / (time.perf_counter() - self._start))
        self._update_start = time.perf_counter()

    def _on_step(self):
        return True


if ONLY in (None, "ppo_walker_steps_per_s"):
    model = PPO("MlpPolicy", gym.make("BipedalWalker-v3"), device="cpu", seed=0)
    callback = Phases()
    steps = max(2, int(SECONDS * 1400 / 2048) + 1) * 2048
    start = time.perf_counter()
    model.learn(total_timesteps=steps, callback=callback)
    figures["ppo_walker_steps_per_s"] = steps / (time.perf_counter() - start)
    figures["ppo_rollout_steps_per_s"] = max(callback.rollout_rates)
    figures["ppo_update_seconds"] = min(callback.update_seconds) if callback.update_seconds else 0

if ONLY in (None, "sac_gradient_steps_per_s"):
    model = SAC("MlpPolicy", gym.make("BipedalWalker-v3"), device="cpu", seed=0, learning_starts=2000)
    model.learn(total_timesteps=2000)  # fills the buffer; no updates yet
    figures["sac_gradient_steps_per_s"] = measure(lambda n: model.train(gradient_steps=n, batch_size=256), SECONDS, 1)
    mlp = 2.0 * 256 * (24 * 256 + 256 * 256 + 256)
    figures["sac_gflops"] = figures["sac_gradient_steps_per_s"] * 18 * mlp / 1e9

print(json.dumps(figures, indent=1, sort_keys=True))
