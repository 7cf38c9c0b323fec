"""Complaints (with evidence photos) and the photo pipeline."""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image

from inspections import services
from inspections.models import Complaint, Photo, Task
from inspections.photos import process_photo
from seedreg.audit.models import AuditEntry
from seedreg.errors import Conflict, InvalidInput, PermissionDenied

from .conftest import jpeg_bytes


class TestPhotos:
    def test_orientation_is_applied_and_exif_kept_as_data_but_stripped_from_the_file(self):
        # Orientation 6: the camera was turned; the stored pixels must be upright (portrait).
        processed = process_photo(jpeg_bytes((400, 200), orientation=6))
        stored = Image.open(io.BytesIO(processed.image))
        assert stored.size == (200, 400) == (processed.width, processed.height)
        assert not stored.getexif() and "exif" not in stored.info
        assert b"SecretPhoneModel" not in processed.image
        # The red half was on the left; rotated 90° clockwise it is on top.
        top, bottom = stored.getpixel((100, 50)), stored.getpixel((100, 350))
        assert top[0] > 150 and top[1] < 100 and bottom == pytest.approx((255, 255, 255), abs=8)
        assert processed.taken_at == timezone.make_aware(datetime.datetime(2026, 4, 1, 10, 20, 30))
        assert (float(processed.latitude), float(processed.longitude)) == pytest.approx((41.403, 119.633333), abs=1e-5)
        thumb = Image.open(io.BytesIO(processed.thumbnail))
        assert max(thumb.size) == 320

    def test_a_large_jpeg_is_decoded_at_reduced_size(self):
        processed = process_photo(jpeg_bytes((4000, 3000), taken=None, gps=None))
        assert (processed.width, processed.height) == (2000, 1500)  # DCT-scaled 1/2, stored without resampling
        png = io.BytesIO()
        Image.new("RGB", (4000, 3000)).save(png, "PNG")
        assert max(process_photo(png.getvalue()).width, 0) == 1600  # no DCT for PNG: resampled
        assert processed.taken_at is None and processed.latitude is None

    def test_png_is_accepted_and_garbage_is_refused(self):
        out = io.BytesIO()
        Image.new("RGBA", (50, 40), (0, 0, 0, 0)).save(out, "PNG")
        assert process_photo(out.getvalue()).width == 50
        with pytest.raises(InvalidInput) as exc:
            process_photo(b"<?php echo 1; ?>")
        assert exc.value.code == "photo_invalid"
        gif = io.BytesIO()
        Image.new("RGB", (5, 5)).save(gif, "GIF")
        with pytest.raises(InvalidInput) as exc:
            process_photo(gif.getvalue())
        assert exc.value.code == "photo_type"


def test_a_clerk_records_a_complaint_with_evidence(clerk, shops):
    complaint = services.record_complaint(
        actor=clerk, channel="hotline", business=shops[0], lot_text="郑单958 批号20260301",
        complainant_name="李老汉", complainant_phone="13904210000", description="出苗率不到五成",
        photos=[("bag.jpg", jpeg_bytes())])
    photo = Photo.objects.get(complaint=complaint)
    assert photo.taken_at is not None and photo.thumbnail.name and photo.region_code == shops[0].region_code
    entry = AuditEntry.objects.get(action="inspections.complaint.recorded")
    assert "李老汉" not in str(entry.after) and "13904210000" not in str(entry.after)


def test_a_resent_complaint_is_recognised_by_its_client_uuid(clerk, shops):
    import uuid

    key = uuid.uuid4()
    first = services.record_complaint(actor=clerk, channel="visit", business=shops[0], anonymous=True,
                                      description="无标签", client_uuid=key)
    again = services.record_complaint(actor=clerk, channel="visit", business=shops[0], anonymous=True,
                                      description="无标签", client_uuid=key)
    assert first.pk == again.pk and Complaint.objects.count() == 1


def test_a_complaint_needs_a_target_and_a_complainant_or_anonymity(clerk):
    with pytest.raises(InvalidInput) as exc:
        services.record_complaint(actor=clerk, channel="hotline", description="x", complainant_name="王")
    assert exc.value.code == "complaint_target_required"
    with pytest.raises(InvalidInput) as exc:
        services.record_complaint(actor=clerk, channel="hotline", description="x", lot_text="某批次")
    assert exc.value.code == "complainant_required"
    assert not Complaint.objects.exists()


def test_a_bad_photo_writes_nothing(clerk, shops):
    with pytest.raises(InvalidInput):
        services.record_complaint(actor=clerk, channel="hotline", business=shops[0], anonymous=True,
                                  description="x", photos=[("x.jpg", b"not an image")])
    assert not Complaint.objects.exists() and not Photo.objects.exists()


def test_complaint_spawns_a_task_and_is_closed_with_what_the_complainant_was_told(
        clerk, directory, inspector, inspector2, shops):
    complaint = services.record_complaint(actor=clerk, channel="hotline", business=shops[0], anonymous=False,
                                          complainant_name="李老汉", description="买到假种子")
    due = timezone.localdate() + datetime.timedelta(days=3)
    task = services.spawn_complaint_task(complaint, actor=clerk, inspectors=[inspector, inspector2], due_on=due)
    assert task.kind == Task.Kind.COMPLAINT and task.complaint == complaint and task.business == shops[0]
    assert set(task.inspectors.all()) == {inspector, inspector2}
    with pytest.raises(InvalidInput):
        services.close_complaint(complaint, actor=clerk, outcome="", told_how="电话")
    services.close_complaint(complaint, actor=clerk, outcome="经查属实，已责令停止销售", told_how="电话告知")
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.outcome_told_at is not None
    with pytest.raises(Conflict):
        services.spawn_complaint_task(complaint, actor=clerk, inspectors=[inspector, inspector2], due_on=due)


def test_inspectors_do_not_record_complaints(inspector, shops):
    with pytest.raises(PermissionDenied):
        services.record_complaint(actor=inspector, channel="hotline", business=shops[0], anonymous=True,
                                  description="x")
