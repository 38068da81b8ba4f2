"""Benchmark of the in-browser edition (JupyterLite on Pyodide), cold, on this machine.

    python benchmarks/bench_lite.py [--runs N] [--chapter 03_a_batch]

Serves ``_build/html`` (built by ``make build``) on 127.0.0.1 and opens the chapter's
learner notebook in headless Chromium with an empty cache, as a reader's first click
on "Run in the browser" does. When the kernel is ready it runs all cells, and times,
from the start of navigation:

- **first output**: the first cell output on screen;
- **first figure**: the first matplotlib figure (an ``image/png`` output);
- **all cells**: every cell has run;
- **slider move**: a mouse drag of the live slider until its new picture is shown
  (timed from the drag).

It also counts the bytes the server sent (every request, workers included), served by
``tools/serve.py`` as ``make serve`` serves the book: gzipped where that helps, as GitHub
Pages does. It prints the same files' size uncompressed, and the size on disk of both
sites. Goals: first output <= 15 s,
first figure <= 25 s, <= 40 MB transferred. Requests leaving 127.0.0.1 are blocked
and must be 0.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tools"))
from serve import BookHandler  # noqa: E402  (tools/serve.py, as make serve)
from test_browser import ARGS, CHROMIUM  # noqa: E402
from test_lite import drag, kernel_idle, watched_popup  # noqa: E402

HTML = ROOT / "_build" / "html"
GOALS = {"first output": 15.0, "first figure": 25.0}
MAX_MB = 40.0


class CountingHandler(BookHandler):
    """Serves the book as ``make serve`` does and adds up what it sent
    (``server.sent``: bytes sent, requests, the same files' bytes uncompressed)."""

    def copyfile(self, source, outputfile):
        before = source.tell()
        super().copyfile(source, outputfile)
        self.server.sent[0] += source.tell() - before
        self.server.sent[1] += 1
        path = self.translate_path(self.path)
        self.server.sent[2] += Path(path).stat().st_size if Path(path).is_file() else 0


def serve():
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(CountingHandler, directory=str(HTML)))
    server.sent = [0, 0, 0]   # bytes sent, requests, bytes uncompressed
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def first(page, script: str, start: float) -> float:
    page.wait_for_function(script, timeout=300_000, polling=50)
    return time.perf_counter() - start


OUTPUTS = """() => jupyterapp.shell.currentWidget.content.widgets
    .filter(c => c.model.type === 'code')
    .flatMap(c => [...Array(c.model.outputs.length).keys()].map(i => c.model.outputs.get(i).toJSON()))"""


def one_run(browser, url: str, server) -> dict:
    server.sent[:] = [0, 0, 0]
    context = watched_popup(browser.new_context(viewport={"width": 1280, "height": 900}))
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url)
        kernel_idle(page)
        kernel = time.perf_counter() - start
        # Not awaited: the command's promise settles only when the last cell has run.
        page.evaluate("() => { jupyterapp.commands.execute('notebook:run-all-cells'); }")
        times = {"kernel ready": kernel}
        times["first output"] = first(page, f"() => ({OUTPUTS})().length > 0", start)
        times["first figure"] = first(
            page, f"() => ({OUTPUTS})().some(o => o.data && o.data['image/png'])", start)
        times["all cells"] = first(
            page, """() => { const nb = jupyterapp.shell.currentWidget;
                 return nb.content.widgets.filter(c => c.model.type === 'code')
                     .every(c => c.model.executionCount !== null)
                     && nb.sessionContext.session.kernel.status === 'idle'; }""", start)
        from test_lite import live_view

        box = live_view(page)
        before = box.locator("img").get_attribute("src")
        moved = time.perf_counter()
        drag(page, box.locator("[role=slider]").first, 60)
        page.wait_for_function("([el, src]) => el.querySelector('img').src !== src",
                               arg=[box.element_handle(), before], timeout=60_000)
        times["slider move"] = time.perf_counter() - moved
        times["MB sent"] = server.sent[0] / 1e6
        times["requests"] = server.sent[1]
        times["MB uncompressed"] = server.sent[2] / 1e6
        times["external"] = len(context.external)
        times["console errors"] = sum(len(p.errors) for p in context.pages_seen)
        return times
    finally:
        context.close()


def disk_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chapter", default="03_a_batch")
    args = parser.parse_args()
    if not (HTML / "lite" / "pyodide" / "pyodide-lock.json").exists():
        print("No in-browser edition in _build/html/lite: run `make build` first.")
        return 1
    from playwright.sync_api import sync_playwright

    server = serve()
    runs = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for edition, prefix in (("en", ""), ("zh", "zh/")):
                url = (f"http://127.0.0.1:{server.server_port}/{prefix}lite/notebooks/index.html"
                       f"?path={args.chapter}.ipynb")
                for run in range(args.runs):
                    result = one_run(browser, url, server)
                    runs.append((edition, result))
                    print(f"{edition} run {run + 1}: " + ", ".join(
                        f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
                        for k, v in result.items()), flush=True)
            browser.close()
    finally:
        server.shutdown()
    print(f"\nchapter {args.chapter}, cold (empty cache), median of {args.runs} runs per edition:")
    ok = True
    for edition in ("en", "zh"):
        mine = [r for e, r in runs if e == edition]
        median = {k: statistics.median(r[k] for r in mine) for k in mine[0]}
        line = []
        for key, goal in GOALS.items():
            line.append(f"{key} {median[key]:.1f} s (goal <= {goal:.0f} s)")
            ok &= median[key] <= goal
        line.append(f"all cells {median['all cells']:.1f} s, slider move {median['slider move']:.2f} s")
        line.append(f"{median['MB sent']:.1f} MB in {median['requests']:.0f} requests (goal <= {MAX_MB:.0f} MB; "
                    f"{median['MB uncompressed']:.1f} MB uncompressed)")
        ok &= median["MB sent"] <= MAX_MB
        ok &= all(r["external"] == 0 and r["console errors"] == 0 for r in mine)
        print(f"  {edition}: " + "; ".join(line))
    pyodide = disk_mb(HTML / "lite" / "pyodide")
    print(f"size on disk: lite/ {disk_mb(HTML / 'lite'):.1f} MB (Pyodide and its packages "
          f"{pyodide:.1f} MB, shared), zh/lite/ {disk_mb(HTML / 'zh' / 'lite'):.1f} MB")
    print("all goals met" if ok else "SOME GOALS MISSED (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
