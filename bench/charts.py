"""PNG bar charts drawn with Pillow's ImageDraw: no plotting library needed.

A chart is a list of :class:`Bar` rows, drawn horizontally with their values printed at
the end of each bar, optionally grouped under section headings. That is enough for every
benchmark figure here (times, rates, ratios) and keeps ``bench`` free of matplotlib.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = ["PALETTE", "Bar", "bar_chart"]

#: Bar colours, picked by ``Bar.colour`` index.
PALETTE = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860")

_WIDTH = 960
_ROW = 30
_PAD = 16
_BACKGROUND = "white"
_TEXT = "#222222"
_MUTED = "#666666"


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its value and the text printed after it."""

    label: str
    value: float
    text: str = ""
    colour: int = 0
    #: A heading drawn above this bar (starts a new group of bars).
    section: str = ""


def bar_chart(path: Path, title: str, bars: Sequence[Bar], *, note: str = "") -> Path:
    """Draw ``bars`` as a horizontal bar chart into the PNG file ``path``.

    Bars are scaled within their section, so sections may hold different units.
    """
    font, bold, small = _font(14), _font(16), _font(12)
    sections = sum(1 for bar in bars if bar.section)
    height = 2 * _PAD + 34 + len(bars) * _ROW + sections * _ROW + (24 if note else 0)
    image = Image.new("RGB", (_WIDTH, max(height, 120)), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((_PAD, _PAD), title, fill=_TEXT, font=bold)
    label_width = max((draw.textlength(bar.label, font=font) for bar in bars), default=0)
    left = int(_PAD + label_width + 12)
    value_room = 190
    span = max(_WIDTH - left - value_room - _PAD, 50)
    peaks = _section_peaks(bars)
    y = _PAD + 34
    for bar, peak in zip(bars, peaks, strict=True):
        if bar.section:
            draw.text((_PAD, y + 8), bar.section, fill=_MUTED, font=small)
            y += _ROW
        draw.text((_PAD, y + 6), bar.label, fill=_TEXT, font=font)
        length = int(span * max(bar.value, 0.0) / peak)
        colour = PALETTE[bar.colour % len(PALETTE)]
        draw.rectangle((left, y + 4, left + max(length, 1), y + _ROW - 6), fill=colour)
        draw.text((left + length + 8, y + 6), bar.text or f"{bar.value:g}", fill=_TEXT, font=font)
        y += _ROW
    if note:
        draw.text((_PAD, y + 6), note, fill=_MUTED, font=small)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG", optimize=True)
    return path


def _section_peaks(bars: Sequence[Bar]) -> list[float]:
    """Each bar's scale: the largest value of its section (sections differ in units)."""
    groups: list[list[Bar]] = []
    for bar in bars:
        if bar.section or not groups:
            groups.append([])
        groups[-1].append(bar)
    peaks = []
    for group in groups:
        peak = max((bar.value for bar in group if bar.value > 0), default=1.0)
        peaks += [peak] * len(group)
    return peaks


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()
