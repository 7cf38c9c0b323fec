import datetime
import io
import threading

import pypdf
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.utils import timezone

from seedreg.audit.testing import assert_audited
from seedreg.documents.models import IssuedDocument, ServiceRecord
from seedreg.documents.serials import allocate_serial, reserve_block, use_reserved_number
from seedreg.documents.services import (
    acknowledge_in_portal,
    invalidate_document,
    issue_document,
    record_service,
    verification_url,
)
from seedreg.documents.types import document_types, register_document_type
from seedreg.errors import Conflict, InvalidInput, PermissionDenied
from seedreg.regions.models import Station
from seedreg.regulated import RegulatedWriteError, service_context
from tests.helpers import qr_texts_of_first_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(geo):
    return Station.objects.get(region_id="211322")


def issue_notice(station, actor, **extra):
    return issue_document(source=station, doc_type="notice", title="关于开展春季种子市场检查的通知",
                          region_code="211322", actor=actor,
                          context={"addressee": "各种子经营者", "paragraphs": ["请于三月底前完成自查。"] * extra.pop("n", 1),
                                   "rows": [("检查时间", "2026年3月")]}, **extra)


def pdf_text(data: bytes) -> str:
    """The text of every page, without the spaces that letter-spaced headings extract with."""
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return text.replace(" ", "")


def pdf_fonts(data: bytes) -> set[str]:
    fonts = set()
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_an_issued_document_is_a_pdf_in_chinese_with_an_embedded_font_and_a_verifying_qr(station, chief, tmp_path):
    with service_context(), assert_audited("documents.document.issued"):
        doc = issue_notice(station, chief)
    data = doc.pdf.read()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "关于开展春季种子市场检查的通知" in text and "建平县种子管理站" in text
    assert doc.serial in text
    assert any("SeedRegCJK" in f or "WenQuanYi" in f or "Noto" in f for f in pdf_fonts(data))
    assert qr_texts_of_first_page(data) == [verification_url(doc)]


def test_serials_are_consecutive_per_county_type_and_year(station, chief):
    with service_context():
        first, second = issue_notice(station, chief), issue_notice(station, chief)
        other_year = allocate_serial(county_code="211322", doc_type="notice", year=2031)
    assert (first.number, second.number) == (1, 2)
    assert first.serial == f"建种通〔{timezone.localdate().year}〕第0001号"
    assert other_year.number == 1 and other_year.text == "建种通〔2031〕第0001号"


def test_every_document_type_has_its_own_abbreviation():
    """The serial text is unique: two types sharing an abbreviation (the visit record and the
    lab report were both 种检; the visit record is now 种查) gave the first lab report of a year the visit record's serial,
    and issuing it failed with an integrity error (found by tests/test_regulatory_loop.py)."""
    abbreviations = [t.abbreviation for t in document_types().values()]
    assert len(abbreviations) == len(set(abbreviations)), sorted(abbreviations)
    with pytest.raises(ImproperlyConfigured):
        register_document_type("another_report", label="另一种报告", abbreviation="种检报")
    assert "another_report" not in document_types()


def test_a_visit_record_and_a_lab_report_of_one_year_get_different_serials(station, chief):
    with service_context():
        visit_record = allocate_serial(county_code="211322", doc_type="visit_record", year=2026)
        lab_report = allocate_serial(county_code="211322", doc_type="lab_report", year=2026)
    assert (visit_record.number, lab_report.number) == (1, 1)
    assert (visit_record.text, lab_report.text) == ("建种查〔2026〕第0001号", "建种检报〔2026〕第0001号")


def test_two_counties_whose_stations_share_a_short_name_number_on_their_own(station, chief, outsider):
    # 建平县 and 建昌县 are both 建: a serial is unique in its county, not nationally.
    Station.objects.filter(region_id="211321").update(short_name=station.short_name)
    with service_context():
        ours = issue_notice(station, chief)
        theirs = issue_document(source=station, doc_type="notice", title="通知", region_code="211321", actor=outsider,
                                context={"addressee": "各种子经营者", "paragraphs": ["自查。"], "rows": []})
    assert ours.serial == theirs.serial and ours.county_code != theirs.county_code


def test_a_failed_issue_gives_its_number_back(station, chief):
    with pytest.raises(RuntimeError), service_context():
        issue_notice(station, chief)
        raise RuntimeError("something after the document failed")
    with service_context():
        assert issue_notice(station, chief).number == 1


def test_reserved_numbers_are_never_handed_out_by_the_office_and_used_once(station, inspector):
    with service_context():
        block = reserve_block(county_code="211322", doc_type="notice", year=2026, size=5, holder="pair:1",
                              actor=inspector)
        assert (block.first_number, block.last_number) == (1, 5)
        assert allocate_serial(county_code="211322", doc_type="notice", year=2026).number == 6
        serial = use_reserved_number(block, 3)
        issue_notice(station, inspector, serial=serial, issued_at=timezone.make_aware(datetime.datetime(2026, 4, 1)))
    with pytest.raises(Conflict), service_context():
        use_reserved_number(block, 3)
    with pytest.raises(InvalidInput), service_context():
        use_reserved_number(block, 9)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks under concurrency: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_allocations_give_twenty_consecutive_numbers(geo):
    results, errors = [], []
    barrier = threading.Barrier(20)

    def allocate():
        try:
            barrier.wait(timeout=10)
            with service_context():
                results.append(allocate_serial(county_code="211322", doc_type="notice", year=2026).number)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sorted(results) == list(range(1, 21))


def test_the_public_page_shows_the_status_as_of_now_and_nothing_personal(station, chief, client):
    with service_context():
        doc = issue_notice(station, chief)
    page = client.get(f"/d/{doc.verify_token}").content.decode()
    assert "真实有效" in page and doc.serial in page
    with service_context():
        invalidate_document(doc, reason="内容有误", actor=chief)
    page = client.get(f"/d/{doc.verify_token}").content.decode()
    assert "已作废" in page and "真实有效" not in page
    assert chief.full_name not in page
    assert client.get("/d/not-a-token").status_code == 404


def test_a_replacement_supersedes_the_old_version_and_its_receivers_are_told(station, chief, clerk):
    from seedreg.notifications.models import Notification

    with service_context():
        doc = issue_notice(station, chief)
        record_service(doc, method="in_person", served_at=timezone.now(), recipient_name="李科员",
                       recipient_user=clerk, actor=chief)
        new = invalidate_document(doc, reason="日期写错", actor=chief,
                                  replacement_context={"paragraphs": ["更正后的内容"]})
    doc.refresh_from_db()
    assert doc.status == IssuedDocument.Status.SUPERSEDED
    assert new.supersedes == doc and new.serial == doc.serial + "-1" and new.number == doc.number
    assert Notification.objects.filter(user=clerk, title__contains=doc.serial).exists()


def test_service_is_recorded_and_starts_the_clock(station, chief, clerk):
    with service_context():
        doc = issue_notice(station, chief)
        assert doc.served_at is None
        served = timezone.now()
        with assert_audited("documents.service.recorded"):
            record_service(doc, method="post", served_at=served, recipient_name="某种业公司", actor=clerk)
    assert doc.served_at == served


def test_bad_service_records_are_refused_with_a_reason(station, chief, clerk):
    with service_context():
        doc = issue_notice(station, chief)
    for kwargs, code in [({"method": "pigeon"}, "service_method"), ({"recipient_name": " "}, "service_recipient"),
                         ({"served_at": timezone.now() + datetime.timedelta(days=1)}, "service_in_future")]:
        args = {"method": "post", "served_at": timezone.now(), "recipient_name": "某公司", **kwargs}
        with pytest.raises(InvalidInput) as err, service_context():
            record_service(doc, actor=clerk, **args)
        assert err.value.code == code
    assert not ServiceRecord.objects.exists()


def test_a_portal_acknowledgement_is_the_service_and_counts_once(station, chief, clerk):
    with service_context():
        doc = issue_notice(station, chief)
        first = acknowledge_in_portal(doc, user=clerk)
        again = acknowledge_in_portal(doc, user=clerk)
    assert first == again and first.method == ServiceRecord.Method.PORTAL


def test_only_the_chief_invalidates_and_another_county_cannot(station, chief, clerk, outsider):
    with service_context():
        doc = issue_notice(station, chief)
    with pytest.raises(PermissionDenied), service_context():
        invalidate_document(doc, reason="x", actor=clerk)
    from seedreg.errors import NotFound

    with pytest.raises(NotFound), service_context():
        invalidate_document(doc, reason="x", actor=outsider)


def test_the_pdf_is_served_to_staff_of_the_county_and_not_found_elsewhere(station, chief, outsider, lab_tech, client):
    with service_context():
        doc = issue_notice(station, chief)
    client.force_login(chief)
    response = client.get(f"/documents/{doc.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(outsider)
    assert client.get(f"/documents/{doc.pk}/pdf").status_code == 404
    client.logout()
    assert client.get(f"/documents/{doc.pk}/pdf").status_code == 302


def test_an_issued_document_cannot_be_saved_outside_a_service(station, chief):
    with service_context():
        doc = issue_notice(station, chief)
    doc.title = "悄悄改掉"
    with pytest.raises(RegulatedWriteError):
        doc.save()
    with pytest.raises(RegulatedWriteError):
        IssuedDocument.objects.filter(pk=doc.pk).update(title="悄悄改掉")

