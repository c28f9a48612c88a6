"""Deterministic evaluation of a Stable-Baselines3 model on a Gymnasium task, shared by the Python peers
(bench/sb3_learning.py and bench/pbrl_imitation.py, which run in different virtual environments)."""
import gymnasium as gym


def deterministic_returns(model, task, episodes, seed_base=10_000):
    """True returns of `episodes` episodes seeded `seed_base`, `seed_base + 1`, … with deterministic actions."""
    env = gym.make(task)
    returns = []
    for k in range(episodes):
        obs, _ = env.reset(seed=seed_base + k)
        done, total = False, 0.0
        while not done:
            action, _ = model.predict(obs, deterministic=True)
            obs, reward, terminated, truncated, _ = env.step(action)
            total += reward
            done = terminated or truncated
        returns.append(total)
    return returns
