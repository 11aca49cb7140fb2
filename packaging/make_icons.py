"""Draw the application icon: a handwritten "7" on a rounded square.

Writes ``resources/icons/mnist-desktop-<N>.png`` for N in 16, 32, 48, 64, 128,
256 and ``resources/icons/mnist-desktop.svg`` (the same drawing as a vector).
Each PNG is painted at its own size (not scaled down from a big one), with a
slightly heavier stroke at the smallest sizes so the digit stays legible.

Run from anywhere (needs PySide6; works offscreen)::

    .venv/bin/python packaging/make_icons.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 32, 48, 64, 128, 256)
OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"

# Geometry on a 256-unit canvas.
MARGIN = 8            # transparent border around the square
RADIUS = 52           # corner radius of the square
TOP, BOTTOM = "#3b4cca", "#17205e"   # background gradient (indigo)
INK = "#ffffff"
ACCENT = "#ffb020"    # the "label" dot: a sample has an image and a label
# The "7": a slightly rising top bar, a curved down-stroke, a short crossbar.
SEVEN = [
    ("M", 70, 78), ("Q", 128, 66, 184, 70),           # top bar
    ("Q", 150, 118, 132, 160), ("Q", 118, 194, 112, 214),  # down-stroke
]
CROSS = [("M", 98, 148), ("L", 168, 140)]
DOT = (196, 200, 18)  # cx, cy, r


def stroke_width(size: int) -> float:
    """Stroke width in 256-units: heavier when the icon is tiny."""
    return {16: 40.0, 32: 32.0, 48: 30.0}.get(size, 26.0)


def _path_d(cmds) -> str:
    parts = []
    for c in cmds:
        parts.append(c[0] + " " + " ".join(f"{v:g}" for v in c[1:]))
    return " ".join(parts)


def svg() -> str:
    w = stroke_width(256)
    side = 256 - 2 * MARGIN
    cx, cy, r = DOT
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="{TOP}"/>
      <stop offset="1" stop-color="{BOTTOM}"/>
    </linearGradient>
  </defs>
  <rect x="{MARGIN}" y="{MARGIN}" width="{side}" height="{side}" rx="{RADIUS}" fill="url(#bg)"/>
  <g fill="none" stroke="{INK}" stroke-width="{w:g}" stroke-linecap="round" stroke-linejoin="round">
    <path d="{_path_d(SEVEN)}"/>
    <path d="{_path_d(CROSS)}"/>
  </g>
  <circle cx="{cx}" cy="{cy}" r="{r}" fill="{ACCENT}"/>
</svg>
"""


def render(size: int):
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QImage, QLinearGradient, QPainter, QPainterPath, QPen

    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size / 256, size / 256)
    grad = QLinearGradient(0, MARGIN, 0, 256 - MARGIN)
    grad.setColorAt(0, QColor(TOP))
    grad.setColorAt(1, QColor(BOTTOM))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(grad))
    side = 256 - 2 * MARGIN
    p.drawRoundedRect(QRectF(MARGIN, MARGIN, side, side), RADIUS, RADIUS)

    pen = QPen(QColor(INK), stroke_width(size))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    for cmds in (SEVEN, CROSS):
        path = QPainterPath()
        for c in cmds:
            if c[0] == "M":
                path.moveTo(c[1], c[2])
            elif c[0] == "L":
                path.lineTo(c[1], c[2])
            else:
                path.quadTo(QPointF(c[1], c[2]), QPointF(c[3], c[4]))
        p.drawPath(path)
    if size >= 32:  # the label dot would only be a smudge at 16 px
        cx, cy, r = DOT
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(ACCENT))
        p.drawEllipse(QPointF(cx, cy), r, r)
    p.end()
    return img


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts, image IO)
    OUT.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        path = OUT / f"mnist-desktop-{size}.png"
        if not render(size).save(str(path)):
            print(f"error: {path}: could not write", file=sys.stderr)
            return 1
        print(path)
    (OUT / "mnist-desktop.svg").write_text(svg(), encoding="utf-8")
    print(OUT / "mnist-desktop.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
