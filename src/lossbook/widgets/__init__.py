"""Sliders for the book: one matplotlib ``draw`` function, live in Jupyter and static in HTML.

A chapter writes the plot once, as a plain function of an Axes and the values
it shows, marks what moves ``animated=True``, and hands it to :func:`slider`
with one control per value:

>>> import numpy as np
>>> from lossbook.widgets import slider, Range, Choice
>>> def draw(ax, p, clip):
...     q = np.linspace(1e-7, 1, 400)
...     ax.plot(q, -np.log(np.clip(q, 1e-7, 1) if clip else q))
...     ax.plot([p], [-np.log(p)], "o", animated=True)
...     ax.set_title(f"p = {p:.2g}", animated=True)
>>> s = slider(draw, p=Range(1e-7, 1, scale="log", steps=30, label="confidence p"),
...            clip=Choice({"clipped": True, "raw": False}, label="log(0) guard"))
>>> s.n_frames
60

Displayed in Jupyter, it is an ipywidgets view whose plot the kernel redraws on
every move (blitting the animated artists); in the published book (no kernel)
the same output's ``text/html`` is a player of frames drawn in advance. Modules:
``_controls`` (Range, Choice), ``_figure`` (the reused figure), ``_frames``
(exact base + overlay pictures), ``_html`` and ``player.js`` (the static player),
``_live`` (the ipywidgets view), ``_slider`` (``slider`` itself).

Defined in the package for chapter 2; used by chapters 2, 3, 4 and 6.
"""
from ._controls import Choice, Range
from ._slider import Slider, slider

__all__ = ["Choice", "Range", "Slider", "slider"]
