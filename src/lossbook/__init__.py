"""lossbook: categorical cross-entropy from scratch, the package behind the book.

>>> import lossbook as lb
>>> lb.CategoricalCrossentropy().calculate([[0.7, 0.1, 0.2]], [0])
np.float64(0.35667494393873245)
"""
from . import i18n  # noqa: F401  (first: LOSSBOOK_LANG=zh_CN sets the CJK font before any plot)
from .activations import ReLU, Softmax
from .calibration import expected_calibration_error, fit_temperature, reliability_bins
from .layers import Dense
from .losses import CategoricalCrossentropy, Loss
from .metrics import accuracy

__all__ = ["CategoricalCrossentropy", "Dense", "Loss", "ReLU", "Softmax", "accuracy",
           "expected_calibration_error", "fit_temperature", "reliability_bins"]
