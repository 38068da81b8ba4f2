"""Small, exact pictures for the static page: a base per scene, and per frame what changed.

Moving a slider changes a small part of a plot: a point, a bar, the numbers in
the title. So the frames are stored as

* one **base** per scene (per combination of the ``Choice`` values; one in all
  for a slider of ranges), each pixel the value that most of the scene's frames
  share, and
* one **overlay** per frame: the frame's own pixels where it differs from its
  base, fully transparent elsewhere, cropped to the box around the change and
  placed at ``offsets[i]`` (x, y).

Both are lossless WebP, so the page, drawing an overlay on its base, shows
exactly the frame ``draw`` drew: no palette, no rounding, no ghost. An overlay
of a chapter frame at 2x pixel density weighs about 2 KB.

>>> import numpy as np
>>> frames = np.full((3, 4, 5, 3), 255, np.uint8)
>>> frames[1, 2, 3] = (214, 39, 40)
>>> packed = encode(frames, [0, 0, 0])
>>> len(packed.bases), len(packed.overlays)
(1, 3)
>>> bool((composite(packed, 1) == frames[1]).all())
True
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass
class Frames:
    """Encoded frames: ``overlays[i]`` drawn at ``offsets[i]`` on ``bases[base_of[i]]`` is frame ``i``."""

    width: int
    height: int
    bases: list[bytes]
    overlays: list[bytes]
    offsets: list[tuple[int, int]]
    base_of: list[int]

    @property
    def nbytes(self) -> int:
        """Total size of all pictures, before base64."""
        return sum(map(len, self.bases)) + sum(map(len, self.overlays))


def encode(frames: np.ndarray, scene_of: list[int]) -> Frames:
    """Encode RGB ``frames`` (n, height, width, 3), one base per distinct ``scene_of`` value."""
    n, height, width, _ = frames.shape
    scenes = sorted(set(scene_of))
    base_of = [scenes.index(s) for s in scene_of]
    members = [[i for i in range(n) if base_of[i] == b] for b in range(len(scenes))]
    bases = [_majority(frames[m]) for m in members]
    overlays, offsets = [], []
    for frame, b in zip(frames, base_of):
        changed = np.any(frame != bases[b], axis=-1)
        rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        if len(rows) == 0:  # the frame is its base
            rows, cols = np.array([0]), np.array([0])
        box = np.s_[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
        rgba = np.zeros(changed[box].shape + (4,), np.uint8)
        rgba[changed[box], :3] = frame[box][changed[box]]
        rgba[changed[box], 3] = 255
        overlays.append(webp(rgba))
        offsets.append((int(cols[0]), int(rows[0])))
    return Frames(width, height, [webp(b) for b in bases], overlays, offsets, base_of)


def composite(frames: Frames, i: int) -> np.ndarray:
    """Frame ``i`` as the page composes it, its overlay over its base: RGB (for tests)."""
    base = Image.open(io.BytesIO(frames.bases[frames.base_of[i]])).convert("RGBA")
    top = Image.open(io.BytesIO(frames.overlays[i])).convert("RGBA")
    base.alpha_composite(top, dest=frames.offsets[i])
    return np.asarray(base.convert("RGB"))


def webp(pixels: np.ndarray) -> bytes:
    """Lossless WebP of RGB or RGBA ``pixels`` (height, width, 3 or 4)."""
    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(
        out, format="webp", lossless=True, quality=100, method=4, exact=False)
    return out.getvalue()


def _majority(frames: np.ndarray) -> np.ndarray:
    """Per pixel, the value two of the first, middle and last frame agree on.

    A point that moves across the frames is in at most one of the three, so the
    base keeps what stays: the curve, the axes, the background.
    """
    first, middle, last = frames[0], frames[len(frames) // 2], frames[-1]
    same = np.all(first == last, axis=-1, keepdims=True)
    return np.where(same, first, middle)
