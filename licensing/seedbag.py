"""Seed-bag label QR codes (标签二维码编码规则, 2016; DOMAIN.md section 6): parse the four
lines, decode them from a photo, and check them against the directory and the catalogue.

A label's QR holds exactly four lines, in order: variety name, producer (or importer) name,
unit identification code (digits, or letters and digits, at most 20 characters, unique per
smallest sales unit) and traceability URL. Printed labels caption each line with a full-width
colon (``品种名称：…``) and end lines with CR LF; we accept captioned and bare lines, CR LF and
LF, and a URL with or without its scheme. Web pages and the phone API share this module."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from seedreg.errors import InvalidInput

MAX_TEXT = 1000
MAX_UNIT_CODE = 20
MAX_PHOTO_BYTES = 15 * 1024 * 1024
# A QR photo never needs more than this many pixels; larger is refused as a decompression bomb.
MAX_PHOTO_PIXELS = 60_000_000

# (field, captions a real label may use) in the order the rule fixes.
LINES = (
    ("variety", ("品种名称",)),
    ("producer", ("生产经营者名称", "生产经营者", "进口商名称", "进口商", "生产商名称")),
    ("unit_code", ("单元识别代码", "单元识别码")),
    ("trace_url", ("追溯网址", "追溯地址")),
)
ALL_CAPTIONS = {caption: name for name, captions in LINES for caption in captions}
UNIT_CODE = re.compile(r"^(?:[0-9]+|[A-Za-z]+[0-9][A-Za-z0-9]*)$")
HOST = re.compile(r"^(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?::\d{1,5})?$|^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?$")


@dataclass(frozen=True)
class SeedBagLabel:
    variety: str
    producer: str
    unit_code: str
    trace_url: str


def _refuse(reason, error_code, **params):
    message = reason % params if params else reason
    return InvalidInput(message, code=error_code, fields={"text": [message]})


def _split_caption(line: str) -> tuple[str | None, str]:
    for sep in ("：", ":"):
        head, found, rest = line.partition(sep)
        if found and head.strip() in ALL_CAPTIONS:
            return ALL_CAPTIONS[head.strip()], rest.strip()
    return None, line.strip()


def _url(value: str) -> str:
    raw = value.strip()
    scheme_match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", raw)
    if scheme_match and scheme_match.group(1).lower() not in ("http", "https"):
        raise _refuse(_("追溯网址只能是 http 或 https 地址：%(url)s"), "seedbag_url", url=raw)
    url = raw if scheme_match else f"http://{raw}"
    host = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0]
    if not HOST.match(host) or any(ch.isspace() for ch in url):
        raise _refuse(_("追溯网址无效：%(url)s"), "seedbag_url", url=raw)
    return url


def parse_seed_bag_text(text: str) -> SeedBagLabel:
    """The four fields of a seed-bag QR, or InvalidInput saying which rule the text breaks."""
    if text is None or not text.strip():
        raise _refuse(_("二维码内容为空。"), "seedbag_empty")
    if len(text) > MAX_TEXT:
        raise _refuse(_("二维码内容过长（超过%(max)s个字符），不是种子标签二维码。"), "seedbag_too_long", max=MAX_TEXT)
    if "\x00" in text:
        raise _refuse(_("二维码内容含有非法字符。"), "seedbag_bad_character")
    lines = [line for line in re.split(r"\r\n|\n|\r", text.strip())]
    if len(lines) != 4:
        raise _refuse(_("种子标签二维码应为4行（品种名称、生产经营者名称、单元识别代码、追溯网址），实际为%(n)s行。"),
                      "seedbag_line_count", n=len(lines))
    values = {}
    for position, ((name, captions), line) in enumerate(zip(LINES, lines, strict=True), start=1):
        caption_of, value = _split_caption(line)
        if caption_of is not None and caption_of != name:
            raise _refuse(_("第%(n)s行应为“%(expected)s”，却是“%(found)s”：四行的顺序不对。"), "seedbag_line_order",
                          n=position, expected=captions[0], found=line.partition("：")[0].partition(":")[0].strip())
        if not value:
            raise _refuse(_("第%(n)s行（%(label)s）为空。"), "seedbag_line_empty", n=position, label=captions[0])
        values[name] = value
    code = values["unit_code"]
    if len(code) > MAX_UNIT_CODE:
        raise _refuse(_("单元识别代码最长%(max)s位，这里有%(n)s位。"), "seedbag_unit_code_length",
                      max=MAX_UNIT_CODE, n=len(code))
    if not UNIT_CODE.match(code):
        raise _refuse(_("单元识别代码只能由数字或字母加数字组成：%(value)s"), "seedbag_unit_code_chars", value=code)
    if len(values["variety"]) > 60 or len(values["producer"]) > 100:
        raise _refuse(_("品种名称或生产经营者名称过长。"), "seedbag_name_length")
    return SeedBagLabel(variety=values["variety"], producer=values["producer"], unit_code=code,
                        trace_url=_url(values["trace_url"]))


def decode_qr_photo(data: bytes) -> list[str]:
    """The texts of the QR codes zxing-cpp finds in a photo (any rotation; blur within reason).
    A file that is not an image, a truncated one or a decompression bomb is an InvalidInput."""
    import zxingcpp
    from PIL import Image, ImageOps, UnidentifiedImageError

    def refuse(message, code):
        return InvalidInput(message, code=code, fields={"photo": [message]})

    if not data:
        raise refuse(_("照片文件为空。"), "photo_empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise refuse(_("照片超过15MB。"), "photo_too_large")
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # pragma: no cover - a dependency
        pass
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PHOTO_PIXELS:
            raise refuse(_("照片像素过多。"), "photo_too_many_pixels")
        image.load()
        image = ImageOps.exif_transpose(image).convert("L")
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, ValueError) as exc:
        raise refuse(_("无法识别的照片文件。"), "photo_invalid") from exc
    image.thumbnail((2000, 2000))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode, try_rotate=True, try_downscale=True)
    return [r.text for r in found if r.valid and r.text]


# --- cross-check -----------------------------------------------------------------------------
@dataclass
class Check:
    ok: bool | None  # None: cannot tell (the reason says why)
    reason: str


@dataclass
class SeedBagReport:
    label: SeedBagLabel
    producer_licensed: Check
    variety_approved: Check
    variety_approved_here: Check
    lot_in_ledger: Check
    under_stop_sale: Check
    variety_id: int | None = None
    producer_business_id: int | None = None
    producer_outside_id: int | None = None
    lot_ids: list[int] = field(default_factory=list)


def _find_producer(name: str):
    from .models import Business, BusinessKind, OutsideParty

    business = (Business.objects.filter(name=name, kind__in=[BusinessKind.PRODUCER, BusinessKind.WHOLESALER])
                .exclude(status=Business.Status.CLOSED).prefetch_related("seed_licences__terms",
                                                                          "seed_licences__status_changes",
                                                                          "seed_licences__crops").first())
    if business is not None:
        return business, None
    return None, OutsideParty.objects.filter(name=name).first()


def check_seed_bag(label: SeedBagLabel, *, region_code: str, on=None) -> SeedBagReport:
    """Check a label against the directory and the catalogue: is the producer licensed for
    the variety's crop, is the variety approved (and for ``region_code``)? The lot checks need
    the ledger and a shop (``check_seed_bag_in_shop``); here they say so."""
    from django.utils import timezone

    from .models import LicenceStatus, Variety

    on = on or timezone.localdate()
    varieties = list(Variety.objects.select_related("crop").filter(name=label.variety))
    variety = next((v for v in varieties if not v.is_withdrawn), varieties[0] if varieties else None)
    if variety is None:
        approved = Check(False, _("品种“%(name)s”不在品种目录中（未审定或未登记）。") % {"name": label.variety})
        here = Check(False, approved.reason)
    elif variety.is_withdrawn:
        approved = Check(False, _("品种“%(name)s”已于%(day)s退出。") % {"name": variety.name,
                                                                  "day": f"{variety.withdrawn_on:%Y-%m-%d}"})
        here = Check(False, approved.reason)
    else:
        number = variety.approval_or_registration
        approved = Check(True, _("%(crop)s品种“%(name)s”，%(number)s。") % {
            "crop": variety.crop.name, "name": variety.name, "number": number or _("非主要农作物")})
        problems = variety.problems_in(region_code)
        here = Check(not problems, "；".join(str(p) for p in problems) if problems else _("审定（登记）区域包含本地。"))

    business, outside = _find_producer(label.producer)
    if business is None and outside is None:
        licensed = Check(False, _("生产经营者“%(name)s”不在经营主体名录中。") % {"name": label.producer})
    elif business is not None:
        crop = variety.crop if variety else None
        valid = [lic for lic in business.seed_licences.all() if lic.status_on(on) == LicenceStatus.VALID]
        covering = [lic for lic in valid if crop is not None and lic.covers_crop(crop)]
        if covering:
            licensed = Check(True, _("许可证 %(number)s 有效，含%(crop)s。") % {"number": covering[0].number,
                                                                        "crop": crop.name})
        elif valid and crop is None:
            licensed = Check(None, _("持有有效许可证，但品种不在目录中，无法确认作物。"))
        elif valid:
            licensed = Check(False, _("许可证 %(number)s 不含%(crop)s。") % {"number": valid[0].number,
                                                                      "crop": crop.name})
        else:
            licensed = Check(False, _("“%(name)s”没有有效的种子生产经营许可证。") % {"name": business.name})
    elif outside.licence_number:
        licensed = Check(True, _("外地主体，许可证号 %(number)s（状态以发证机关为准）。") % {
            "number": outside.licence_number})
    else:
        licensed = Check(False, _("外地主体“%(name)s”未登记许可证号。") % {"name": outside.name})

    no_shop = Check(None, _("未指定经营门店，未查台账。"))
    return SeedBagReport(label=label, producer_licensed=licensed, variety_approved=approved,
                         variety_approved_here=here, lot_in_ledger=no_shop, under_stop_sale=no_shop,
                         variety_id=variety.pk if variety else None,
                         producer_business_id=business.pk if business else None,
                         producer_outside_id=outside.pk if outside else None)


def check_seed_bag_in_shop(label: SeedBagLabel, business, *, on=None) -> SeedBagReport:
    """``check_seed_bag`` plus the ledger: is the lot in this shop's ledger (by the unit code
    registered for a lot, else by variety and producer among the lots the shop has entries
    for), and is it under a stop-sale order in force (for any holder, or frozen at this shop)?"""
    from django.db.models import Q

    from .models import LedgerEntry, LotUnitCode, SeedLot, StopSaleHolder, StopSaleOrder

    report = check_seed_bag(label, region_code=business.region_code, on=on)
    by_code = LotUnitCode.objects.filter(code=label.unit_code).values_list("lot_id", flat=True).first()
    in_ledger = set(LedgerEntry.objects.filter(business=business).values_list("lot_id", flat=True).distinct())
    if by_code is not None:
        candidates = {by_code}
    else:
        candidates = set(SeedLot.objects.filter(pk__in=in_ledger, variety__name=label.variety).filter(
            Q(producer__name=label.producer) | Q(producer_outside__name=label.producer)).values_list("pk", flat=True))
    known = sorted(candidates & in_ledger)
    report.lot_ids = sorted(candidates)
    if known:
        lots = {lot.pk: lot for lot in SeedLot.objects.filter(pk__in=known).select_related("variety")}
        numbers = "、".join(lots[pk].lot_number for pk in known)
        report.lot_in_ledger = Check(True, _("在本店台账中：批号 %(numbers)s。") % {"numbers": numbers})
    elif candidates:
        report.lot_in_ledger = Check(False, _("该批种子不在本店购销台账中（台账未记载进货）。"))
    else:
        report.lot_in_ledger = Check(False, _("本店台账中没有该品种和生产经营者的种子批。"))
    if not candidates:
        report.under_stop_sale = Check(None, _("未能确定种子批，无法判断是否停售。"))
        return report
    orders = StopSaleOrder.objects.in_force()
    stopped = (orders.filter(lot_id__in=candidates).select_related("document").first()
               or StopSaleOrder.objects.filter(pk__in=StopSaleHolder.objects.filter(
                   order__in=orders, business=business, lot_id__in=candidates).values("order_id")).first())
    if stopped is not None:
        serial = stopped.document.serial if getattr(stopped, "document_id", None) else ""
        report.under_stop_sale = Check(True, _("该批种子已被责令停止销售%(serial)s。") % {
            "serial": f"（{serial}）" if serial else ""})
    else:
        report.under_stop_sale = Check(False, _("没有生效的停止销售通知。"))
    return report
