"""HTML templates to PDF (WeasyPrint), with an embedded, subset Chinese font."""

import functools

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from .fonts import font_face_css


def in_official_language(service):
    """Run a service that issues a document, or stores text read by others, in the official
    language: labels it computes before rendering (an index's display name, a verdict's reasons)
    must not follow the issuing user's English."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return service(*args, **kwargs)

    return wrapper


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    """Render ``template_name`` with ``context`` to PDF bytes. Templates extend
    documents/base_document.html (A4) or documents/base_receipt.html (A5/receipt width)."""
    import weasyprint

    # An issued document is an official Chinese text, whichever language the issuing user reads.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template_name, {**context, "font_css": mark_safe(font_face_css())})
    document = weasyprint.HTML(string=html, base_url=base_url or str(settings.BASE_DIR))
    # Subset fonts keep a Chinese PDF at tens of kilobytes instead of megabytes.
    return document.write_pdf(uncompressed_pdf=False, optimize_images=True)
