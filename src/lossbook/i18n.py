"""Text the package shows (figure labels, slider readouts, check messages) in the reader's language.

The book has an English and a Chinese edition built from the same notebooks. Text
that code draws or prints goes through :func:`t`, which looks the English text up
in ``locale/<language>.json`` and returns it unchanged when there is no entry::

    >>> from lossbook.i18n import t
    >>> t("confidence p")
    'confidence p'
    >>> translate("confidence p", "zh_CN")
    '置信度 p'

The language comes from :func:`set_language`, else the ``LOSSBOOK_LANG``
environment variable (``en`` or ``zh_CN``), else English. In Chinese, matplotlib is
told to draw CJK characters with a CJK font (Noto Sans CJK, from Debian's
``fonts-noto-cjk``, or the system's own Chinese font on Windows and macOS), with the
English edition's DejaVu Sans kept for Latin letters and digits.
"""
from __future__ import annotations

import functools
import json
import os
import warnings
from pathlib import Path

LANGUAGES = ("en", "zh_CN")
# Fonts with the Chinese characters, best first: Debian/Ubuntu (fonts-noto-cjk),
# Adobe's name for the same font, then what Windows and macOS ship.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei",
             "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Arial Unicode MS")
CJK_FILES = ("NotoSansCJK", "SourceHanSans", "wqy-zenhei", "msyh", "simhei", "PingFang",
             "STHeiti", "Arial Unicode")
_chosen: str | None = None


def set_language(language: str | None) -> None:
    """Choose the language for everything shown from now on (None: back to LOSSBOOK_LANG)."""
    global _chosen
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}; got {language!r}.")
    _chosen = language
    use_fonts_for(globals()["language"]())


def language() -> str:
    """The language in use: set_language's choice, else LOSSBOOK_LANG, else "en"."""
    chosen = _chosen or os.environ.get("LOSSBOOK_LANG", "en") or "en"
    return chosen if chosen in LANGUAGES else "en"


@functools.lru_cache(maxsize=None)
def _catalog(language: str) -> dict:
    path = Path(__file__).with_name("locale") / f"{language}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def translate(text: str, language: str) -> str:
    """``text`` in ``language`` (whatever language is in use): for tools and tests."""
    return _catalog(language).get(text, text) if language != "en" else text


def t(text: str) -> str:
    """``text`` in the current language (English text is its own key)."""
    return translate(text, language())


@functools.lru_cache(maxsize=None)
def cjk_font() -> str | None:
    """The name of an installed font with Chinese characters, or None."""
    from matplotlib import font_manager

    def installed():
        return {font.name for font in font_manager.fontManager.ttflist}

    found = next((name for name in CJK_FONTS if name in installed()), None)
    if found is None:  # matplotlib's font cache may predate the font: look on disk
        for path in font_manager.findSystemFonts():
            if any(part in Path(path).name for part in CJK_FILES):
                font_manager.fontManager.addfont(path)
        found = next((name for name in CJK_FONTS if name in installed()), None)
    return found


def use_fonts_for(language: str) -> None:
    """Point matplotlib at fonts that can draw ``language`` (a no-op for English).

    The CJK font comes first: a label that mixes words and math (``"损失，$-\\log p$"``)
    is drawn by mathtext with the first font alone, so it must have the Chinese
    characters (CJK fonts carry Latin letters and digits too). Anything it lacks falls
    back to DejaVu Sans, glyph by glyph. Without any CJK font, one warning says how to
    install one (instead of a warning per character).
    """
    if language == "en":
        return
    import matplotlib

    font = cjk_font()
    if font is None:
        warnings.warn("Chinese figure text needs a CJK font, and none is installed: on "
                      "Debian/Ubuntu run `sudo apt-get install fonts-noto-cjk`, then restart "
                      "the kernel.", stacklevel=2)
        return
    matplotlib.rcParams["font.family"] = [font, "DejaVu Sans"]  # per-glyph fallback, in order


if language() != "en":      # LOSSBOOK_LANG=zh_CN: the Chinese book build, or a reader's choice
    use_fonts_for(language())
