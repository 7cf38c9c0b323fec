"""Small helpers shared by tests."""

import time


def wait_for(predicate, seconds=30):
    """Poll ``predicate`` until it is true (a real worker is doing the work), or give up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def qr_texts_of_first_page(data: bytes, scale: float = 2.0) -> list[str]:
    """Render a PDF's first page (PDFium, as a browser would) and decode every QR code on it."""
    import pypdfium2
    import zxingcpp

    pdf = pypdfium2.PdfDocument(data)
    try:
        image = pdf[0].render(scale=scale).to_pil()
    finally:
        pdf.close()
    return [r.text for r in zxingcpp.read_barcodes(image)]
