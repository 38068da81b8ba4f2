"""Benchmark of lossbook.widgets on the book's own sliders: live update time and page bytes.

    PYTHONPATH=src python benchmarks/bench_widgets.py

For each chapter slider (the chapter's code cells run up to its ``slider(...)``
call, on the Agg backend), in one run:

- **live**: the median time of one move of the live view (``Slider.update``: the
  chapter's ``draw``, blitting where the chapter marks its moving artists with
  ``animated=True``, the PNG bytes for the widget), over 40 moves that jump
  around the range; beside it, the same moves drawn on a new figure each time;
- **static**: the bytes of the slider's whole static HTML (every frame, base64
  included) and the time to draw its frames.

Targets: live median <= 30 ms, and <= 10 ms where the chapter marks moving
artists; static HTML <= 400 KB per slider.
"""
from __future__ import annotations

import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

import lossbook.widgets  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SLIDERS = {  # chapter notebook: the id of the cell that shows its slider
    "02_one_sample": "ch2-21",
    "03_a_batch": "ch3-23",
    "04_log_zero_and_clipping": "ch4-21",
    "06_accuracy": "ch06-20",
}
LIVE_MS, MARKED_MS, STATIC_BYTES = 30, 10, 400_000
MOVES = 40


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
                with open(os.devnull, "w") as quiet:
                    stdout, sys.stdout = sys.stdout, quiet
                    try:
                        exec("".join(cell["source"]), namespace)  # noqa: S102
                    finally:
                        sys.stdout = stdout
            if cell.get("id") == cell_id:
                break
    finally:
        lossbook.widgets.slider = original
    if not made:
        raise SystemExit(f"{notebook}: cell {cell_id} made no slider")
    return made[-1]


def moves(s) -> list[dict]:
    """40 moves of the first Range, jumping around; other controls as they start."""
    name = next(n for n, c in s.controls.items() if type(c).__name__ == "Range")
    positions = s.controls[name].positions
    return [{name: positions[(7 * i) % len(positions)]} for i in range(MOVES)]


def median_ms(function, values) -> float:
    times = []
    for v in values:
        start = time.perf_counter()
        function(v)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def new_figure_per_move(s, values: dict) -> bytes:
    figure = Figure(figsize=s.figsize, dpi=s.dpi)
    s.draw(figure.add_subplot(), **{**s.values, **values})
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def marked(s) -> bool:
    """Whether the chapter's draw marks moving artists (animated=True)."""
    return bool(getattr(s, "blits", False))


def main() -> None:
    load = os.getloadavg()[0]
    print(f"lossbook.widgets on the chapter sliders ({os.cpu_count()} CPUs, load {load:.1f}; "
          "wall times grow with the load)\n")
    print(f"{'slider':28s} {'frames':>6s} {'live':>8s} {'new fig':>8s} {'target':>8s}"
          f" {'static':>10s} {'draw frames':>12s}")
    failed = []
    for notebook, cell_id in SLIDERS.items():
        s = chapter_slider(notebook, cell_id)
        values = moves(s)
        s.update(**values[-1])  # warm up: layout, caches, the first background
        live = median_ms(lambda v: s.update(**v), values)
        naive = median_ms(lambda v: new_figure_per_move(s, v), values[:10])
        target = MARKED_MS if marked(s) else LIVE_MS
        start = time.perf_counter()
        size = len(s.static_html().encode("utf-8"))
        seconds = time.perf_counter() - start
        ok = live <= target and size <= STATIC_BYTES
        failed += [] if ok else [notebook]
        print(f"{notebook:28s} {s.n_frames:6d} {live:6.1f}ms {naive:6.1f}ms {target:6d}ms"
              f" {size / 1000:7.1f} KB {seconds:10.1f} s  {'OK' if ok else 'OVER TARGET'}")
    print(f"\ntargets: live <= {LIVE_MS} ms (<= {MARKED_MS} ms where moving artists are marked), "
          f"static <= {STATIC_BYTES // 1000} KB per slider")
    if failed:
        print("over target:", ", ".join(failed))


if __name__ == "__main__":
    main()
