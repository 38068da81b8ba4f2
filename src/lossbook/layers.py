"""A fully connected layer, as in nnfs chapter 3."""
from __future__ import annotations

import numpy as np


class Dense:
    """``output = inputs @ weights + biases``; inputs ``(n_samples, n_inputs)``.

    Weights start as ``0.01 * np.random.randn(n_inputs, n_neurons)``, biases as zeros
    ``(1, n_neurons)``: the same random draws as the nnfs book, so after
    ``nnfs.init()`` its numbers come out exactly.
    """

    def __init__(self, n_inputs: int, n_neurons: int):
        self.weights = 0.01 * np.random.randn(n_inputs, n_neurons)
        self.biases = np.zeros((1, n_neurons))

    def forward(self, inputs) -> np.ndarray:
        # np.dot, not @: nnfs.init() patches np.dot so results match the book.
        self.output = np.dot(inputs, self.weights) + self.biases
        return self.output
