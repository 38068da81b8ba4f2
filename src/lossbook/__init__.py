"""lossbook: categorical cross-entropy from scratch, the package behind the book.

>>> import lossbook as lb
>>> lb.CategoricalCrossentropy().calculate([[0.7, 0.1, 0.2]], [0])
np.float64(0.35667494393873245)
>>> lb.BinaryCrossentropy().calculate([0.9, 0.2], [1, 0])
np.float64(0.16425203348601802)
"""
from . import i18n  # noqa: F401  (first: LOSSBOOK_LANG=zh_CN sets the CJK font before any plot)
from .activations import ReLU, Sigmoid, Softmax
from .calibration import expected_calibration_error, fit_temperature, reliability_bins
from .layers import Dense
from .losses import BinaryCrossentropy, CategoricalCrossentropy, Loss
from .metrics import accuracy

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "Dense", "Loss", "ReLU", "Sigmoid", "Softmax",
           "accuracy", "expected_calibration_error", "fit_temperature", "reliability_bins"]
