"""Filings: deadline by the Seed Law's rule on the working-day calendar, late flag, receipt."""

import datetime

import pytest
from django.utils import timezone
from pypdf import PdfReader

from licensing import services
from licensing.models import Filing, OutsideParty
from seedreg.errors import InvalidInput
from seedreg.regulated import service_context

from .conftest import make_business

TODAY = timezone.localdate()


@pytest.fixture
def dongya(clerk):
    with service_context():
        return services.register_outside_party(actor=clerk, name="辽宁东亚种业有限公司",
                                               credit_code="91350100M000100Y43",
                                               licence_number="A(辽)农种许字(2016)第0008号")


def test_branch_deadline_counts_working_days_across_national_day(clerk, licensed, varieties):
    branch = make_business(clerk, "丰禾种业沙海分公司", serial=5, kind="branch", principal=licensed.business)
    # Licence obtained on 2026-09-25 (Mid-Autumn): 15 working days skip the National Day holiday
    # (Oct 1–7) and count the Saturday make-up working day, from the calendar data.
    with service_context():
        filing = services.record_filing(branch, actor=clerk, filing_type="branch", principal_business=licensed.business,
                                        principal_licence_number=licensed.number, sale_location="沙海镇",
                                        filed_on=datetime.date(2026, 10, 20), event_on=datetime.date(2026, 9, 25),
                                        items=[(varieties["郑单958"], 100)])
    # 9-28..9-30 (3), 10-8, 10-9, Saturday 10-10 make-up day (6), 10-12..10-16 (11), 10-19..10-22 (15).
    assert filing.deadline_on == datetime.date(2026, 10, 22)
    assert "15个工作日" in filing.deadline_rule
    assert filing.is_late is False


def test_filing_after_selling_began_is_late(clerk, shop, dongya, varieties):
    with service_context():
        filing = services.record_filing(shop, actor=clerk, filing_type="packaged_seller", principal_outside=dongya,
                                        principal_licence_number=dongya.licence_number, sale_location=shop.address,
                                        filed_on=TODAY, event_on=TODAY - datetime.timedelta(days=3),
                                        items=[(varieties["郑单958"], "2000")])
    assert filing.is_late and filing.deadline_on == TODAY - datetime.timedelta(days=3)


def test_bad_filing_writes_nothing(clerk, shop, dongya, varieties):
    with pytest.raises(InvalidInput) as info, service_context():
        services.record_filing(shop, actor=clerk, filing_type="consignment", principal_outside=dongya,
                               principal_licence_number=dongya.licence_number, sale_location="门店",
                               filed_on=TODAY, event_on=TODAY,
                               items=[(varieties["郑单958"], 10), (varieties["郑单958"], 20)])
    assert info.value.code == "duplicate_variety"
    assert not Filing.objects.exists()


def test_paper_filing_receipt_is_a_real_pdf_with_serial(clerk, shop, dongya, varieties):
    with service_context():
        filing = services.record_filing(shop, actor=clerk, filing_type="consignment", principal_outside=dongya,
                                        principal_licence_number=dongya.licence_number, sale_location=shop.address,
                                        filed_on=TODAY, event_on=TODAY, items=[(varieties["东单6531"], 500)],
                                        on_paper=True)
        document = services.issue_filing_receipt(filing, actor=clerk)
        again = services.issue_filing_receipt(filing, actor=clerk)
    assert again.pk == document.pk
    assert "种备" in document.serial
    text = "".join(p.extract_text() for p in PdfReader(document.pdf.path).pages)
    assert shop.name in text and "东单6531" in text and "受托代销" in text


def test_outside_party_is_shared_not_duplicated(clerk, outsider, dongya):
    with service_context():
        same = services.register_outside_party(actor=outsider, name="东亚种业", credit_code="91350100m000100y43")
    assert same.pk == dongya.pk
    assert OutsideParty.objects.count() == 1
