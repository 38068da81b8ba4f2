"""What makes an answer right: the rules that ``check()`` and the test cells share.

Each function here uses only NumPy (as ``np``) and Python's builtins, and nothing
else from this module but its neighbours. That lets the exercise writer (``_cells``)
copy their source into every autograder test cell: the cell then decides with
exactly this code, without importing lossbook, so nothing a student's code can
reassign in lossbook changes a grade. Lines stay within 84 characters, so that the
copies, indented in the cell, fit the notebooks' 88.

An answer is right on one input when the function returned a value (``returned``),
left its input as it was (``unchanged``) and gave the expected value: ``close`` for
numbers and arrays (within a tolerance), ``same_text`` for words, or an open
question's validator for anything else.

>>> close([0.3, 0.7], np.array([0.3, 0.7000001]), 1e-5, 1e-6)
True
>>> same_text(" Bac ", "bac", ())
True
"""
import numpy as np


def returned(value):
    """True when ``value`` is an answer: not None, not lazy (generator, map...)."""
    return value is not None and not hasattr(type(value), "__next__")


def unchanged(before, after):
    """True when ``after``, an argument after the call, still equals ``before``."""
    if isinstance(before, np.ndarray):
        nans = before.dtype.kind == "f"  # NaN equals NaN here
        return (isinstance(after, np.ndarray) and before.shape == after.shape
                and before.dtype == after.dtype
                and np.array_equal(before, after, equal_nan=nans))
    if isinstance(before, (list, tuple)):
        return (type(before) is type(after) and len(before) == len(after)
                and all(unchanged(b, a) for b, a in zip(before, after)))
    nan = before != before  # NaN is the one value not equal to itself
    return type(before) is type(after) and (before == after
                                            or nan and after != after)


def as_real(value):
    """``value`` as a float64 array; None for text, complex numbers, non-numbers."""
    if isinstance(value, (str, bytes)):
        return None
    try:
        array = np.asarray(value)  # a plain ndarray, even for a subclass
        if array.dtype.kind == "O" and any(
                isinstance(v, (str, bytes, complex)) for v in array.flat):
            return None
        if array.dtype.kind not in "biufO":
            return None
        return array.astype(np.float64)
    except Exception:  # objects whose __float__ fails, ragged lists, ...
        return None


def close(actual, expected, rtol, atol):
    """True when ``actual`` has ``expected``'s shape and values (NaN never)."""
    actual, expected = as_real(actual), as_real(expected)
    if actual is None or expected is None or actual.shape != expected.shape:
        return False
    if np.isnan(actual).any():
        return False
    return bool(np.allclose(actual, expected, rtol=rtol, atol=atol))


def same_text(actual, expected, replace):
    """True when ``actual`` is text equal to ``expected``, but for case and outer
    spaces.

    ``replace`` holds ``(old, new)`` pairs applied to both first: ``((" ", ""),)``
    ignores every space.
    """
    if not isinstance(actual, str):
        return False

    def normal(text):
        text = str.lower(str.strip(text))  # str's own methods, even for a subclass
        for old, new in replace:
            text = str.replace(text, old, new)
        return text

    return normal(actual) == normal(expected)
