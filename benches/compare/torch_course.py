#!/usr/bin/env python3
"""The course's jobs in PyTorch (CPU), as a PyTorch user would write them: the same data, the
same initial weights as numpy_course.py, autograd for the gradients and plain gradient descent.

Usage: python3 torch_course.py {logistic|deep} {f32|f64} [iterations]
Needs torch, numpy and h5py; reads $NDNET_DATA/catvnoncat (default data/). Uses torch's default
number of threads (all cores). Prints the same final line as ndnet's examples:
train_accuracy=… test_accuracy=… train_seconds=…  Only training is timed (not loading).
"""
import os
import sys
import time

import h5py
import numpy as np
import torch

job = sys.argv[1] if len(sys.argv) > 1 else "deep"
dtype = torch.float64 if len(sys.argv) > 2 and sys.argv[2] == "f64" else torch.float32
data = os.path.join(os.environ.get("NDNET_DATA", "data"), "catvnoncat")


def load(name, key, m):
    with h5py.File(os.path.join(data, name), "r") as f:
        x = np.array(f[key + "_x"]).reshape(m, -1).T / 255.0
        y = np.array(f[key + "_y"]).reshape(1, -1)
    return torch.tensor(x, dtype=dtype), torch.tensor(y, dtype=dtype)


x_train, y_train = load("train_catvnoncat.h5", "train_set", 209)
x_test, y_test = load("test_catvnoncat.h5", "test_set", 50)


def bce(a, y):
    return -(y * torch.log(a) + (1 - y) * torch.log(1 - a)).mean()


def train(params, forward, iterations, alpha):
    for _ in range(iterations):
        loss = bce(forward(x_train), y_train)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= alpha * p.grad
                p.grad = None
    return lambda x: forward(x).detach()


def logistic(iterations=2000, alpha=0.005):
    w = torch.zeros((x_train.shape[0], 1), dtype=dtype, requires_grad=True)
    b = torch.zeros((), dtype=dtype, requires_grad=True)
    return train([w, b], lambda x: torch.sigmoid(w.T @ x + b), iterations, alpha)


def deep(iterations=2500, alpha=0.0075, dims=(12288, 20, 7, 5, 1)):
    np.random.seed(1)  # the course's initial weights, as in numpy_course.py
    params = []
    for l in range(1, len(dims)):
        w = np.random.randn(dims[l], dims[l - 1]) / np.sqrt(dims[l - 1])
        params += [torch.tensor(w, dtype=dtype, requires_grad=True),
                   torch.zeros((dims[l], 1), dtype=dtype, requires_grad=True)]

    def forward(x):
        a = x
        for l in range(0, len(params), 2):
            z = params[l] @ a + params[l + 1]
            a = torch.relu(z) if l + 2 < len(params) else torch.sigmoid(z)
        return a

    return train(params, forward, iterations, alpha)


start = time.perf_counter()
if job == "logistic":
    predict = logistic(*(int(a) for a in sys.argv[3:4]))
else:
    predict = deep(*(int(a) for a in sys.argv[3:4]))
seconds = time.perf_counter() - start
accuracy = lambda x, y: ((predict(x) > 0.5).to(dtype) == y).to(torch.float64).mean().item()
print("train_accuracy=%.4f test_accuracy=%.4f train_seconds=%.3f"
      % (accuracy(x_train, y_train), accuracy(x_test, y_test), seconds))
