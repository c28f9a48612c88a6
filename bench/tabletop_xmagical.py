"""X-Magical's side of the tabletop benchmark: SweepToTop steps/s and step + 64x64 render frames/s per body.

X-Magical 0.0.x (kevinzakka/x-magical on PyPI) runs on pymunk 5.6, which predates Python 3.10's removal of
the collections ABC aliases; the alias is restored before import. Random actions drawn in advance, reset at
the time limit, best of three timed runs per figure (bench/measure.py), printed as JSON.
Usage: python tabletop_xmagical.py [seconds-per-figure]
"""
import collections
import collections.abc
import json
import sys

collections.Sequence = collections.abc.Sequence  # pymunk 5.6 on Python >= 3.10
collections.Mapping = collections.abc.Mapping

import contextlib
import io

import numpy as np

with contextlib.redirect_stdout(io.StringIO()):  # pymunk prints "Loading chipmunk ..." on import
    import xmagical
    from xmagical.benchmarks.sweep_to_top import SweepToTopEnv
from measure import measure

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
BODIES = {"ShortStick": "Shortstick", "MediumStick": "Mediumstick", "LongStick": "Longstick", "Gripper": "Gripper"}


def stepper(embodiment, render):
    # The registered State-Allo-Demo envs: state observations, 8 fps with 10 substeps (benchmarks/__init__.py).
    robot = {"Gripper": xmagical.entities.NonHolonomicGripperEmbodiment}.get(embodiment) \
        or getattr(xmagical.entities, f"{embodiment}Embodiment")
    env = SweepToTopEnv(robot_cls=robot, use_state=True, res_hw=(64, 64),
                        max_episode_steps=50 if embodiment == "Longstick" else 100, fps=8, phys_steps=10)
    rng = np.random.default_rng(0)
    dof = env.action_space.shape[0]
    actions = rng.uniform(-1, 1, size=(4096, dof)).astype(np.float32)
    state = {"i": 0, "seed": 0}
    env.seed(0)
    env.reset()

    def body(count):
        for _ in range(count):
            out = env.step(actions[state["i"] & 4095])
            done = out[2]
            state["i"] += 1
            if render:
                env.render(mode="rgb_array")
            if done:
                state["seed"] += 1
                env.seed(state["seed"])
                env.reset()

    return body


figures = {}
for ours, theirs in BODIES.items():
    figures[f"SweepToTop-{ours}_steps_per_s"] = measure(stepper(theirs, False), SECONDS, 50)
    figures[f"SweepToTop-{ours}_render64_frames_per_s"] = measure(stepper(theirs, True), SECONDS, 50)
print(json.dumps(figures, indent=2, sort_keys=True))
