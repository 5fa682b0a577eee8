#!/usr/bin/env python3
"""The course's vectorized numpy code on the cat-vs-non-cat data, timed like ndnet's examples.

Usage: python3 numpy_course.py {logistic|deep} {f64|f32} [iterations]
Needs numpy and h5py (pip install numpy h5py); reads $NDNET_DATA/catvnoncat (default data/).
Prints the same final line as ndnet's examples: train_accuracy=… test_accuracy=… train_seconds=…
Only training is timed (not loading), as in the examples.
"""
import os
import sys
import time

import h5py
import numpy as np

job = sys.argv[1] if len(sys.argv) > 1 else "deep"
dtype = np.float32 if len(sys.argv) > 2 and sys.argv[2] == "f32" else np.float64
data = os.path.join(os.environ.get("NDNET_DATA", "data"), "catvnoncat")
with h5py.File(os.path.join(data, "train_catvnoncat.h5"), "r") as f:
    x_train = (np.array(f["train_set_x"]).reshape(209, -1).T / 255.0).astype(dtype)
    y_train = np.array(f["train_set_y"]).reshape(1, -1).astype(dtype)
with h5py.File(os.path.join(data, "test_catvnoncat.h5"), "r") as f:
    x_test = (np.array(f["test_set_x"]).reshape(50, -1).T / 255.0).astype(dtype)
    y_test = np.array(f["test_set_y"]).reshape(1, -1).astype(dtype)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def logistic(iterations=2000, alpha=0.005):
    """The course's 'Logistic Regression with a Neural Network mindset', zero init."""
    m = x_train.shape[1]
    w, b = np.zeros((x_train.shape[0], 1), dtype), 0.0
    for i in range(iterations):
        a = sigmoid(w.T @ x_train + b)
        cost = -np.sum(y_train * np.log(a) + (1 - y_train) * np.log(1 - a)) / m
        dz = a - y_train
        dw, db = x_train @ dz.T / m, np.sum(dz) / m
        w, b = w - alpha * dw, b - alpha * db
    return lambda x: sigmoid(w.T @ x + b)


def deep(iterations=2500, alpha=0.0075, dims=(12288, 20, 7, 5, 1)):
    """The course's L_layer_model: ReLU hidden layers, sigmoid output, randn/sqrt(n) init, seed 1."""
    np.random.seed(1)
    params = {}
    for l in range(1, len(dims)):
        params["W%d" % l] = (np.random.randn(dims[l], dims[l - 1]) / np.sqrt(dims[l - 1])).astype(dtype)
        params["b%d" % l] = np.zeros((dims[l], 1), dtype)
    depth, m = len(dims) - 1, x_train.shape[1]

    def forward(x):
        a, caches = x, []
        for l in range(1, depth + 1):
            z = params["W%d" % l] @ a + params["b%d" % l]
            caches.append((a, z))
            a = np.maximum(0, z) if l < depth else sigmoid(z)
        return a, caches

    for i in range(iterations):
        al, caches = forward(x_train)
        cost = -np.sum(y_train * np.log(al) + (1 - y_train) * np.log(1 - al)) / m
        da = -(np.divide(y_train, al) - np.divide(1 - y_train, 1 - al))
        grads = {}
        for l in range(depth, 0, -1):
            a_prev, z = caches[l - 1]
            if l == depth:
                s = sigmoid(z)
                dz = da * s * (1 - s)
            else:
                dz = np.array(da, copy=True)
                dz[z <= 0] = 0
            grads["dW%d" % l] = dz @ a_prev.T / m
            grads["db%d" % l] = np.sum(dz, axis=1, keepdims=True) / m
            da = params["W%d" % l].T @ dz
        for l in range(1, depth + 1):
            params["W%d" % l] = params["W%d" % l] - alpha * grads["dW%d" % l]
            params["b%d" % l] = params["b%d" % l] - alpha * grads["db%d" % l]
    return lambda x: forward(x)[0]


start = time.perf_counter()
if job == "logistic":
    predict = logistic(*(int(a) for a in sys.argv[3:4]))
else:
    predict = deep(*(int(a) for a in sys.argv[3:4]))
seconds = time.perf_counter() - start
accuracy = lambda x, y: np.mean((predict(x) > 0.5) == y)
print("train_accuracy=%.4f test_accuracy=%.4f train_seconds=%.3f" % (accuracy(x_train, y_train), accuracy(x_test, y_test), seconds))
