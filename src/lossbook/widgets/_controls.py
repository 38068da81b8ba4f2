"""The two kinds of control a slider can have: a number range and a choice.

Each control is a fixed list of positions. The live widget and the static page
offer exactly the same positions, so ``draw`` sees the same values in both, and
never a value outside the control.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np


class Range:
    """A number slider: ``steps`` positions from ``min`` to ``max``, both included.

    ``scale="log"`` spaces the positions evenly in log scale (for probabilities
    down to 1e-7, say); ``min`` must then be positive. ``value`` is where the
    slider starts, moved to the nearest position (default: the middle one).
    ``label`` names the control for the reader (default: its keyword name) and
    ``fmt`` writes a value as text, either a format spec such as ``".2f"`` or a
    function; by default it has as many decimals as the positions need.

    >>> r = Range(0.1, 0.9, value=0.5, steps=5, label="confidence p")
    >>> r.positions
    (0.1, 0.3, 0.5, 0.7, 0.9)
    >>> [r.format(v) for v in r.positions]
    ['0.1', '0.3', '0.5', '0.7', '0.9']
    >>> Range(1e-7, 1, steps=8, scale="log").labels[:3]
    ('1e-07', '1e-06', '1e-05')
    """

    def __init__(self, min: float, max: float, value: float | None = None, steps: int = 40,
                 label: str | None = None, scale: str = "linear",
                 fmt: str | Callable[[float], str] | None = None):
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
        spaced = np.geomspace(low, high, self.steps) if scale == "log" else np.linspace(low, high, self.steps)
        # 12 significant digits: 0.3, not 0.30000000000000004; the ends exactly as written
        self.positions: tuple[float, ...] = (
            low, *(float(f"{v:.12g}") for v in spaced[1:-1]), high)
        if value is None:
            self.index = (self.steps - 1) // 2
        else:
            self.index = self.nearest(value, what="value")
        self.value = self.positions[self.index]
        self.fmt = fmt
        if fmt is None:
            self.labels: tuple[str, ...] = _distinct_labels(self.positions, scale)
        else:
            self.labels = tuple(self.format(v) for v in self.positions)

    def nearest(self, value, what: str = "value") -> int:
        """Index of the position nearest ``value``; ValueError if it is outside the range."""
        v = _number(value, what)
        span = self.max - self.min
        if not (self.min - 1e-9 * span <= v <= self.max + 1e-9 * span):
            raise ValueError(f"{what} {value!r} is outside the Range [{self.min:g}, {self.max:g}].")
        grid = np.array(self.positions)
        if self.scale == "log":
            return int(np.argmin(np.abs(np.log(grid) - math.log(max(v, self.min)))))
        return int(np.argmin(np.abs(grid - v)))

    def format(self, value: float) -> str:
        """The value as the reader sees it."""
        if self.fmt is None:
            if value in self.positions:
                return self.labels[self.positions.index(value)]
            return f"{value:.6g}"
        if callable(self.fmt):
            return str(self.fmt(value))
        try:
            return format(value, self.fmt)
        except (ValueError, TypeError) as error:
            raise ValueError(f"Range fmt {self.fmt!r} is not a format spec for numbers "
                             "(try '.2f', '.0%' or '.1e'), nor a function.") from error

    def __repr__(self) -> str:
        scale = ", scale='log'" if self.scale == "log" else ""
        label = f", label={self.label!r}" if self.label else ""
        return f"Range({self.min:g}, {self.max:g}, value={self.value:g}, steps={self.steps}{label}{scale})"


class Choice:
    """A choice among a few options: a dict ``{label: value}`` or a list of values.

    ``value`` is the option selected first (default: the first one); it may be
    given as an option's value or as its label.

    >>> c = Choice({"clipped": True, "raw": False}, value=False, label="log(0) guard")
    >>> c.labels, c.positions, c.index
    (('clipped', 'raw'), (True, False), 1)
    >>> Choice([1, 2, 3]).labels
    ('1', '2', '3')
    """

    def __init__(self, options: dict | Sequence, value=None, label: str | None = None):
        if isinstance(options, dict):
            labels, values = [str(k) for k in options], list(options.values())
        elif isinstance(options, (str, bytes)) or not hasattr(options, "__iter__"):
            raise ValueError(f"Choice options must be a dict {{label: value}} or a list of values; "
                             f"got {options!r}.")
        else:
            values = list(options)
            labels = [str(v) for v in values]
        if not values:
            raise ValueError("Choice needs at least one option.")
        if len(set(labels)) != len(labels):
            raise ValueError(f"Choice option labels must differ; got {labels}. "
                             "Give a dict {label: value} with distinct labels.")
        self.labels: tuple[str, ...] = tuple(labels)
        self.positions: tuple = tuple(values)
        self.label = None if label is None else str(label)
        self.index = 0 if value is None else self.nearest(value, what="value")
        self.value = self.positions[self.index]

    def nearest(self, value, what: str = "value") -> int:
        """Index of the option ``value`` (an option's value or its label)."""
        for i, option in enumerate(self.positions):
            if _same(option, value):
                return i
        if isinstance(value, str) and value in self.labels:
            return self.labels.index(value)
        raise ValueError(f"{what} {value!r} is not one of the Choice options {list(self.labels)}.")

    def format(self, value) -> str:
        """The option's label."""
        return self.labels[self.nearest(value)]

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Choice({dict(zip(self.labels, self.positions))!r}, value={self.value!r}{label})"


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"Range {what} must be a number; got {value!r}.")
    if not math.isfinite(value):
        raise ValueError(f"Range {what} must be finite; got {value!r}.")
    return float(value)


def _same(a, b) -> bool:
    if a is b:
        return True
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError):  # arrays and other things without a plain ==
        return False


def _distinct_labels(positions: Sequence[float], scale: str) -> tuple[str, ...]:
    """The shortest labels that tell every position apart and stay close to it.

    Each label must be within 5 % of the gap to the neighbouring positions, so
    that 0.025 shows as "0.025", not as "0.03".
    """
    values = np.array(positions)
    gaps = np.abs(np.diff(values))
    near = np.minimum(np.r_[gaps, np.inf], np.r_[np.inf, gaps])
    fixed = [f".{d}f" for d in range(7)]
    general = [f".{s}g" for s in range(1, 10)]
    large_or_tiny = np.max(np.abs(values)) >= 1e6 or np.min(near) < 1e-6
    for spec in (general + fixed) if scale == "log" or large_or_tiny else (fixed + general):
        labels = [format(v, spec) for v in values]
        if len(set(labels)) == len(labels) and np.all(
                np.abs(np.array([float(t) for t in labels]) - values) <= 0.05 * near):
            return tuple(labels)
    return tuple(repr(v) for v in values)
