"""Small pictures for the static page: a base frame, and per frame only what changed.

Moving a slider usually changes a few hundred pixels of a plot: the point, a
number in the title. So the frames are stored as

* one **base** picture per group of frames (one group for a single range; one
  per option when a choice redraws the whole plot), each pixel the value most
  of the group's frames agree on, and
* one **overlay** per frame, transparent wherever the frame equals its base.

The page stacks the overlay on its base. Everything shares one palette of at
most ``colors`` colours (an overlay keeps only the colours it uses), so each
picture is a small indexed PNG: about 1 KB per overlay where a whole quantised
frame is about 4 KB.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass
class Frames:
    """Encoded frames: ``overlays[i]`` drawn on ``bases[base_of[i]]`` is frame ``i``."""

    width: int
    height: int
    bases: list[bytes]
    overlays: list[bytes]
    base_of: list[int]
    colors: int

    @property
    def nbytes(self) -> int:
        """Total size of all PNG files, before base64."""
        return sum(map(len, self.bases)) + sum(map(len, self.overlays))


def encode(frames: np.ndarray, groupings: list[list[int]], colors: int = 64) -> Frames:
    """Encode RGB ``frames`` (n, height, width, 3) as bases and overlays.

    ``groupings`` offers ways to group the frames (a group id per frame); the one
    that leaves the fewest changed pixels, counting each base's cost, is used.
    """
    n, height, width, _ = frames.shape
    packed = _pack(frames)
    grouping, bases = _best_grouping(packed, groupings)
    palette = _palette(frames, bases, colors - 1)  # index 0 is kept for "transparent"
    base_index = [_quantize(b.ravel(), palette).reshape(height, width) for b in bases]
    base_png = [_png(idx, palette, transparent=False) for idx in base_index]
    overlays = []
    for frame, group in zip(packed, grouping):
        index = np.zeros((height, width), dtype=np.uint8)
        changed = frame != bases[group]
        index[changed] = _quantize(frame[changed], palette)
        index[index == base_index[group]] = 0  # the same colour as the base after all
        overlays.append(_png(index, palette, transparent=True))
    return Frames(width, height, base_png, overlays, list(grouping), colors)


def composite(frames: Frames, i: int) -> np.ndarray:
    """Decode frame ``i`` as the page shows it: its overlay over its base (for tests)."""
    base = Image.open(io.BytesIO(frames.bases[frames.base_of[i]])).convert("RGBA")
    top = Image.open(io.BytesIO(frames.overlays[i])).convert("RGBA")
    return np.asarray(Image.alpha_composite(base, top).convert("RGB"))


def _pack(frames: np.ndarray) -> np.ndarray:
    """RGB to one int per pixel, so pixels compare in one operation."""
    f = frames.astype(np.uint32)
    return (f[..., 0] << 16) | (f[..., 1] << 8) | f[..., 2]


def _unpack(packed: np.ndarray) -> np.ndarray:
    return np.stack([(packed >> 16) & 255, (packed >> 8) & 255, packed & 255], -1).astype(np.uint8)


def _majority(packed: np.ndarray) -> np.ndarray:
    """Per pixel, the value two of the first, middle and last frame agree on.

    A point that moves across the frames is in at most one of the three, so the
    base shows what stays: the curve, the axes, the background.
    """
    first, middle, last = packed[0], packed[len(packed) // 2], packed[-1]
    return np.where(first == last, first, middle)


def _best_grouping(packed: np.ndarray, groupings: list[list[int]]):
    best = None
    base_cost = packed.shape[1] * packed.shape[2] // 40  # a base costs like 1 pixel in 40 changed
    for grouping in groupings:
        grouping = np.asarray(grouping)
        ids = sorted(set(grouping.tolist()))
        remap = {g: k for k, g in enumerate(ids)}
        bases = [_majority(packed[grouping == g]) for g in ids]
        changed = sum(int(np.count_nonzero(packed[grouping == g] != base)) for g, base in zip(ids, bases))
        cost = changed + base_cost * len(bases)
        if best is None or cost < best[0]:
            best = (cost, [remap[g] for g in grouping.tolist()], bases)
    return best[1], best[2]


def _palette(frames: np.ndarray, bases: list[np.ndarray], colors: int) -> np.ndarray:
    """One palette for all pictures, from the bases and a sample of the frames."""
    sample = frames[np.linspace(0, len(frames) - 1, min(len(frames), 12)).round().astype(int)]
    mosaic = np.concatenate([*(_unpack(b) for b in bases), *sample], axis=0)
    quantized = Image.fromarray(mosaic).quantize(colors, method=Image.Quantize.MEDIANCUT,
                                                 dither=Image.Dither.NONE)
    used = np.unique(np.asarray(quantized))
    rgb = np.array(quantized.getpalette(), dtype=np.uint8).reshape(-1, 3)[used]
    # Median cut averages the near-white antialiasing into the white background
    # (and near-black into black text): snap such colours back to the exact ones.
    for exact in ((255, 255, 255), (0, 0, 0)):
        distance = ((rgb.astype(int) - exact) ** 2).sum(axis=1)
        if distance.min() <= 3 * 12 ** 2:
            rgb[distance.argmin()] = exact
    return np.concatenate([[[255, 255, 255]], rgb]).astype(np.uint8)  # entry 0: transparent


def _quantize(packed: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Palette index (1..) of the nearest palette colour, for each packed RGB pixel."""
    colors, inverse = np.unique(packed, return_inverse=True)
    rgb = _unpack(colors).astype(np.int32)
    distance = ((rgb[:, None, :] - palette[None, 1:, :].astype(np.int32)) ** 2).sum(axis=2)
    return (distance.argmin(axis=1) + 1).astype(np.uint8)[inverse.ravel()]


def _png(index: np.ndarray, palette: np.ndarray, transparent: bool) -> bytes:
    """An indexed PNG with only the colours it uses (fewer bits per pixel when few)."""
    used = np.unique(index)
    if transparent and used[0] != 0:
        used = np.r_[0, used]
    lookup = np.zeros(256, dtype=np.uint8)
    lookup[used] = np.arange(len(used), dtype=np.uint8)
    image = Image.fromarray(lookup[index], "P")
    image.putpalette(palette[used].ravel().tolist())
    out = io.BytesIO()
    extra = {"transparency": 0} if transparent else {}
    image.save(out, format="png", optimize=True, **extra)
    return out.getvalue()
