"""What an on-site service leaves behind: no stored file when it fails after storing one (a
signature, a photo, a PDF), and its documents in Chinese whatever language the inspector reads."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import translation

from inspections import services
from inspections.models import InspectorSignature, Visit
from seedreg.errors import InvalidInput
from seedreg.lib.files import save_file
from seedreg.regulated import service_context

from .test_ledger_wiring import buy, visit  # noqa: F401  (fixture)
from .test_sampling import sample
from .test_visit_forms import drawn
from .test_visits import pdf_text, signature_png


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- files of a failed service ------------------------------------------------------------------

def test_a_visit_closed_with_signatures_that_then_fails_leaves_no_file(visit, inspector, inspector2):  # noqa: F811
    # The business's and both inspectors' signatures are stored before the case summary is
    # checked; the missing summary rolls everything back, the files included.
    with pytest.raises(InvalidInput) as refused:
        services.close_visit(visit, actor=inspector, outcome="case", ack_signature=signature_png(),
                             inspector_signatures={inspector: drawn(10), inspector2: drawn(90)})
    assert refused.value.code == "required"
    assert stored_files() == []
    visit.refresh_from_db()
    assert visit.status == Visit.Status.OPEN and not visit.ack_signature and not InspectorSignature.objects.exists()
    # The same close with its summary keeps the three signatures and the record's PDF.
    services.close_visit(visit, actor=inspector, outcome="case", case_summary="销售未审定品种",
                         ack_signature=signature_png(), inspector_signatures={inspector: drawn(10), inspector2: drawn(90)})
    visit.refresh_from_db()
    kept = stored_files()
    assert visit.ack_signature.name in kept and visit.record_document.pdf.name in kept
    assert all(s.image.name in kept for s in InspectorSignature.objects.all()) and len(kept) == 4


def test_a_failing_service_removes_what_its_nested_services_stored(visit):  # noqa: F811
    """A nested service that succeeded hands its files to the one around it; one that failed and
    was caught removes its own and leaves the others."""
    def store(name):
        field = Visit(pk=visit.pk).ack_signature
        save_file(field, name, ContentFile(b"x"))
        return field.name

    with pytest.raises(RuntimeError), service_context():
        with service_context():
            store("inner.png")
        store("outer.png")
        raise RuntimeError("a later check fails")
    assert stored_files() == []

    with service_context():
        kept = store("kept.png")
        try:
            with service_context():
                store("dropped.png")
                raise InvalidInput("refused")
        except InvalidInput:
            pass
    assert stored_files() == [kept]


def test_a_finding_whose_second_photo_is_bad_keeps_no_first_photo(visit, inspector):  # noqa: F811
    from .conftest import jpeg_bytes

    with pytest.raises(InvalidInput):
        services.record_finding(visit, actor=inspector, finding_type="label_incomplete", description="标签不全",
                                photos=[("a.jpg", jpeg_bytes()), ("b.jpg", b"not a photo")])
    assert stored_files() == []


# --- documents in the official language ---------------------------------------------------------------

def test_a_sampling_form_issued_by_an_inspector_reading_english_is_chinese(clerk, visit, inspector, crops, lot,  # noqa: F811
                                                                           shops, seed_producer):
    # The lot's label (seed class…) is copied onto the stored form before the PDF is rendered.
    buy(clerk, shops[0], lot, "500", seed_producer)
    with translation.override("en"):
        record = sample(visit, inspector, crops, lot=lot)
    assert record.label["seed_class"] == "大田用种"
    text = pdf_text(record.document)
    assert "种子抽样单" in text and "Certified" not in text and "Sampling" not in text

