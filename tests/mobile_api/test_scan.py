"""Seed-bag QR scans through the API: decoded text and photos (segno + Pillow, rotated and
blurred), valid, malformed and mismatched labels."""

import io

import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageFilter

from licensing import services
from licensing.models import BusinessKind
from seedreg.regulated import service_context
from tests.licensing.conftest import make_business

LICENSED_PRODUCER = "建平县丰禾种业有限公司"


def label(variety="郑单958", producer=LICENSED_PRODUCER, unit_code="0001170315123456789", eol="\r\n"):
    return eol.join([f"品种名称：{variety}", f"生产经营者名称：{producer}", f"单元识别代码：{unit_code}",
                     "追溯网址：http://www.zzsc.cn/q/0001170315123456789"]) + eol


def qr_photo(text, *, rotate=0, blur=0.0, fmt="JPEG"):
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=6, border=4)
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    # A phone photo: the label on a grey bag, turned and out of focus.
    canvas = Image.new("RGB", (image.width + 300, image.height + 300), (170, 170, 160))
    canvas.paste(image, (150, 150))
    if rotate:
        canvas = canvas.rotate(rotate, expand=True, fillcolor=(170, 170, 160))
    if blur:
        canvas = canvas.filter(ImageFilter.GaussianBlur(blur))
    out = io.BytesIO()
    canvas.save(out, fmt, quality=85) if fmt == "JPEG" else canvas.save(out, fmt)
    return out.getvalue()


@pytest.fixture
def catalogue(licensed, varieties):
    return varieties


def test_a_valid_label_from_a_licensed_producer_passes_every_check(phone, catalogue):
    response = phone.post("/scans/seed-bag", {"text": label()})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["label"]["unit_code"] == "0001170315123456789"
    assert body["producer_licensed"]["ok"] is True and "含玉米" in body["producer_licensed"]["reason"]
    assert body["variety_approved"]["ok"] is True and body["variety_approved_here"]["ok"] is True
    assert body["variety_id"] == catalogue["郑单958"].pk
    assert body["lot_in_ledger"]["ok"] is None  # no shop named: the ledger was not consulted


def test_a_variety_approved_elsewhere_is_flagged_for_this_region(phone, catalogue):
    body = phone.post("/scans/seed-bag", {"text": label(variety="吉单27")}).json()
    assert body["variety_approved"]["ok"] is True
    assert body["variety_approved_here"] == {"ok": False, "reason": "品种未审定在本区域种植"}


def test_a_withdrawn_variety_is_not_approved(phone, catalogue, clerk):
    with service_context():
        services.withdraw_variety(catalogue["东单6531"], actor=clerk, withdrawn_on=timezone.localdate(), note="公告")
    body = phone.post("/scans/seed-bag", {"text": label(variety="东单6531")}).json()
    assert body["variety_approved"]["ok"] is False and "已于" in body["variety_approved"]["reason"]


def test_an_unlicensed_producer_is_flagged(phone, catalogue, clerk):
    make_business(clerk, "建平县无证种业有限公司", serial=30, kind=BusinessKind.PRODUCER)
    body = phone.post("/scans/seed-bag", {"text": label(producer="建平县无证种业有限公司")}).json()
    assert body["producer_licensed"]["ok"] is False
    assert "没有有效的种子生产经营许可证" in body["producer_licensed"]["reason"]
    unknown = phone.post("/scans/seed-bag", {"text": label(producer="查无此公司")}).json()
    assert unknown["producer_licensed"]["ok"] is False and "不在经营主体名录中" in unknown["producer_licensed"]["reason"]


@pytest.mark.parametrize("text, code", [
    ("品种名称：郑单958\n生产经营者名称：某公司\n单元识别代码：0001170315123456789", "seedbag_line_count"),
    (label(unit_code="1" * 25), "seedbag_unit_code_length"),
])
def test_malformed_labels_are_422_with_the_reason(phone, catalogue, text, code):
    response = phone.post("/scans/seed-bag", {"text": text})
    assert response.status_code == 422
    assert response.json()["code"] == code and response.json()["fields"]["text"]


@pytest.mark.parametrize("rotate, blur", [(0, 0), (17, 0), (90, 0), (200, 1.2), (33, 0.8)])
def test_a_photo_of_the_label_is_decoded_on_the_server(phone, catalogue, rotate, blur):
    photo = SimpleUploadedFile("bag.jpg", qr_photo(label(), rotate=rotate, blur=blur), "image/jpeg")
    response = phone.upload("/scans/seed-bag/photo", {"photo": photo})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["label"]["variety"] == "郑单958" and body["producer_licensed"]["ok"] is True


def test_a_photo_with_a_malformed_label_or_no_qr_is_422(phone, catalogue):
    three_lines = qr_photo("郑单958\n某公司\n0001170315123456789", rotate=10)
    response = phone.upload("/scans/seed-bag/photo", {"photo": SimpleUploadedFile("a.jpg", three_lines)})
    assert response.status_code == 422 and response.json()["code"] == "seedbag_line_count"
    blank = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(blank, "PNG")
    response = phone.upload("/scans/seed-bag/photo", {"photo": SimpleUploadedFile("b.png", blank.getvalue())})
    assert response.status_code == 422 and response.json()["code"] == "seedbag_no_qr"


def test_text_renamed_as_a_photo_is_422(phone, catalogue):
    response = phone.upload("/scans/seed-bag/photo", {"photo": SimpleUploadedFile("x.jpg", b"not an image at all")})
    assert response.status_code == 422 and response.json()["code"] == "photo_invalid"


def test_a_shop_outside_the_jurisdiction_is_404(phone, catalogue, outsider):
    other = make_business(outsider, "外县门市", serial=40, region="211321102")
    response = phone.post("/scans/seed-bag", {"text": label(), "business_id": other.pk})
    assert response.status_code == 404


def test_a_heic_photo_from_an_iphone_is_decoded(phone, catalogue):
    import pillow_heif

    pillow_heif.register_heif_opener()
    jpeg = Image.open(io.BytesIO(qr_photo(label(), rotate=8)))
    heic = io.BytesIO()
    jpeg.save(heic, "HEIF", quality=90)
    response = phone.upload("/scans/seed-bag/photo", {"photo": SimpleUploadedFile("IMG_0001.HEIC", heic.getvalue())})
    assert response.status_code == 200, response.content
    assert response.json()["label"]["variety"] == "郑单958"


def test_a_decompression_bomb_is_refused_before_decoding(phone, catalogue):
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, "PNG")  # 400 MP of nothing, a few kB on the wire
    response = phone.upload("/scans/seed-bag/photo", {"photo": SimpleUploadedFile("bomb.png", bomb.getvalue())})
    assert response.status_code == 422 and response.json()["code"] in {"photo_too_many_pixels", "photo_invalid"}
