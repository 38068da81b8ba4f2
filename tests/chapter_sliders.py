"""The book's chapter sliders, rebuilt from the chapter notebooks (for tests and benchmarks).

``chapter_slider("03_a_batch", "ch3-23")`` runs the chapter's code cells up to the
cell that shows its slider, on the Agg backend, and returns the ``Slider`` that
cell made: its ``draw`` is the chapter's own function.

Some chapters call ``nnfs.init()``, which patches NumPy for the whole process (as
it does in their kernels). Use the sliders inside ``with numpy_restored():`` so
that the tests that run later see NumPy as it was.
"""
from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import matplotlib
import numpy as np

import lossbook.widgets

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SLIDERS = {  # chapter notebook: the id of the cell that shows its slider
    "01_why_a_loss": "ch1-softmax-slider",
    "02_one_sample": "ch2-21",
    "03_a_batch": "ch3-23",
    "05_log_zero_and_clipping": "ch5-21",
    "07_accuracy": "ch7-20",
    "10_binary_and_multilabel": "ch10-slider",
    "11_weights_masks_calibration": "ch11-proper-slider",
}
SECOND_SLIDERS = {  # a chapter with two sliders: the id of the cell that shows the second
    "11_weights_masks_calibration": "ch11-temperature-slider",
}


def chapter_slider(notebook: str, cell_id: str):
    """Run the chapter's code cells up to ``cell_id``; return the Slider that cell makes."""
    made = []
    original = lossbook.widgets.slider

    def recording(*args, **kwargs):
        made.append(original(*args, **kwargs))
        return made[-1]

    cells = json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text())["cells"]
    namespace = {"__name__": "__main__"}
    lossbook.widgets.slider = recording
    try:
        for cell in cells:
            if cell["cell_type"] == "code":
                with contextlib.redirect_stdout(io.StringIO()):
                    exec("".join(cell["source"]), namespace)  # noqa: S102
            if cell.get("id") == cell_id:
                break
    finally:
        lossbook.widgets.slider = original
    if not made:
        raise LookupError(f"{notebook}: cell {cell_id} made no slider")
    return made[-1]


@contextlib.contextmanager
def numpy_restored():
    """Undo, on leaving, what ``nnfs.init()`` patches in NumPy (and its random state)."""
    patched = [(np, "dot"), (np, "zeros"), (np, "eye"), (np.random, "randn")]
    saved = [getattr(module, name) for module, name in patched]
    state = np.random.get_state()
    try:
        yield
    finally:
        for (module, name), original in zip(patched, saved):
            setattr(module, name, original)
        np.random.set_state(state)
