"""Timing shared by the Python sides of the benchmarks (the same scheme as bench/swift/Measure.swift)."""
import time


def measure(body, seconds, initial_batch=100):
    """Units per second: body(n) does n units; best of three runs of seconds/3 each, batches sized to a
    tenth of the budget (the machine is shared and noisy)."""
    batch = initial_batch
    while True:
        start = time.perf_counter()
        body(batch)
        if time.perf_counter() - start > seconds / 10:
            break
        batch *= 2
    best = 0.0
    for _ in range(3):
        steps = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            body(batch)
            steps += batch
        best = max(best, steps / (time.perf_counter() - start))
    return best
