"""Draw the app icons of the web app manifest (laktasi/offline/static/offline/icon-*.png).

Run once when the design changes; the PNGs are committed. Pillow comes with matplotlib.
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "laktasi" / "offline" / "static" / "offline"
GREEN, CREAM = (11, 93, 86), (250, 248, 245)


def icon(size: int, *, maskable: bool = False) -> Image.Image:
    """A drop of milk on the brand green; maskable icons keep it in the central safe zone."""
    img = Image.new("RGB", (size, size), GREEN)
    draw = ImageDraw.Draw(img)
    scale = 0.55 if maskable else 0.7
    r = size * scale / 2
    cx, cy = size / 2, size / 2 + r * 0.18
    draw.ellipse([cx - r * 0.72, cy - r * 0.55, cx + r * 0.72, cy + r * 0.89], fill=CREAM)
    draw.polygon([(cx, cy - r * 1.05), (cx - r * 0.66, cy), (cx + r * 0.66, cy)], fill=CREAM)
    return img


if __name__ == "__main__":
    for n in (192, 512):
        icon(n).save(OUT / f"icon-{n}.png", optimize=True)
    icon(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
