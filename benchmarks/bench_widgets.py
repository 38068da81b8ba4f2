"""Benchmark of lossbook.widgets: live update time and static HTML size.

    python benchmarks/bench_widgets.py

Live: ~50 moves of a representative -log(p) slider (5 x 3 in, 80 dpi: curve,
moving point, annotation, title, labels, grid), timed from the move to the PNG
bytes ready for the widget, against the naive way (a new figure and savefig per
move) in the same run. Static: the size of one slider's whole HTML snippet and
the time to draw its frames. Targets (issue 4): median live update <= 30 ms;
one slider's static HTML < 400 KB.
"""
from __future__ import annotations

import io
import os
import statistics
import time

import numpy as np
from matplotlib.figure import Figure

from lossbook.widgets import Choice, Range, slider

LIVE_TARGET_MS = 30
HTML_TARGET_BYTES = 400_000
MOVES = 50

CONFIDENCES = np.linspace(0.005, 1, 300)


def draw(ax, p):
    """The chapter-2 picture: a point moving along -log(p), its loss written next to it."""
    loss = -np.log(p)
    ax.plot(CONFIDENCES, -np.log(CONFIDENCES), color="tab:blue")
    ax.plot(p, loss, "o", color="tab:red", markersize=8)
    ax.annotate(f"loss {loss:.3f}", (p, loss), xytext=(8, 8), textcoords="offset points")
    ax.set(title=f"confidence {p:.2f} -> loss {loss:.3f}", xlabel="confidence in the correct class p",
           ylabel="loss  -log(p)", xlim=(0, 1.05), ylim=(-0.2, 5.5))
    ax.grid(alpha=0.3)


def draw_choice(ax, p, loss):
    """A Choice x Range grid: the loss curve changes with the choice, the point with p."""
    curve = {"-log(p)": lambda q: -np.log(q), "clipped": lambda q: -np.log(np.clip(q, 0.05, 1)),
             "1 - p": lambda q: 1 - q}[loss]
    ax.plot(CONFIDENCES, curve(CONFIDENCES))
    ax.plot(p, curve(p), "o", color="tab:red")
    ax.set(title=f"{loss}: loss {curve(p):.3f} at p = {p:.2f}", xlabel="p", ylabel="loss", ylim=(-0.2, 5.5))


def naive_update(p) -> bytes:
    figure = Figure(figsize=(5, 3), dpi=80)
    ax = figure.add_subplot()
    draw(ax, p)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def timed(function, values) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each call."""
    wall, cpu = [], []
    for value in values:
        w, c = time.perf_counter(), time.process_time()
        function(value)
        wall.append((time.perf_counter() - w) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)
    return wall, cpu


def p90(xs: list[float]) -> float:
    return float(np.percentile(xs, 90))


def main() -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"lossbook.widgets benchmark (5 x 3 in, 80 dpi; {os.cpu_count()} CPUs, load average {load:.1f}:"
          " wall times grow with the load, CPU times much less)\n")
    s = slider(draw, p=Range(0.01, 1, value=0.7, steps=40, label="confidence p"))
    positions = s.controls["p"].positions
    moves = [positions[(7 * i) % len(positions)] for i in range(MOVES)]  # jumps, not only steps
    s.update(p=moves[-1])  # warm up: layout, caches, first plan
    naive_update(0.5)
    live_wall, live_cpu = timed(lambda p: s.update(p=p), moves)
    naive_wall, naive_cpu = timed(naive_update, moves)
    live_med, naive_med = statistics.median(live_wall), statistics.median(naive_wall)
    ok = "OK" if live_med <= LIVE_TARGET_MS else "OVER TARGET"
    print(f"Live update ({MOVES} moves)       median   p90    (CPU median)")
    print(f"  lossbook.widgets            {live_med:6.1f} {p90(live_wall):6.1f} ms "
          f"({statistics.median(live_cpu):.1f} ms)   target <= {LIVE_TARGET_MS} ms: {ok}")
    print(f"  naive: new figure + savefig {naive_med:6.1f} {p90(naive_wall):6.1f} ms "
          f"({statistics.median(naive_cpu):.1f} ms)")
    layers = s._canvas.layers
    print(f"  naive / lossbook.widgets: {naive_med / live_med:.1f}x faster "
          f"(frames drawn from the cached plan: {layers['fast']}, in full: {layers['full']})")

    print("\nStatic HTML (one slider's whole snippet, base64 frames included)")
    grid = slider(draw_choice, p=Range(0.01, 1, steps=30, label="confidence p"),
                  loss=Choice(["-log(p)", "clipped", "1 - p"], label="loss"))
    for name, sl in (("Range, 40 positions", slider(draw, p=Range(0.01, 1, value=0.7, label="confidence p"))),
                     ("Choice 3 x Range 30", grid)):
        w = time.perf_counter()
        html = sl.static_html()
        seconds = time.perf_counter() - w
        size = len(html.encode("utf-8"))
        ok = "OK" if size < HTML_TARGET_BYTES else "OVER TARGET"
        print(f"  {name:20s} {size / 1000:6.1f} KB = {size / sl.n_frames / 1000:.2f} KB/frame x "
              f"{sl.n_frames} frames; precompute {seconds:.2f} s ({sl.n_frames / seconds:.0f} frames/s)"
              f"   target < {HTML_TARGET_BYTES // 1000} KB: {ok}")


if __name__ == "__main__":
    main()
