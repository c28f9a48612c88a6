"""Writes python_written.safetensors with the `safetensors` package, for the loading test.

Run from this folder with a Python that has numpy and safetensors:  python make_fixture.py
"""
import numpy as np
from safetensors.numpy import save_file

tensors = {
    "layers.0.weight": np.arange(12, dtype=np.float32).reshape(3, 4) / 8,
    "layers.0.bias": np.array([0.5, -1.5, 2.25], dtype=np.float32),
    "scalar": np.array(3.0, dtype=np.float32),
    "double": np.array([[1.0, -2.0]], dtype=np.float64),
}
save_file(tensors, "python_written.safetensors", metadata={"writer": "safetensors-python", "note": "fixture"})
