"""Plotting helpers shared by the chapters.

Defined in chapter 1 (``confidence_bars``); used again in chapters 3 and 7.
"""
from __future__ import annotations

import numpy as np

from .i18n import t

CLASSES = ("dog", "cat", "human")
"""The book's running example: class 0 is a dog, 1 a cat, 2 a human."""

CORRECT_COLOR = "#1f77b4"  # blue
OTHER_COLOR = "#b8b8b8"  # light grey


def confidence_bars(ax, confidences, target=None, classes=CLASSES, title=None):
    """Draw one sample's confidences as bars on ``ax``, the target class highlighted.

    ``confidences``: shape ``(n_classes,)``, e.g. one row of a softmax output.
    ``target``: index of the correct class, or ``None``. The correct bar is blue and
    hatched and its tick label says "(correct)", so colour is not the only cue.

    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> confidence_bars(ax, [0.22, 0.6, 0.18], target=1, title="model A")
    """
    confidences = np.asarray(confidences, dtype=float)
    if confidences.ndim != 1 or len(confidences) != len(classes):
        raise ValueError(
            f"confidences must be one row with one value per class ({len(classes)}); "
            f"got shape {confidences.shape}."
        )
    positions = np.arange(len(classes))
    is_target = positions == target
    bars = ax.bar(
        positions,
        confidences,
        color=np.where(is_target, CORRECT_COLOR, OTHER_COLOR),
        edgecolor="black",
        linewidth=0.6,
    )
    for bar, correct in zip(bars, is_target):
        if correct:
            bar.set_hatch("//")
    ax.bar_label(bars, labels=[f"{c:.2f}" for c in confidences], padding=2)
    ax.set_xticks(positions, [f"{t(name)}\n{t('(correct)')}" if correct else t(name)
                              for name, correct in zip(classes, is_target)])
    ax.set_ylim(0, 1.08)
    ax.set_xlabel(t("class"))
    ax.set_ylabel(t("confidence"))
    if title is not None:
        ax.set_title(title)
