#!/usr/bin/env python3
"""The everyday jobs of examples/user_jobs.rs in PyTorch (CPU), as a PyTorch user writes them:
nn.Sequential of nn.Linear + nn.ReLU, CrossEntropyLoss / BCEWithLogitsLoss, torch.optim.Adam
(lr 1e-3, eps 1e-8), a randperm shuffle per epoch, torch.set_num_threads(2), inference under
torch.inference_mode() on a (1, n_x) tensor.

Usage: python3 torch_jobs.py {mnist|wide|tiny|infer}
Needs torch and numpy; mnist and wide read $NDNET_DATA/mnist (the t10k files). Prints one
key=value line like user_jobs; only training (or inference) is timed.
"""
import gzip
import os
import sys
import time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(2)
torch.manual_seed(0)
job = sys.argv[1] if len(sys.argv) > 1 else "mnist"


def idx(name):
    path = os.path.join(os.environ.get("NDNET_DATA", "data"), "mnist", name)
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def mlp(sizes):
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        linear = nn.Linear(a, b)
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def train(model, x, y, loss_fn, batch, epochs):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-8)
    m = x.shape[0]
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(m)
        for i in range(0, m, batch):
            idx_ = order[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx_]), y[idx_])
            loss.backward()
            opt.step()
    return time.perf_counter() - start


def digits(sizes, batch, epochs):
    x = torch.tensor(idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784) / 255.0, dtype=torch.float32)
    y = torch.tensor(idx("t10k-labels-idx1-ubyte.gz").astype(np.int64))
    model = mlp(sizes)
    seconds = train(model, x, y, nn.CrossEntropyLoss(), batch, epochs)
    with torch.inference_mode():
        accuracy = (model(x).argmax(1) == y).float().mean().item()
    print(f"job={sizes} train_accuracy={accuracy:.4f} train_seconds={seconds:.3f}")


def tabular(m, rng):
    x = rng.uniform(-2, 2, size=(m, 30)).astype(np.float32)
    y = (x[:, :5].sum(1) > 0).astype(np.float32)[:, None]
    return torch.tensor(x), torch.tensor(y)


def tiny():
    x, y = tabular(455, np.random.default_rng(0))
    model = mlp([30, 16, 1])
    seconds = train(model, x, y, nn.BCEWithLogitsLoss(), 32, 200)
    with torch.inference_mode():
        accuracy = ((model(x) > 0).float() == y).float().mean().item()
    print(f"job=tiny train_accuracy={accuracy:.4f} train_seconds={seconds:.3f}")


def one_at_a_time(model, x):
    times = []
    with torch.inference_mode():
        for i in range(2200):
            row = x[i % x.shape[0]].unsqueeze(0)
            start = time.perf_counter()
            torch.softmax(model(row), 1) if model[-1].out_features > 1 else torch.sigmoid(model(row))
            if i >= 200:
                times.append((time.perf_counter() - start) * 1e6)
    return sorted(times)[len(times) // 2]


def infer():
    rng = np.random.default_rng(0)
    digits_net, tiny_net = mlp([784, 128, 10]), mlp([30, 16, 1])
    images = torch.tensor(rng.uniform(0, 1, size=(10_000, 784)).astype(np.float32))
    table, _ = tabular(455, rng)
    one_digit = one_at_a_time(digits_net, images)
    one_row = one_at_a_time(tiny_net, table)
    best = float("inf")
    with torch.inference_mode():
        for _ in range(5):
            start = time.perf_counter()
            torch.softmax(digits_net(images), 1)
            best = min(best, time.perf_counter() - start)
    print(f"job=infer one_784_128_10_us={one_digit:.2f} one_30_16_1_us={one_row:.3f} "
          f"batch_10000_784_128_10_ms={best * 1e3:.2f}")


{"mnist": lambda: digits([784, 128, 10], 200, 10),
 "wide": lambda: digits([784, 512, 256, 10], 64, 3),
 "tiny": tiny,
 "infer": infer}[job]()
