"""Keras and PyTorch for chapters 5 and 8-11, or one line saying how to get them.

The chapters import the frameworks themselves (``import keras``, ``import torch``)
so that every number they attribute to a framework is printed by that framework.
When a reader runs the notebooks without them, the import cell calls
:func:`without_them`: it prints one line saying how to install them, and from then
on every statement that uses ``keras``, ``torch`` or ``jax`` (or a name computed
from them) is left out of the cells, so the NumPy lines still run.

The book build must never publish that line: ``make build`` sets
``LOSSBOOK_REQUIRE_FRAMEWORKS=1``, and then :func:`without_them` raises instead,
so the build fails loudly.
"""
from __future__ import annotations

import ast
import os
import sys

INSTALL = "pip install -r requirements-frameworks.txt"
FRAMEWORKS = frozenset({"keras", "torch", "jax"})
IN_THE_BROWSER = ("Keras and PyTorch cannot run in the browser (they have no WebAssembly build), "
                  "so their lines will be skipped; the book's page shows their real output.")
_unavailable = set(FRAMEWORKS)   # grows as cells leave out statements, kernel-wide


def _names(node: ast.AST) -> tuple[set[str], set[str]]:
    """(names a statement reads from outside, names it binds)."""
    reads, binds = set(), set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            (binds if isinstance(child.ctx, ast.Store) else reads).add(child.id)
        elif isinstance(child, (ast.FunctionDef, ast.ClassDef)):
            binds.add(child.name)
        elif isinstance(child, ast.alias):
            binds.add((child.asname or child.name).split(".")[0])
    return reads - binds, binds   # a name a statement binds itself (a loop variable) is its own


def without_framework_lines(lines: list[str]) -> list[str]:
    """An IPython input transformer: drop the statements that need a framework.

    A top-level statement is dropped when it reads ``keras``, ``torch`` or ``jax``,
    or a name bound by a statement dropped before it (in this cell or an earlier
    one); what it binds is then unavailable too. Code that does not parse is
    returned unchanged.
    """
    source = "".join(lines)
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return lines
    keep = []
    for statement in body:
        reads, binds = _names(statement)
        if reads & _unavailable:
            _unavailable.update(binds)
        else:
            _unavailable.difference_update(binds)   # bound again by code that runs
            keep.append(statement)
    if len(keep) == len(body):
        return lines
    source_lines = source.splitlines(keepends=True)
    kept = [line for s in keep for line in source_lines[s.lineno - 1:s.end_lineno]]
    return kept or ["pass\n"]


def without_them(error: ImportError) -> None:
    """Say in one line how to install the frameworks; leave out the code that needs them.

    Raises ``error`` again when ``LOSSBOOK_REQUIRE_FRAMEWORKS=1`` (the book build).
    """
    if os.environ.get("LOSSBOOK_REQUIRE_FRAMEWORKS", "") not in ("", "0"):
        raise ImportError(f"{error}. The book build needs the frameworks: {INSTALL}") from error
    if sys.platform == "emscripten":   # Pyodide: the book's in-browser edition
        from .i18n import t

        print(t(IN_THE_BROWSER))
    else:
        print(f"{error.name or 'A framework'} is not installed, so the Keras and PyTorch lines "
              f"will be skipped. To run them: {INSTALL}")
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and without_framework_lines not in shell.input_transformers_post:
        shell.input_transformers_post.append(without_framework_lines)
