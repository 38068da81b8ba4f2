"""Build time of both editions against English only, measured in one run.

    python benchmarks/bench_editions.py

Cold: execution caches removed first (every notebook runs; the Chinese edition runs
them again with LOSSBOOK_LANG=zh_CN, in its own cache). Warm: caches kept (what a
rebuild after a text edit costs). Prints seconds and the ratio both / English.
Removes the execution caches of this checkout (they are rebuilt on the way).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CACHES = [ROOT / "_build" / ".jupyter_cache", ROOT / "_build" / "zh" / "_build" / ".jupyter_cache"]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
    return time.perf_counter() - start


def main() -> None:
    english = [str(BIN / "jupyter-book"), "build", "-W", "--keep-going", "--all", "."]
    chinese = [sys.executable, str(ROOT / "tools" / "zh_edition.py"), "build"]
    for cache in CACHES:
        shutil.rmtree(cache, ignore_errors=True)
    cold_en = timed(english)
    cold_zh = timed(chinese)
    warm_en = timed(english)
    warm_zh = timed(chinese)
    print(f"cold: English {cold_en:5.1f} s, Chinese {cold_zh:5.1f} s, both {cold_en + cold_zh:5.1f} s "
          f"= {(cold_en + cold_zh) / cold_en:.2f} x English only")
    print(f"warm: English {warm_en:5.1f} s, Chinese {warm_zh:5.1f} s, both {warm_en + warm_zh:5.1f} s "
          f"= {(warm_en + warm_zh) / warm_en:.2f} x English only")


if __name__ == "__main__":
    main()
