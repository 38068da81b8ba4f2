"""Shared by the Chinese-edition tests: the Chinese book built once per session."""
from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ZH_HTML = ROOT / "_build" / "html" / "zh"
LOCALES = ROOT / "locales"
MESSAGES = LOCALES / "zh_CN" / "LC_MESSAGES"


@functools.lru_cache(maxsize=None)
def build_chinese() -> Path:
    """Build the Chinese edition (-W) as `make build-zh` does; fail with its output.

    LOSSBOOK_USE_BUILT=1 reuses an existing _build/html/zh.
    """
    if os.environ.get("LOSSBOOK_USE_BUILT") == "1" and (ZH_HTML / "search.html").exists():
        return ZH_HTML
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "zh_edition.py"), "build"],
                            cwd=ROOT, capture_output=True, text=True)
    log = (result.stdout + result.stderr)[-6000:]
    assert result.returncode == 0, f"the Chinese build failed:\n{log}"
    return ZH_HTML


def complete_catalogs() -> set[str]:
    """Docnames ("notebooks/01_why_a_loss") whose catalog has no untranslated or fuzzy entry."""
    sys.path.insert(0, str(ROOT / "src"))
    from lossbook.translate import catalog_stats

    return {name[:-3] for name, c in catalog_stats(LOCALES).items()
            if not (c["untranslated"] or c["fuzzy"] or c["obsolete"])}
