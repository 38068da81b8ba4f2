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
import os
import statistics
import sys
import time
from pathlib import Path

from matplotlib.figure import Figure

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from chapter_sliders import SECOND_SLIDERS, SLIDERS, chapter_slider  # noqa: E402  (the chapters' own sliders)

LIVE_MS, MARKED_MS, STATIC_BYTES = 30, 10, 400_000
MOVES = 40


def moves(s) -> list[dict]:
    """40 moves of the first Range, jumping around; other controls as they start."""
    name = next(n for n, c in s.controls.items() if type(c).__name__ == "Range")
    positions = s.controls[name].positions
    return [{name: positions[(7 * i) % len(positions)]} for i in range(MOVES)]


def median_ms(function, values) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``function(v)`` over ``values``."""
    wall, cpu = [], []
    for v in values:
        start, start_cpu = time.perf_counter(), time.process_time()
        function(v)
        wall.append((time.perf_counter() - start) * 1e3)
        cpu.append((time.process_time() - start_cpu) * 1e3)
    return statistics.median(wall), statistics.median(cpu)


def new_figure_per_move(s, values: dict) -> bytes:
    figure = Figure(figsize=s.figsize, dpi=s.dpi)
    s.draw(figure.add_subplot(), **{**s.values, **values})
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def main() -> None:
    load = os.getloadavg()[0]
    print(f"lossbook.widgets on the chapter sliders ({os.cpu_count()} CPUs, load {load:.1f}: "
          "wall times grow with the load, CPU times much less)\n")
    print(f"{'slider':34s} {'frames':>6s} {'live (CPU)':>16s} {'new figure':>11s} {'ratio':>6s}"
          f" {'target':>7s} {'static':>10s} {'drawn in':>9s}")
    failed = []
    sliders = [(n, n, c) for n, c in SLIDERS.items()]
    sliders += [(f"{n} (2nd)", n, c) for n, c in SECOND_SLIDERS.items()]
    for label, notebook, cell_id in sliders:
        s = chapter_slider(notebook, cell_id)
        values = moves(s)
        s.update(**values[-1])  # warm up: layout, caches, the first background
        live, live_cpu = median_ms(lambda v: s.update(**v), values)
        naive, _ = median_ms(lambda v: new_figure_per_move(s, v), values[:10])
        target = MARKED_MS if s.blits else LIVE_MS
        start = time.perf_counter()
        size = len(s.static_html().encode("utf-8"))
        seconds = time.perf_counter() - start
        ok = live <= target and size <= STATIC_BYTES
        failed += [] if ok else [label]
        print(f"{label:34s} {s.n_frames:6d} {live:6.1f} ({live_cpu:4.1f}) ms {naive:8.1f} ms"
              f" {naive / live:5.1f}x {target:4d} ms {size / 1000:7.1f} KB {seconds:7.1f} s"
              f"  {'OK' if ok else 'OVER'}")
    print(f"\nlive: median of {MOVES} moves, blitting where the chapter marks moving artists"
          f" (target <= {MARKED_MS} ms there, else <= {LIVE_MS} ms); new figure: the same move"
          f" drawn on a new figure and saved; ratio: new figure / live. static: the slider's"
          f" whole HTML, target <= {STATIC_BYTES // 1000} KB.")
    if failed:
        print("over target:", ", ".join(failed))


if __name__ == "__main__":
    main()
