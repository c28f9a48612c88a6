"""pyribs' side of the QD benchmark: GridArchive.add in batches of 36 and 1000 (10-d solutions, 2-d
measures, 100×100 grid) and MAP-Elites iterations on the arm. Usage: python qd_pyribs.py [seconds]"""
import json
import sys

import numpy as np
import ribs
from ribs.archives import GridArchive
from ribs.emitters import GaussianEmitter
from ribs.schedulers import Scheduler

from measure import measure

SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
rng = np.random.default_rng(0)
figures = {"ribs_version": ribs.__version__}

for batch in (36, 1000):
    archive = GridArchive(solution_dim=10, dims=[100, 100], ranges=[(-1, 1), (-1, 1)])
    batches = [(rng.uniform(-1, 1, (batch, 10)), rng.uniform(0, 100, batch), rng.uniform(-1, 1, (batch, 2))) for _ in range(64)]
    state = {"k": 0}

    def add(n, batches=batches, archive=archive):
        for _ in range(n):
            s, o, m = batches[state["k"] & 63]
            archive.add(s, o, m)
            state["k"] += 1

    figures[f"grid_add_b{batch}_per_s"] = batch * measure(add, SECONDS, 10)


def arm(solutions):
    """The 10-joint planar arm: objective 100·(1 − var(θ/π)), measures the end-effector position."""
    objective = 100 * (1 - np.var(solutions / np.pi, axis=1))
    cumulative = np.cumsum(solutions, axis=1)
    measures = np.stack([np.cos(cumulative).sum(axis=1), np.sin(cumulative).sum(axis=1)], axis=1) / solutions.shape[1]
    return objective, measures


archive = GridArchive(solution_dim=10, dims=[100, 100], ranges=[(-1, 1), (-1, 1)])
emitter = GaussianEmitter(archive, sigma=0.1, x0=np.zeros(10), batch_size=36, bounds=[(-np.pi, np.pi)] * 10)
scheduler = Scheduler(archive, [emitter])


def iterate(n):
    for _ in range(n):
        solutions = scheduler.ask()
        objective, measures = arm(solutions)
        scheduler.tell(objective, measures)


figures["map_elites_iterations_per_s"] = measure(iterate, SECONDS, 10)
print(json.dumps(figures, indent=1, sort_keys=True))
