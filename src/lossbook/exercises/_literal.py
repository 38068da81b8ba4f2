"""Write a value as Python source that gives back exactly that value.

The autograder test cells hold their inputs and expected values as literals, so that
nothing outside the cell decides a grade. ``literal(value)`` writes numbers at full
precision, text, tuples and lists, and NumPy arrays and scalars with their dtype
(using the name ``np``), wrapped to a line width. It checks the round trip: the
source evaluates to the same types, dtypes, shapes and bits, or ``ValueError``.

>>> print(literal((np.array([0.1, 0.25], dtype=np.float32), 2)))
(np.array([0.1, 0.25], dtype=np.float32), 2)
>>> print(literal(np.repeat(np.arange(3), 100)))
np.repeat([0, 1, 2], 100)
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

WIDTH = 88  # the longest line a notebook code cell may have
DEFAULT_DTYPES = ("float64", "int64", "bool")  # what np.array infers from Python values


class Raw(str):
    """Text that is already Python source: a name, or an array element like ``0.1``."""


class Call:
    """A call to write, ``name(arg, ..., key=value)``, wrapped like a container."""

    def __init__(self, name: str, *args, **keywords):
        self.name, self.args = name, list(args)
        self.args += [Keyword(key, value) for key, value in keywords.items()]


class Keyword:
    """``key=value`` inside a ``Call``."""

    def __init__(self, key: str, value: Any):
        self.key, self.value = key, value


def literal(value: Any, indent: int = 0, width: int = WIDTH) -> str:
    """Source for ``value``, starting at column ``indent``, lines at most ``width`` long."""
    text = source(value, indent, width)
    if not same(value, eval(text, {"np": np})):  # noqa: S307 - our own source
        raise ValueError(f"cannot write {_short(value)} as a literal that gives it back exactly.")
    return text


def source(value: Any, indent: int = 0, width: int = WIDTH) -> str:
    """Like ``literal`` (without the round trip), and ``Call`` and ``Keyword`` allowed."""
    return _format(value, indent, width)


def _format(value: Any, indent: int, width: int) -> str:
    flat = _flat(value)
    if indent + len(flat) <= width:
        return flat
    if _is_text(value):
        return _long_text(value, indent, width)
    if isinstance(value, Keyword):
        column = indent + len(value.key) + 1 if isinstance(value.value, np.ndarray) else indent
        return f"{value.key}=" + _format(value.value, column, width)  # an array's rows align
    if isinstance(value, np.ndarray) and value.ndim in (1, 2) and _split(value)[0] == "np.array(":
        compact = _array_lines(value, indent, width)
        if compact is not None:
            return compact
    split = _split(value)
    if split is None:
        return flat  # a number cannot be broken
    start, items, end = split
    inner = " " * (indent + 4)
    if all(_split(item) is None and not _is_text(item) and not isinstance(item, Keyword) for item in items):
        rows = _packed([_atom(item) for item in items], width - indent - 4)  # numbers: a paragraph
    else:
        rows = [_format(item, indent + 4, width - 1) + "," for item in items]
    return "\n".join([start] + [inner + row for row in rows] + [" " * indent + end])


def _array_lines(array: np.ndarray, indent: int, width: int) -> str | None:
    """A 1-D or 2-D array the way NumPy prints it: a row per line, or None if a row is too wide."""
    start, (nested, *dtype), end = _split(array)
    end = "".join(", " + str(d) for d in dtype) + end
    margin = indent + len(start) + 1  # where the elements start, after "np.array(["
    if array.ndim == 1:
        rows = _packed([str(e) for e in nested], width - margin - len(end))
        rows[-1] = rows[-1].rstrip(",")
        lines = [rows[0]] + [" " * margin + row for row in rows[1:]]
        return start + "[" + "\n".join(lines) + "]" + end
    rows = [_flat(row) for row in nested]
    if max(len(row) for row in rows) + margin + len(end) + 2 > width:
        return None
    lines = [rows[0] + ","] + [" " * margin + row + "," for row in rows[1:]]
    lines[-1] = lines[-1][:-1]
    return start + "[" + "\n".join(lines) + "]" + end


def _packed(atoms: list[str], room: int) -> list[str]:
    """The atoms, each followed by a comma, as few lines of at most ``room`` characters."""
    rows, row = [], ""
    for atom in atoms:
        if row and len(row) + len(atom) + 2 > room:
            rows.append(row.rstrip())
            row = ""
        row += atom + ", "
    return rows + [row.rstrip()]


def short(value: Any, limit: int = 120) -> str:
    """``value`` on one line for a label: an array as its elements, e.g. ``[[0.7, 0.3]]``."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf" and value.size:
        text = _flat(_nested(value.tolist(), value.dtype))
        text += "" if value.dtype.name in DEFAULT_DTYPES else f" ({value.dtype.name})"
    else:
        try:
            text = _flat(value)
        except ValueError:
            text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and not isinstance(value, Raw)


def _flat(value: Any) -> str:
    if isinstance(value, Keyword):
        return f"{value.key}={_flat(value.value)}"
    split = _split(value)
    if split is None:
        return _atom(value)
    start, items, end = split
    inside = ", ".join(_flat(item) for item in items)
    return start + inside + ("," if isinstance(value, tuple) and len(items) == 1 else "") + end


def _split(value: Any) -> tuple[str, list, str] | None:
    """``(opening, items, closing)`` of a container, None for an atom."""
    if isinstance(value, Call):
        return f"{value.name}(", value.args, ")"
    if isinstance(value, Raw) or not isinstance(value, (tuple, list, np.ndarray)):
        return None
    if isinstance(value, tuple):
        return "(", list(value), ")"
    if isinstance(value, list):
        return "[", value, "]"
    return _array(value)


def _array(array: np.ndarray) -> tuple[str, list, str] | None:
    if array.dtype.kind not in "biuf":
        raise ValueError(f"cannot write an array of dtype {array.dtype} as a literal.")
    if array.size == 0:
        return None
    dtype = [] if array.dtype.name in DEFAULT_DTYPES else [Raw(f"dtype=np.{array.dtype.name}")]
    if array.ndim == 0:
        return "np.array(", [_element(array[()], array.dtype), *dtype], ")"
    runs = _runs(array)
    if runs is not None and not dtype:
        values, counts = runs
        counts = Raw(str(counts[0])) if len(set(counts)) == 1 else counts
        return "np.repeat(", [[_element(v, array.dtype) for v in values], counts], ")"
    return "np.array(", [_nested(array.tolist(), array.dtype), *dtype], ")"


def _runs(array: np.ndarray) -> tuple[list, list] | None:
    """``(values, counts)`` of a 1-D array that is mostly repeats, else None."""
    if array.ndim != 1 or array.size < 8:
        return None
    starts = np.flatnonzero(np.r_[True, array[1:] != array[:-1]])
    if len(starts) > array.size // 3:
        return None
    counts = np.diff(np.r_[starts, array.size])
    return array[starts].tolist(), [int(c) for c in counts]


def _nested(values: Any, dtype: np.dtype) -> Any:
    if isinstance(values, list):
        return [_nested(v, dtype) for v in values]
    return _element(values, dtype)


def _element(value: Any, dtype: np.dtype) -> Raw:
    """One array element: the shortest text that gives back the same value in ``dtype``."""
    if dtype.kind == "f":
        value = float(value)
        if math.isfinite(value):
            short = str(dtype.type(value))  # e.g. "0.1" for float32's 0.1
            if dtype.type(float(short)) == dtype.type(value):
                return Raw(short)
    return Raw(_atom(value.item() if isinstance(value, np.generic) else value))


def _atom(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "np.nan"
        if math.isinf(value):
            return "np.inf" if value > 0 else "-np.inf"
        return repr(value)
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        if value.dtype.kind == "b":
            return f"np.bool_({bool(value)})"
        return f"np.{value.dtype.name}({_element(value, value.dtype)})"
    if isinstance(value, np.ndarray) and value.size == 0:
        return f"np.zeros({value.shape}, dtype=np.{value.dtype.name})"
    raise ValueError(f"cannot write {_short(value)} ({type(value).__name__}) as a literal: use numbers, "
                     "text, tuples, lists and NumPy arrays.")


def _long_text(text: str, indent: int, width: int) -> str:
    """A long string as implicitly joined pieces in parentheses, cut after a space if can be."""
    room = max(20, width - indent - 4)
    pieces = []
    while text:
        cut = len(text)
        while len(repr(text[:cut])) > room:
            cut = max(1, min(cut - 1, room - 2))
        space = text.rfind(" ", 0, cut)
        if cut < len(text) and space > 0:
            cut = space + 1
        pieces.append(text[:cut])
        text = text[cut:]
    inner = " " * (indent + 4)
    return "(\n" + "\n".join(inner + repr(p) for p in pieces) + "\n" + " " * indent + ")"


def same(a: Any, b: Any) -> bool:
    """True when ``b`` is ``a`` again: same types, dtypes, shapes and values (NaN is NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return (a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (float, np.floating)) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
