"""Draws the phone app's home-screen icons (mobile_api/static/phone/icons/icon-*.png).

Run once after changing the design: `.venv/bin/python scripts/make_phone_icons.py`. The PNGs are
committed, so a fresh clone needs nothing else. A seedling on the station's green; the drawing
stays inside the central 80 % so "maskable" launchers may crop it to any shape."""

from pathlib import Path

from PIL import Image, ImageDraw

GREEN, WHITE = (11, 93, 30), (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "mobile_api" / "static" / "phone" / "icons"


def icon(size: int) -> Image.Image:
    scale = 4  # drawn large then reduced: smooth edges without a font or a vector library
    s = size * scale
    img = Image.new("RGB", (s, s), GREEN)
    d = ImageDraw.Draw(img)
    cx = s // 2
    d.rectangle([cx - s // 40, int(s * 0.42), cx + s // 40, int(s * 0.74)], fill=WHITE)  # stem
    d.ellipse([int(s * 0.25), int(s * 0.30), cx + s // 60, int(s * 0.48)], fill=WHITE)  # left leaf
    d.ellipse([cx - s // 60, int(s * 0.22), int(s * 0.75), int(s * 0.42)], fill=WHITE)  # right leaf
    d.rectangle([int(s * 0.28), int(s * 0.74), int(s * 0.72), int(s * 0.78)], fill=WHITE)  # soil
    return img.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for n in (192, 512):
        icon(n).save(OUT / f"icon-{n}.png", optimize=True)
        print(OUT / f"icon-{n}.png")
