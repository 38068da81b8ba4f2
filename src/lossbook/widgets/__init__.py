"""Sliders: one matplotlib ``draw`` function, live in Jupyter and static in the book.

A chapter writes its plot once, as ``draw(ax, **values)``, marks what moves
``animated=True``, and passes it to :func:`slider` with one control per value:
``slider(draw, p=Range(0.01, 1, label="confidence p"))``. Modules, in reading order:
``_controls`` (Range, Choice); ``_figure`` (the reused figure and its blitting);
``_live`` (the ipywidgets view); ``_frames`` (exact pictures); ``_html`` and
``player.js`` (the static player); ``_slider`` (``slider`` itself).
"""
from ._controls import Choice, Range
from ._slider import Slider, slider

__all__ = ["Choice", "Range", "Slider", "slider"]
