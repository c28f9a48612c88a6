"""Gymnasium's side of the task benchmark: the same figures as bench/swift/EnvironmentBench.swift, printed as JSON.

Random actions drawn in advance, reset when an episode ends, best of three timed runs per figure.
Usage: python envs_gymnasium.py [seconds-per-figure]
"""
import json
import sys
import time

from measure import measure as measure_units

import gymnasium as gym
import numpy as np

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0


def measure(body, initial_batch=100):
    return measure_units(body, SECONDS, initial_batch)


episode_lengths = []


def stepper(env_id, render, **kwargs):
    env = gym.make(env_id, render_mode="rgb_array" if render else None, **kwargs)
    rng = np.random.default_rng(0)
    low, high = env.action_space.low, env.action_space.high
    actions = rng.uniform(low, high, size=(4096,) + low.shape).astype(np.float32)
    state = {"i": 0, "seed": 0, "t": 0}
    env.reset(seed=0)
    episode_lengths.clear()

    def body(count):
        for _ in range(count):
            _, _, terminated, truncated, _ = env.step(actions[state["i"] & 4095])
            state["i"] += 1
            state["t"] += 1
            if render:
                env.render()
            if terminated or truncated:
                episode_lengths.append(state["t"])
                state["t"] = 0
                state["seed"] += 1
                env.reset(seed=state["seed"])

    return body


figures = {}
figures["lander_steps_per_s"] = measure(stepper("LunarLander-v3", False, continuous=True))
figures["lander_render_frames_per_s"] = measure(stepper("LunarLander-v3", True, continuous=True))
figures["walker_render_frames_per_s"] = measure(stepper("BipedalWalker-v3", True))
figures["car_steps_per_s"] = measure(stepper("CarRacing-v3", False))
figures["walker_steps_per_s"] = measure(stepper("BipedalWalker-v3", False))
lengths = list(episode_lengths) or [1600]

# The bare Box2D world step: motors set from the same kind of random actions, then world.Step only,
# resetting after the same episode lengths as the stepped figure.
walker = gym.make("BipedalWalker-v3").unwrapped
walker.reset(seed=0)
state = {"since": 0, "seed": 0, "i": 0, "episode": 0}
bare_actions = np.random.default_rng(0).uniform(-1, 1, size=(4096, 4))
speeds = [4, 6, 4, 6]


def bare(count):
    for _ in range(count):
        a = bare_actions[state["i"] & 4095]
        state["i"] += 1
        for j in range(4):
            walker.joints[j].motorSpeed = float(speeds[j] * np.sign(a[j]))
            walker.joints[j].maxMotorTorque = float(80 * min(abs(a[j]), 1.0))
        walker.world.Step(1.0 / 50, 6 * 30, 2 * 30)
        state["since"] += 1
        if state["since"] >= lengths[state["episode"] % len(lengths)]:
            state["episode"] += 1
            state["seed"] += 1
            walker.reset(seed=state["seed"])
            state["since"] = 0


figures["walker_bare_world_steps_per_s"] = measure(bare)
figures["gymnasium_version"] = gym.__version__
print(json.dumps(figures, indent=1, sort_keys=True))
