"""Keras and PyTorch for chapters 7 and 8, or one line saying how to get them.

The chapters import the frameworks themselves (``import keras``, ``import torch``)
so that every number they attribute to a framework is printed by that framework.
When a reader runs the notebooks without them, the import cell calls
:func:`without_them`: it prints one line saying how to install them, and from then
on a cell that uses ``keras``, ``torch`` or ``jax`` is skipped instead of failing.

The book build must never publish that line: ``make build`` sets
``LOSSBOOK_REQUIRE_FRAMEWORKS=1``, and then :func:`without_them` raises instead,
so the build fails loudly.
"""
from __future__ import annotations

import os
import re

INSTALL = "pip install -r requirements-frameworks.txt"
_USES_A_FRAMEWORK = re.compile(r"\b(keras|torch|jax)\.")


def _skip_framework_cells(lines: list[str]) -> list[str]:
    """An IPython input transformer: a cell that uses a framework becomes ``pass``."""
    return ["pass\n"] if _USES_A_FRAMEWORK.search("".join(lines)) else lines


def without_them(error: ImportError) -> None:
    """Say in one line how to install the frameworks; skip the cells that need them.

    Raises ``error`` again when ``LOSSBOOK_REQUIRE_FRAMEWORKS=1`` (the book build).
    """
    if os.environ.get("LOSSBOOK_REQUIRE_FRAMEWORKS", "") not in ("", "0"):
        raise ImportError(f"{error}. The book build needs the frameworks: {INSTALL}") from error
    print(f"{error.name or 'A framework'} is not installed, so the Keras and PyTorch cells "
          f"will be skipped. To run them: {INSTALL}")
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and _skip_framework_cells not in shell.input_transformers_post:
        shell.input_transformers_post.append(_skip_framework_cells)
