import base64
import io

import segno


def qr_svg_data_uri(url: str, *, scale: int = 3) -> str:
    """An SVG data URI of a QR code for ``url`` (error correction M: survives a smudged print)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=scale, border=2)


def qr_png(url: str, *, scale: int = 6) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def qr_png_data_uri(url: str, *, scale: int = 6) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(url, scale=scale)).decode()
