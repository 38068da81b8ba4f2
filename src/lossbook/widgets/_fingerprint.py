"""Fingerprints of matplotlib artists: equal fingerprints draw equal pixels.

The live slider redraws only the artists that changed since the last frame
(see ``_canvas``). To know what changed without any help from the author's
``draw`` function, it compares fingerprints: a nested tuple of everything in an
artist's ``__dict__`` that can affect its pixels, where a transform is replaced
by the display coordinates it gives a few probe points. An axis is first brought
up to date (tick positions and labels), as its own ``draw`` would do.

Anything that cannot be fingerprinted with confidence raises ``Unknown``; the
caller then treats that artist as changed, which is always correct, only slower.
"""
from __future__ import annotations

import enum
import types

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.path import Path
from matplotlib.transforms import BboxBase, Transform

# Back-references and bookkeeping that never change what an artist looks like.
_IGNORED = frozenset({
    "_axes", "axes", "figure", "_figure", "_parent_figure", "parent", "axis",
    "_callbacks", "callbacks", "stale_callback", "_remove_method", "_stale",
    "_animated", "_mouseover", "_picker", "_pickradius", "_contains", "_url",
    "_gid", "_label", "_renderer", "_in_layout", "_in_autoscale", "_draggable",
    "_transformSet", "eventson",
})
_PROBE_2D = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.3, 0.7], [2.5, 40.0]])
_PROBE_1D = np.array([[0.0], [1.0], [0.3], [40.0]])
_MAX_NODES = 20_000


class Unknown(Exception):
    """This artist holds something we cannot compare safely."""


def fingerprint(artist: Artist) -> tuple:
    """Return a comparable fingerprint of ``artist``, or raise ``Unknown``."""
    budget = [_MAX_NODES]
    if isinstance(artist, Axis):
        return _axis(artist, {}, budget)
    return _key(artist, 0, {}, budget)


def _axis(axis: Axis, seen: dict, budget: list) -> tuple:
    """An axis draws its ticks, its label and its offset text: fingerprint what sets them.

    Right after ``cla`` an axis holds at most one tick object, the prototype that
    ``grid`` or ``tick_params`` style; the others are copied from it when the axis
    is drawn, at the positions and with the labels its locator and formatter give.
    Making them just to compare them would cost more than the whole fast redraw, so
    the prototype, positions and labels are compared instead. Only when ``draw``
    touched single ticks (``ax.get_xticklabels()`` makes them all) are they all
    brought up to date, as ``Axis.draw`` would, and compared one by one.
    """
    if any(len(vars(axis).get(name, ())) > 1 for name in ("majorTicks", "minorTicks")):
        update = getattr(axis, "_update_ticks", None)
        if update is None:  # a matplotlib without it: do not guess
            raise Unknown("Axis._update_ticks is missing")
        update()
    ticks = []
    for ticker in (axis.major, axis.minor):
        locs = ticker.locator()
        ticks.append((_key(np.asarray(locs), 1, seen, budget),
                      tuple(ticker.formatter.format_ticks(locs)),
                      ticker.formatter.get_offset() if hasattr(ticker.formatter, "get_offset") else ""))
    return (type(axis).__name__, tuple(axis.get_view_interval()), tuple(ticks),
            _key(axis, 0, seen, budget))


_PLAIN = (type(None), bool, int, str, bytes)


def _key(value, depth: int, seen: dict, budget: list):
    budget[0] -= 1
    if budget[0] < 0 or depth > 12:
        raise Unknown("too deep to compare")
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is float:
        return ("f", value.hex())  # NaN equals NaN here, as it does in pixels
    if kind is tuple or kind is list:
        return (kind.__name__, tuple([_key(v, depth + 1, seen, budget) for v in value]))
    if isinstance(value, np.ndarray):
        mask = np.ma.getmaskarray(value).tobytes() if np.ma.isMaskedArray(value) else b""
        if value.dtype == object:
            return ("O", value.shape, tuple([_key(v, depth + 1, seen, budget) for v in value.flat]))
        return ("a", value.dtype.str, value.shape, np.ascontiguousarray(value).tobytes(), mask)
    if isinstance(value, np.generic):
        return _key(value.item(), depth, seen, budget)
    for plain in (bool, int, float, str, bytes):  # subclasses such as IntEnum or np.str_
        if isinstance(value, plain) and not isinstance(value, enum.Enum):
            return (kind.__qualname__, _key(plain(value), depth, seen, budget))
    if isinstance(value, dict):
        return ("d", tuple([(repr(k), _key(v, depth + 1, seen, budget)) for k, v in value.items()]))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(repr(_key(v, depth + 1, seen, budget)) for v in value)))
    if isinstance(value, enum.Enum):
        return ("e", kind.__name__, value.name)
    if isinstance(value, types.MethodType):  # a new object at each attribute access
        return ("m", id(value.__func__), _key(value.__self__, depth + 1, seen, budget))
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType)):
        return ("fn", id(value))  # the same function object; nothing more is known
    if id(value) in seen:
        return ("^", seen[id(value)])  # a cycle or a shared object: refer back to it
    seen[id(value)] = len(seen)
    if isinstance(value, BboxBase):
        return ("bbox", value.get_points().tobytes())
    if isinstance(value, Transform):
        if value.input_dims not in (1, 2):
            raise Unknown(f"transform with {value.input_dims} input dimensions")
        probe = _PROBE_2D if value.input_dims == 2 else _PROBE_1D
        with np.errstate(all="ignore"):
            return ("tr", np.asarray(value.transform(probe), dtype=float).tobytes())
    if isinstance(value, Path):
        return ("path", _key(value.vertices, depth + 1, seen, budget),
                _key(value.codes, depth + 1, seen, budget), value._interpolation_steps)
    if isinstance(value, Axes) or (isinstance(value, Axis) and depth > 0):
        raise Unknown("an artist that holds a whole Axes or Axis")
    state = getattr(value, "__dict__", None)
    if state is None:
        raise Unknown(f"cannot look inside {kind.__name__}")
    # Insertion order, not sorted: the same construction gives the same order,
    # and a different order only makes an unchanged artist look changed (safe).
    return (kind.__qualname__, tuple([(k, _key(v, depth + 1, seen, budget))
                                      for k, v in state.items() if k not in _IGNORED]))
