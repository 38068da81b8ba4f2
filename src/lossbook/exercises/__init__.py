"""Exercises with instant checks, one module per chapter.

In a notebook::

    from lossbook.exercises import ch3
    ch3.q1.check(batch_loss)   # prints one line: Correct / Incorrect: ... / Not attempted
    ch3.q1.hint()
    ch3.q1.solution()
"""
from __future__ import annotations

import importlib

CHAPTERS = ("ch1", "ch2", "ch3", "ch4", "ch5", "ch6", "ch7", "ch8", "ch9", "ch10")


def all_exercises():
    """Every exercise of the book, in order: a list of ``(chapter module name, Exercise)``."""
    found = []
    for chapter in CHAPTERS:
        module = importlib.import_module(f"{__name__}.{chapter}")
        found.extend((chapter, exercise) for exercise in module.EXERCISES)
    return found
