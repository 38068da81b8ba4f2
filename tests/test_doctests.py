"""The examples in the package's docstrings are true: every module's doctests pass."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import lossbook

MODULES = sorted(m.name for m in pkgutil.walk_packages(lossbook.__path__, "lossbook.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_are_true(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} example(s) in {name} fail (shown above)"


def test_the_examples_are_found():
    """A module with examples is really tested: its examples are attempted."""
    assert "lossbook.widgets._slider" in MODULES
    assert doctest.testmod(importlib.import_module("lossbook.widgets._slider")).attempted >= 5
