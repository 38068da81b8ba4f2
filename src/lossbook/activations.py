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


class Sigmoid:
    """The logistic sigmoid ``1 / (1 + exp(-x))``, element-wise: a score into a probability of "yes".

    Computed as ``1 / (1 + e^-|x|)`` for ``x >= 0`` and ``e^-|x| / (1 + e^-|x|)`` below,
    so ``exp`` never overflows, even for scores like -1000 (chapter 10).

    >>> Sigmoid().forward(np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])).round(4)
    array([0.    , 0.1192, 0.5   , 0.8808, 1.    ])
    """

    def forward(self, inputs) -> np.ndarray:
        inputs = np.asarray(inputs)
        small = np.exp(-np.abs(inputs))  # in (0, 1]: never overflows
        self.output = np.where(inputs >= 0, 1, small) / (1 + small)
        return self.output
