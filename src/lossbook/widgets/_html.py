"""The static player: one self-contained HTML snippet for pages with no kernel.

Per control a native ``<input type="range">`` (or a ``<select>`` for a choice)
with its ``<label>`` and a visible ``<output>`` readout; below them the current
frame as two stacked ``<img>`` (base and overlay, see ``_frames``). A tiny
inline script swaps the images' ``src`` and ``alt`` and the readouts when a
control moves; it draws nothing. Every picture is a ``data:`` URI, so the
snippet requests nothing from anywhere. Element ids come from a hash of the
content: two builds of the same slider give the same HTML.

Without JavaScript (or where scripts are stripped, as on GitHub) the initial
frame still shows, with its alt text.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from dataclasses import dataclass

from ._frames import Frames

_PNG = "data:image/png;base64,"
_ID = "\x00id\x00"  # stands for the id until the content's hash is known


@dataclass
class Control:
    """What the page needs to know about one control."""

    label: str
    labels: list[str]  # readout text per position
    index: int  # initial position
    choice: bool  # a <select> rather than a range


def player(frames: Frames, controls: list[Control], alts: list[str], title: str) -> str:
    """The HTML snippet; frame ``i`` is the row-major index over the controls' positions."""
    strides, stride = [], 1
    for control in reversed(controls):
        strides.append(stride)
        stride *= len(control.labels)
    strides.reverse()
    first = sum(c.index * s for c, s in zip(controls, strides))
    b64 = [base64.b64encode(p).decode("ascii") for p in frames.overlays]
    bases = [base64.b64encode(p).decode("ascii") for p in frames.bases]
    base0 = frames.base_of[first]
    rows = "\n".join(_control(_ID, k, c) for k, c in enumerate(controls))
    data = {
        "F": [("" if i == first else s) for i, s in enumerate(b64)],  # the <img> has the first
        "B": [("" if g == base0 else s) for g, s in enumerate(bases)],
        "G": frames.base_of if len(bases) > 1 else None,
        "A": alts,
        "T": [c.labels for c in controls],
        "S": strides,
        "i": first,
        "g": base0,
    }
    size = f'width="{frames.width}" height="{frames.height}"'
    body = f"""<div id="{_ID}" class="lossbook-slider" role="group" aria-label="{_attr(title)}" \
style="margin:.5em 0 1em;line-height:1.4">
{rows}
<div style="position:relative;max-width:{frames.width}px;line-height:0;background:#fff;\
border:1px solid #c9ced4;border-radius:4px;overflow:hidden">
<img src="{_PNG}{bases[base0]}" alt="" {size} \
style="display:block;width:100%;height:auto;margin:0;padding:0;border:0;max-width:none">
<img src="{_PNG}{b64[first]}" alt="{_attr(alts[first])}" {size} \
style="position:absolute;left:0;top:0;width:100%;height:auto;margin:0;padding:0;border:0;max-width:none">
</div>
<script>{_script(data)}</script>
</div>"""
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]
    return body.replace(_ID, f"lbs-{digest}")


def _control(root: str, k: int, c: Control) -> str:
    ident = f"{root}-{k}"
    label = f'<label for="{ident}" style="min-width:5em">{html.escape(c.label)}</label>'
    row = 'style="display:flex;flex-wrap:wrap;align-items:center;gap:.2em .75em;margin:.3em 0;max-width:44em"'
    if c.choice:
        options = "".join(
            f'<option value="{j}"{" selected" if j == c.index else ""}>{html.escape(t)}</option>'
            for j, t in enumerate(c.labels))
        return (f'<div {row}>{label}<select id="{ident}" data-lbs="{k}" '
                f'style="font:inherit;max-width:100%">{options}</select></div>')
    return (
        f'<div {row}>{label}<input type="range" id="{ident}" data-lbs="{k}" min="0" '
        f'max="{len(c.labels) - 1}" step="1" value="{c.index}" '
        f'aria-valuetext="{_attr(c.labels[c.index])}" '
        f'style="flex:1 1 12em;min-width:8em;max-width:24em;margin:0">'
        f'<output for="{ident}" style="min-width:4.5em;font-variant-numeric:tabular-nums">'
        f'{html.escape(c.labels[c.index])}</output></div>'
    )


def _script(data: dict) -> str:
    # Only the frame swap: find the controls, read their positions, set src/alt/readouts.
    payload = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")  # no "</script>"
    return (
        "(function(){var D=" + payload + ",P=\"" + _PNG + "\",s=document.currentScript,"
        "r=s&&s.parentNode;if(!r||!r.querySelector)r=document.getElementById(\"" + _ID + "\");"
        "if(!r)return;var c=r.querySelectorAll(\"[data-lbs]\"),m=r.getElementsByTagName(\"img\"),"
        "b=m[0],f=m[1],g=D.g;D.F[D.i]=f.getAttribute(\"src\").slice(P.length);"
        "D.B[D.g]=b.getAttribute(\"src\").slice(P.length);"
        "function u(){var i=0,k,j,t,o;for(k=0;k<c.length;k++){j=+c[k].value;i+=j*D.S[k];"
        "t=D.T[k][j];if(c[k].type==\"range\"){c[k].setAttribute(\"aria-valuetext\",t);"
        "o=c[k].parentNode.getElementsByTagName(\"output\")[0];if(o)o.textContent=t;}}"
        "var h=D.G?D.G[i]:0;if(h!==g){b.src=P+D.B[h];g=h;}f.src=P+D.F[i];f.alt=D.A[i];}"
        "for(var k=0;k<c.length;k++){c[k].addEventListener(\"input\",u);"
        "c[k].addEventListener(\"change\",u);}u();})();"
    )


def _attr(text: str) -> str:
    return html.escape(text, quote=True)
