"""PyTorch's side of the NeuralNets benchmark: the same work as bench/swift/NeuralNetBench.swift, one thread.

Usage: python nn_torch.py [seconds-per-figure] [figure]
"""
import json
import sys
import time

from measure import measure as measure_units

import torch
from torch import nn

torch.set_num_threads(1)
SECONDS = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0


def measure(body, initial_batch=100):
    return measure_units(body, SECONDS, initial_batch)
ONLY = sys.argv[2] if len(sys.argv) > 2 else None


def wanted(name):
    return ONLY is None or ONLY == name


figures = {"torch_version": torch.__version__}

if wanted("sgemm_512_gflops"):
    a, b = torch.rand(512, 512), torch.rand(512, 512)

    def gemm(n):
        for _ in range(n):
            torch.mm(a, b)

    figures["sgemm_512_gflops"] = measure(gemm, 1) * 2 * 512**3 / 1e9

pairs, segment, input_size = 128, 50, 28
rows = pairs * 2 * segment
reward_model = nn.Sequential(
    nn.Linear(input_size, 256), nn.LeakyReLU(), nn.Linear(256, 256), nn.LeakyReLU(),
    nn.Linear(256, 256), nn.LeakyReLU(), nn.Linear(256, 1))
flops_per_row = 2.0 * (input_size * 256 + 256 * 256 * 2 + 256)

if wanted("bt_pair_updates_per_s"):
    adam = torch.optim.Adam(reward_model.parameters(), lr=3e-4)
    x = torch.rand(rows, input_size) * 2 - 1
    labels = torch.randint(0, 2, (pairs,)).float()

    def update(n):
        for _ in range(n):
            adam.zero_grad()
            returns = reward_model(x).reshape(pairs, 2, segment).sum(dim=2)
            logits = returns[:, 0] - returns[:, 1]
            loss = nn.functional.binary_cross_entropy_with_logits(logits, labels)
            loss.backward()
            adam.step()

    per_second = measure(update, 1)
    figures["bt_pair_updates_per_s"] = per_second * pairs
    figures["bt_gflops"] = per_second * rows * 3 * flops_per_row / 1e9

if wanted("bt_inference_rows_per_s"):
    x = torch.rand(10_000, input_size) * 2 - 1

    def infer(n):
        with torch.no_grad():
            for _ in range(n):
                reward_model(x)

    figures["bt_inference_rows_per_s"] = 10_000 * measure(infer, 1)

cnn = nn.Sequential(
    nn.Conv2d(3, 32, 8, 4), nn.ReLU(), nn.Conv2d(32, 64, 4, 2), nn.ReLU(), nn.Conv2d(64, 64, 3, 1), nn.ReLU(),
    nn.Flatten(), nn.Linear(1024, 512), nn.ReLU(), nn.Linear(512, 1))

if wanted("cnn_train_images_per_s"):
    adam = torch.optim.Adam(cnn.parameters(), lr=1e-4)
    images, targets = torch.rand(64, 3, 64, 64), torch.rand(64, 1) * 2 - 1

    def train(n):
        for _ in range(n):
            adam.zero_grad()
            ((cnn(images) - targets) ** 2).mean().backward()
            adam.step()

    figures["cnn_train_images_per_s"] = 64 * measure(train, 1)

if wanted("cnn_inference_images_per_s"):
    images = torch.rand(256, 3, 64, 64)

    def infer_cnn(n):
        with torch.no_grad():
            for _ in range(n):
                cnn(images)

    figures["cnn_inference_images_per_s"] = 256 * measure(infer_cnn, 1)

# RAPL's frame encoder (issue 27): the Nature-CNN backbone and its 512 → 32 linear head, inference on
# batches of 256 64×64 frames, as VisualRewards' FrameEncoder encodes rollouts.
encoder = nn.Sequential(
    nn.Conv2d(3, 32, 8, 4), nn.ReLU(), nn.Conv2d(32, 64, 4, 2), nn.ReLU(), nn.Conv2d(64, 64, 3, 1), nn.ReLU(),
    nn.Flatten(), nn.Linear(1024, 512), nn.ReLU(), nn.Linear(512, 32))

if wanted("rapl_encoder_images_per_s"):
    frames = torch.rand(256, 3, 64, 64)

    def encode(n):
        with torch.no_grad():
            for _ in range(n):
                encoder(frames)

    figures["rapl_encoder_images_per_s"] = 256 * measure(encode, 1)

small = nn.Sequential(nn.Linear(8, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 2))
small_adam = torch.optim.Adam(small.parameters(), lr=3e-4)
for batch in (1, 64):
    x = torch.rand(batch, 8) * 2 - 1
    if wanted(f"small_forward_b{batch}_per_s"):
        def forward(n, x=x):
            with torch.no_grad():
                for _ in range(n):
                    small(x)

        figures[f"small_forward_b{batch}_per_s"] = measure(forward)
    if wanted(f"small_update_b{batch}_per_s"):
        def small_update(n, x=x):
            for _ in range(n):
                small_adam.zero_grad()
                (small(x) ** 2).mean().backward()
                small_adam.step()

        figures[f"small_update_b{batch}_per_s"] = measure(small_update)

print(json.dumps(figures, indent=1, sort_keys=True))
