"""Exercises with instant checks, one module per chapter.

In a notebook::

    from lossbook.exercises import ch3
    ch3.q3.check(one_hot)   # prints one line: Correct / Incorrect: ... / Not attempted
    ch3.q3.hint()
    ch3.q3.solution()

A teacher writes exercises of their own with the same classes (see ``_teacher``)::

    from lossbook.exercises import Case, Exercise, Mistake
"""
from __future__ import annotations

import importlib

from ._grading import Case, Checks, Exercise, Mistake, log2_for_ln, log10_for_ln, lost_minus

__all__ = ["CHAPTERS", "Case", "Checks", "Exercise", "Mistake", "all_exercises", "log10_for_ln",
           "log2_for_ln", "lost_minus"]

CHAPTERS = ("ch1", "ch2", "ch3", "ch4", "ch5", "ch6", "ch7", "ch8", "ch9", "ch10", "ch11")


def all_exercises():
    """Every exercise of the book, in order: a list of ``(chapter module name, Exercise)``."""
    found = []
    for chapter in CHAPTERS:
        module = importlib.import_module(f"{__name__}.{chapter}")
        found.extend((chapter, exercise) for exercise in module.EXERCISES)
    return found
