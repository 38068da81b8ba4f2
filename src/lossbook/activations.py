"""Activation functions, nnfs style: ``forward(inputs)`` sets and returns ``self.output``."""
from __future__ import annotations

import numpy as np


class ReLU:
    """Rectified linear unit: ``max(0, x)`` element-wise."""

    def forward(self, inputs) -> np.ndarray:
        self.output = np.maximum(0, inputs)
        return self.output


class Softmax:
    """Turn each row of scores into probabilities that sum to 1.

    Inputs ``(n_samples, n_classes)``; the row maximum is subtracted before ``exp``
    so large scores do not overflow.

    >>> Softmax().forward(np.array([[1.0, 2.0, 3.0]])).round(3)
    array([[0.09 , 0.245, 0.665]])
    """

    def forward(self, inputs) -> np.ndarray:
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)
        return self.output
