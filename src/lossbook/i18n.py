"""Text the package shows (figure labels, slider readouts, check messages) in the reader's language.

The book has an English and a Chinese edition built from the same notebooks. Text
that code draws or prints goes through :func:`t`, which looks the English text up
in ``locale/<language>.json`` and returns it unchanged when there is no entry::

    >>> from lossbook.i18n import t
    >>> t("confidence p")
    'confidence p'

The language comes from :func:`set_language`, else the ``LOSSBOOK_LANG``
environment variable (``en`` or ``zh_CN``), else English.
"""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path

LANGUAGES = ("en", "zh_CN")
_chosen: str | None = None


def set_language(language: str | None) -> None:
    """Choose the language for everything shown from now on (None: back to LOSSBOOK_LANG)."""
    global _chosen
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}; got {language!r}.")
    _chosen = language


def language() -> str:
    """The language in use: set_language's choice, else LOSSBOOK_LANG, else "en"."""
    chosen = _chosen or os.environ.get("LOSSBOOK_LANG", "en") or "en"
    return chosen if chosen in LANGUAGES else "en"


@functools.lru_cache(maxsize=None)
def _catalog(language: str) -> dict:
    path = Path(__file__).with_name("locale") / f"{language}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def t(text: str) -> str:
    """``text`` in the current language (English text is its own key)."""
    return _catalog(language()).get(text, text) if language() != "en" else text
