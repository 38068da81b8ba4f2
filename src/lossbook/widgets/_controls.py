"""The two kinds of control: a number ``Range`` and a ``Choice``.

Each control is a fixed tuple of ``positions`` with a readout text each
(``labels``). The live widget and the static page offer exactly these
positions, so ``draw`` sees the same values in both, never one in between.
``spoken`` and ``announced`` put a position (and its result) into words, the
same words in the live view and in the static player.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..i18n import t


class Range:
    """A number slider: ``steps`` positions from ``min`` to ``max``, both included.

    ``scale="log"`` spaces them evenly in log scale (``min`` must then be > 0).
    ``value`` is where it starts, moved to the nearest position (default: the
    middle). ``label`` names it for the reader. Its readouts (``labels``) have as
    many decimals as it takes to tell the positions apart.

    >>> r = Range(0.1, 0.9, value=0.5, steps=5, label="confidence p")
    >>> r.positions, r.labels[:2], r.index
    ((0.1, 0.3, 0.5, 0.7, 0.9), ('0.1', '0.3'), 2)
    >>> Range(1e-7, 1, steps=8, scale="log").labels[:3]
    ('1e-07', '1e-06', '1e-05')
    """

    def __init__(self, min: float, max: float, value: float | None = None, steps: int = 40,
                 label: str | None = None, scale: str = "linear"):
        low, high = _number(min, "min"), _number(max, "max")
        if not low < high:
            raise ValueError(f"Range needs min < max; got min={min!r}, max={max!r}.")
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
            raise ValueError(f"Range needs steps, a whole number of positions >= 2; got {steps!r}.")
        if scale not in ("linear", "log"):
            raise ValueError(f"Range scale must be 'linear' or 'log'; got {scale!r}.")
        if scale == "log" and low <= 0:
            raise ValueError(f"a log-scale Range needs min > 0 (log(0) is -inf); got min={min!r}. "
                             "Start at a small positive number such as 1e-7.")
        self.min, self.max, self.steps, self.scale = low, high, int(steps), scale
        self.label = None if label is None else str(label)
        spaced = (np.geomspace if scale == "log" else np.linspace)(low, high, self.steps)
        # 12 significant digits (0.3, not 0.30000000000000004); the ends exactly as written
        self.positions = (low, *(float(f"{v:.12g}") for v in spaced[1:-1]), high)
        self.index = (self.steps - 1) // 2 if value is None else self.nearest(value)
        self.value = self.positions[self.index]
        self.labels = _distinct_labels(self.positions, scale)

    def nearest(self, value, what: str = "value") -> int:
        """Index of the position nearest ``value``; ValueError if it is outside the range."""
        v = _number(value, what)
        slack = 1e-9 * (self.max - self.min)
        if not self.min - slack <= v <= self.max + slack:
            raise ValueError(f"{what} {value!r} is outside the Range [{self.min:g}, {self.max:g}].")
        grid, v = np.array(self.positions), max(v, self.min)
        return int(np.argmin(np.abs(np.log(grid / v) if self.scale == "log" else grid - v)))

    def __repr__(self) -> str:
        extra = (f", label={self.label!r}" if self.label else "") + (
            ", scale='log'" if self.scale == "log" else "")
        return f"Range({self.min:g}, {self.max:g}, value={self.value:g}, steps={self.steps}{extra})"


class Choice:
    """A choice among a few options: a dict ``{label: value}`` or a list of values.

    ``value`` is the option selected first (default: the first one), given as
    an option's value or as its label.

    >>> c = Choice({"clipped": True, "raw": False}, value=False, label="log(0) guard")
    >>> c.labels, c.positions, c.index
    (('clipped', 'raw'), (True, False), 1)
    """

    def __init__(self, options: dict | Sequence, value=None, label: str | None = None):
        if isinstance(options, (str, bytes)) or not hasattr(options, "__iter__"):
            raise ValueError(f"Choice options must be a dict {{label: value}} or a list of values; "
                             f"got {options!r}.")
        pairs = list(options.items()) if isinstance(options, dict) else [(v, v) for v in options]
        if not pairs:
            raise ValueError("Choice needs at least one option.")
        self.labels = tuple(str(k) for k, _ in pairs)
        if len(set(self.labels)) != len(self.labels):
            raise ValueError(f"Choice option labels must differ; got {list(self.labels)}. "
                             "Give a dict {label: value} with distinct labels.")
        self.positions = tuple(v for _, v in pairs)
        self.label = None if label is None else str(label)
        self.index = 0 if value is None else self.nearest(value)
        self.value = self.positions[self.index]

    def nearest(self, value, what: str = "value") -> int:
        """Index of the option ``value`` (an option's value or its label)."""
        for i, option in enumerate(self.positions):
            if option is value or (type(option) is type(value) and _equal(option, value)):
                return i
        if isinstance(value, str) and value in self.labels:
            return self.labels.index(value)
        raise ValueError(f"{what} {value!r} is not one of the Choice options {list(self.labels)}.")

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Choice({dict(zip(self.labels, self.positions))!r}, value={self.value!r}{label})"


def spoken(label: str, text: str) -> str:
    """A control at a position, in words: ``spoken("confidence", "0.55")`` is
    "confidence 0.55"; an option that starts with its control's label is said once
    (``spoken("sample", "sample 1 (cat)")`` is "sample 1 (cat)")."""
    return text if text.startswith(label) else f"{label} {text}"


def announced(said: str, result: str) -> str:
    """What a move says: the control at its position, then the result in words,
    "confidence 0.55, loss 0.60" (the static player joins them with the same words)."""
    return t("{said}, {result}").format(said=said, result=result) if result else said


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"Range {what} must be a number; got {value!r}.")
    if not math.isfinite(value):
        raise ValueError(f"Range {what} must be finite; got {value!r}.")
    return float(value)


def _equal(a, b) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # arrays and other things without a plain ==
        return False


def _distinct_labels(positions: Sequence[float], scale: str) -> tuple[str, ...]:
    """The shortest labels that tell the positions apart, each within 5 % of the gap
    to its neighbours (so 0.025 shows as "0.025", not "0.03")."""
    values = np.array(positions)
    gaps = np.abs(np.diff(values))
    near = np.minimum(np.r_[gaps, np.inf], np.r_[np.inf, gaps])
    fixed, general = [f".{d}f" for d in range(7)], [f".{s}g" for s in range(1, 10)]
    log_like = scale == "log" or np.max(np.abs(values)) >= 1e6 or np.min(near) < 1e-6
    for spec in general + fixed if log_like else fixed + general:
        labels = tuple(format(v, spec) for v in values)
        if len(set(labels)) == len(labels) and np.all(
                np.abs(np.array(labels, float) - values) <= 0.05 * near):
            return labels
    return tuple(repr(v) for v in values)
