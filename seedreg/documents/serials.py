"""Gap-free document serial numbers: 建种抽〔2026〕第0001号.

One counter row per county, document type and year is locked while a number is taken, so two
issuers never get the same number; the number is taken in the transaction that issues the
document, so a failed issue gives its number back (no gaps). Phones issuing documents offline
draw from a block reserved in advance (``reserve_block``): its numbers are taken from the same
counter, so the office never hands them out again."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from seedreg.errors import Conflict, InvalidInput
from seedreg.regions.models import Station
from seedreg.regulated import service

from .models import IssuedDocument, SerialBlock, SerialCounter
from .types import get_document_type


@dataclass(frozen=True)
class Serial:
    county_code: str
    doc_type: str
    year: int
    number: int
    version: int = 0

    @property
    def text(self) -> str:
        station = Station.objects.filter(region_id=self.county_code).only("short_name").first()
        prefix = station.short_name if station else ""
        suffix = f"-{self.version}" if self.version else ""
        return f"{prefix}{get_document_type(self.doc_type).abbreviation}〔{self.year}〕第{self.number:04d}号{suffix}"

    def next_version(self, version: int) -> "Serial":
        return Serial(self.county_code, self.doc_type, self.year, self.number, version)


def _locked_counter(county_code, doc_type, year) -> SerialCounter:
    get_document_type(doc_type)  # unknown types fail before a counter row exists
    if len(county_code or "") != 6:
        raise InvalidInput(_("文书编号需要县级区划代码（6位）。"), code="serial_county")
    SerialCounter.objects.get_or_create(county_code=county_code, doc_type=doc_type, year=year)
    # Re-read under a row lock: concurrent allocations queue here (PostgreSQL); SQLite's
    # IMMEDIATE transactions are already serialised.
    return SerialCounter.objects.select_for_update().get(county_code=county_code, doc_type=doc_type, year=year)


@service
def allocate_serial(*, county_code: str, doc_type: str, year: int) -> Serial:
    counter = _locked_counter(county_code, doc_type, year)
    number = counter.next_number
    counter.next_number = number + 1
    counter.save(update_fields=["next_number"])
    return Serial(county_code, doc_type, year, number)


@service
def reserve_block(*, county_code: str, doc_type: str, year: int, size: int, holder: str, actor=None) -> SerialBlock:
    if not 1 <= size <= 1000:
        raise InvalidInput(_("预留编号数量须在1到1000之间。"), code="serial_block_size", fields={"size": _("1–1000")})
    counter = _locked_counter(county_code, doc_type, year)
    first = counter.next_number
    counter.next_number = first + size
    counter.save(update_fields=["next_number"])
    return SerialBlock.objects.create(county_code=county_code, doc_type=doc_type, year=year, first_number=first,
                                      last_number=first + size - 1, holder=holder, reserved_by=actor)


def used_numbers(block: SerialBlock) -> set[int]:
    return set(IssuedDocument.objects.filter(
        county_code=block.county_code, doc_type=block.doc_type, year=block.year, version=0,
        number__range=(block.first_number, block.last_number)).values_list("number", flat=True))


def free_numbers(block: SerialBlock) -> list[int]:
    used = used_numbers(block)
    return [n for n in range(block.first_number, block.last_number + 1) if n not in used]


def use_reserved_number(block: SerialBlock, number: int) -> Serial:
    """The serial for a document issued offline with ``number`` from ``block``. The unique
    constraint on issued documents is the final guard when two phones sync the same number."""
    if not block.contains(number):
        raise InvalidInput(_("编号 %(number)s 不在预留编号段 %(first)s–%(last)s 内。"), code="serial_not_reserved",
                           number=number, first=block.first_number, last=block.last_number,
                           fields={"serial_number": _("不在预留编号段内")})
    if number in used_numbers(block):
        raise Conflict(_("编号 %(number)s 已被使用。"), code="serial_used", number=number,
                       fields={"serial_number": _("已被使用")})
    return Serial(block.county_code, block.doc_type, block.year, number)
