"""The static player: one self-contained HTML snippet for pages without a kernel.

Per control a ``<label>``, a native ``<input type="range">`` between -/+ step
buttons and an ``<output>`` readout (or a ``<select>`` for a choice); under them
a ``<canvas>`` where ``player.js`` (inlined from its own file) paints the frame
for the controls' positions, and a polite live region that says what a move
changed and what it did ("confidence 0.55, loss 0.60"). Pictures
are ``data:`` URIs: the snippet requests nothing. Ids come from a hash of the
content, so two builds give the same HTML.

A print strip follows: a few stills with captions in ``.lb-slider-print``. The
book's screen CSS hides it, its print CSS shows it instead of ``.lb-slider-live``,
and without CSS or script (a notebook viewer) it is what shows.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
from html import escape
from pathlib import Path

from ..i18n import t
from ._controls import Choice, announced, spoken
from ._frames import Frames

_ID = "\x00id\x00"  # stands for the id until the content's hash is known
_SCRIPT = Path(__file__).with_name("player.js")


def player(frames: Frames, controls: dict, results: list[str], alts: list[str],
           stills: list[tuple[bytes, str, str]], css_size: tuple[int, int]) -> str:
    """The snippet, starting where the ``controls`` (name: Range or Choice) start.

    Frame ``i`` is the row-major index over the controls' positions; ``stills``
    are the print strip's (webp, alt, caption).
    """
    labels = [c.label or name for name, c in controls.items()]
    controls = list(controls.values())
    sizes = [len(c.labels) for c in controls]
    strides = [math.prod(sizes[k + 1:]) for k in range(len(sizes))]
    first = sum(c.index * s for c, s in zip(controls, strides))
    data = {"bases": [_b64(p) for p in frames.bases],
            "overlays": [_b64(p) for p in frames.overlays],
            "offsets": frames.offsets, "baseOf": frames.base_of, "strides": strides,
            "controls": [{"labels": c.labels, "said": [spoken(label, text) for text in c.labels]}
                         for label, c in zip(labels, controls)],
            "results": results, "alts": alts, "joined": t("{said}, {result}")}
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    title = t("Interactive plot: {controls}").format(controls=", ".join(labels))
    rows = "\n".join(_control(k, label, c, results[first])
                     for k, (label, c) in enumerate(zip(labels, controls)))
    width, height = css_size
    figures = "\n".join(
        f'<figure><img src="data:image/webp;base64,{_b64(picture)}" alt="{_attr(alt)}" '
        f'width="{width}" height="{height}"><figcaption>{escape(caption)}</figcaption></figure>'
        for picture, alt, caption in stills)
    body = f"""<div class="lb-slider" id="{_ID}">
<div class="lb-slider-live" role="group" aria-label="{_attr(title)}">
{rows}
<canvas class="lb-slider-frame" width="{frames.width}" height="{frames.height}" \
style="max-width:{width}px" role="img" aria-label="{_attr(alts[first])}"></canvas>
<p class="lb-slider-status" role="status" aria-live="polite"></p>
<script type="application/json" class="lb-slider-data">{payload}</script>
<script>
{_SCRIPT.read_text(encoding="utf-8")}</script>
</div>
<div class="lb-slider-print">
{figures}
</div>
</div>"""
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]
    return body.replace(_ID, f"lbs-{digest}")


def _control(k: int, name: str, c, result: str) -> str:
    """Control ``k``: its label, then a <select>, or a range between -/+ buttons and its readout."""
    ident = f"{_ID}-{k}"
    label = f'<label for="{ident}">{escape(name)}</label>'
    if isinstance(c, Choice):
        options = "".join(f'<option value="{j}"{" selected" if j == c.index else ""}>'
                          f'{escape(text)}</option>' for j, text in enumerate(c.labels))
        return (f'<div class="lb-slider-row">{label}'
                f'<select id="{ident}" data-control="{k}">{options}</select></div>')
    shown = c.labels[c.index]
    valuetext = announced(spoken(name, shown), result)

    def step(sign: int, text: str, words: str) -> str:
        return (f'<button type="button" class="lb-slider-step" data-control="{k}" '
                f'data-step="{sign}" aria-controls="{ident}" '
                f'aria-label="{_attr(words.format(label=name))}">{text}</button>')

    return (f'<div class="lb-slider-row">{label}{step(-1, "−", t("{label}: one step down"))}'
            f'<input type="range" id="{ident}" data-control="{k}" min="0" '
            f'max="{len(c.labels) - 1}" step="1" value="{c.index}" '
            f'aria-valuetext="{_attr(valuetext)}">{step(1, "+", t("{label}: one step up"))}'
            f'<output for="{ident}">{escape(shown)}</output></div>')


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _attr(text: str) -> str:
    return escape(text, quote=True)
