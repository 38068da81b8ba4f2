"""The README's commands resolve: every target `make book` and `make test` need has a
rule (a variable used before it is set once left `make build` asking for '/.installed')."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("targets", [["build", "serve"], ["test"], ["test-fast"], ["pdf"]])
def test_make_knows_how_to_make_every_target(targets):
    result = subprocess.run(["make", "-n", *targets], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "No rule to make target" not in result.stderr
