"""Issuing documents, recording their service (送达) and invalidating them.

The owning app's service checks who may issue its document (the chief for office documents,
the inspector pair for on-site ones) and then calls ``issue_document`` inside its own
transaction, so the serial number, the PDF and the domain change commit together."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import audited, log_action
from seedreg.errors import Conflict, InvalidInput
from seedreg.lib.files import save_file
from seedreg.regulated import service

from .models import IssuedDocument, ServiceRecord
from .pdf import render_pdf
from .qr import qr_svg_data_uri
from .serials import Serial, allocate_serial
from .types import get_document_type


def verification_url(document: IssuedDocument) -> str:
    return settings.SITE_URL + reverse("documents:verify", args=[document.verify_token])


def _render(document: IssuedDocument, template: str, context: dict) -> None:
    from seedreg.regions.models import Station

    station = Station.objects.filter(region_id=document.county_code).first()
    url = verification_url(document)
    pdf = render_pdf(template, {
        **context,
        "document": document,
        "station": station,
        "serial": document.serial,
        "verification_url": url,
        "qr": qr_svg_data_uri(url),
    })
    save_file(document.pdf, f"{document.doc_type}.pdf", ContentFile(pdf))
    document.save(update_fields=["pdf"])


@service
def issue_document(*, source, doc_type: str, title: str, template: str | None = None, context: dict | None = None,
                   region_code: str, actor, serial: Serial | None = None, issued_at=None,
                   recipients=()) -> IssuedDocument:
    """Give ``source`` (the domain record) an issued document: a serial number (allocated now
    unless taken from a reserved block), a PDF with a QR code of its public verification page,
    and an audit entry. ``recipients`` (users) are told in their inbox."""
    doc_type_spec = get_document_type(doc_type)
    template = template or doc_type_spec.template
    if not template:
        raise ValueError(f"document type {doc_type} has no template")
    county_code = region_code[:6]
    year = timezone.localdate(issued_at).year if issued_at else timezone.localdate().year
    if serial is None:
        serial = allocate_serial(county_code=county_code, doc_type=doc_type, year=year)
    elif serial.county_code != county_code or serial.doc_type != doc_type:
        raise InvalidInput(_("文书编号与文书类型或所属县不符。"), code="serial_mismatch")
    if IssuedDocument.objects.filter(county_code=county_code, doc_type=doc_type, year=serial.year,
                                     number=serial.number, version=serial.version).exists():
        raise Conflict(_("文书编号 %(serial)s 已被使用。"), code="serial_used", serial=serial.text)
    document = IssuedDocument.objects.create(
        doc_type=doc_type, title=title[:200], region_code=region_code, county_code=county_code, year=serial.year,
        number=serial.number, version=serial.version, serial=serial.text, issued_at=issued_at or timezone.now(),
        issued_by=actor if getattr(actor, "pk", None) else None,
        source_type=ContentType.objects.get_for_model(source, for_concrete_model=False) if source is not None else None,
        source_id=str(source.pk) if source is not None else "",
    )
    _render(document, template, context or {})
    log_action(document, "documents.document.issued", actor=actor, parent=source)
    if recipients:
        from seedreg.notifications.services import notify

        with translation.override(settings.LANGUAGE_CODE):  # a stored notice: Chinese, whoever issued it
            notice_title = f"{doc_type_spec.label}：{document.serial}"
        notify(list(recipients), key=f"document-issued:{document.pk}", title=notice_title,
               body=title, link=reverse("documents:pdf", args=[document.pk]), category="document", channels=("inbox",))
    return document


@service
def record_service(document: IssuedDocument, *, method: str, served_at: datetime.datetime, recipient_name: str,
                   actor, recipient_user=None, recipient_label: str = "", signature=None, notes: str = "",
                   acknowledged_at=None) -> ServiceRecord:
    """Record that ``document`` was served (送达). Legal clocks start at ``served_at``."""
    if actor is not None:
        require(actor, "documents.record_service", document)
    if method not in ServiceRecord.Method.values:
        raise InvalidInput(_("送达方式无效。"), code="service_method", fields={"method": _("请选择送达方式")})
    if not (recipient_name or "").strip():
        raise InvalidInput(_("请填写受送达人。"), code="service_recipient", fields={"recipient_name": _("必填")})
    if served_at > timezone.now() + datetime.timedelta(minutes=5):
        raise InvalidInput(_("送达时间不能晚于现在。"), code="service_in_future", fields={"served_at": _("不能晚于现在")})
    if served_at < document.issued_at - datetime.timedelta(minutes=5):
        raise InvalidInput(_("送达时间不能早于签发时间。"), code="service_before_issue",
                           fields={"served_at": _("不能早于签发时间")})
    record = ServiceRecord(document=document, method=method, served_at=served_at, recipient_name=recipient_name.strip(),
                           recipient_user=recipient_user, recipient_label=recipient_label, notes=notes,
                           acknowledged_at=acknowledged_at, recorded_by=actor if getattr(actor, "pk", None) else None)
    if signature is not None:
        save_file(record.signature, "signature.png", signature)
    record.save()
    log_action(record, "documents.service.recorded", actor=actor, parent=document.source or document)
    return record


@service
def acknowledge_in_portal(document: IssuedDocument, *, user, recipient_name: str = "",
                          recipient_label: str = "") -> ServiceRecord:
    """A dealer acknowledges a document in the portal: that is its service (门户确认送达).
    Acknowledging twice keeps the first record."""
    existing = document.service_records.filter(recipient_user=user, method=ServiceRecord.Method.PORTAL).first()
    if existing:
        return existing
    now = timezone.now()
    record = ServiceRecord.objects.create(
        document=document, method=ServiceRecord.Method.PORTAL, served_at=now, acknowledged_at=now,
        recipient_name=recipient_name or user.display_name, recipient_user=user, recipient_label=recipient_label,
        recorded_by=user)
    log_action(record, "documents.service.acknowledged", actor=user, parent=document.source or document)
    return record


def _issue_next_version(document: IssuedDocument, *, template, context, actor, recipients=()) -> IssuedDocument:
    last_version = IssuedDocument.objects.filter(
        county_code=document.county_code, doc_type=document.doc_type, year=document.year,
        number=document.number).order_by("-version").values_list("version", flat=True).first()
    serial = Serial(document.county_code, document.doc_type, document.year, document.number, last_version + 1)
    replacement = issue_document(source=document.source, doc_type=document.doc_type, title=document.title,
                                 template=template, context=context, region_code=document.region_code, actor=actor,
                                 serial=serial, recipients=recipients)
    replacement.supersedes = document
    replacement.save(update_fields=["supersedes"])
    return replacement


@service
def issue_corrected_version(document: IssuedDocument, *, actor, context: dict, template: str | None = None,
                            recipients=()) -> IssuedDocument:
    """The corrected version of a document that was invalidated while it was put right (a
    withdrawn test report): the next version of its number (…第0001号-1), superseding it; its
    verification page then points to the new one. ``recipients`` are told in their inbox."""
    if document.status != IssuedDocument.Status.INVALIDATED or hasattr(document, "superseded_by"):
        raise Conflict(_("只有已作废且尚未更正的文书可以出具更正版本。"), code="document_not_invalidated")
    replacement = _issue_next_version(document, template=template, context=context, actor=actor,
                                      recipients=recipients)
    with audited(document, "documents.document.superseded", actor=actor, parent=document.source):
        document.status = IssuedDocument.Status.SUPERSEDED
        document.status_changed_at = timezone.now()
        document.save()
    return replacement


@service
def invalidate_document(document: IssuedDocument, *, reason: str, actor, template: str | None = None,
                        replacement_context: dict | None = None, notify_also=(),
                        follow_up: str = "") -> IssuedDocument | None:
    """Invalidate an issued document; with ``replacement_context``, issue its next version
    (same number, suffixed: …第0001号-1) that supersedes it. Everyone it was served to is told,
    with ``notify_also`` (users it was sent to in the portal but who have not acknowledged it);
    one notice per person and document, however often this is retried. ``follow_up`` ends the
    notice (e.g. that a corrected version will follow)."""
    require(actor, "documents.invalidate", document)
    if not (reason or "").strip():
        raise InvalidInput(_("作废文书必须说明理由。"), code="reason_required", fields={"reason": _("必填")})
    if document.status != IssuedDocument.Status.VALID:
        raise Conflict(_("该文书已是“%(status)s”状态。"), code="document_not_valid", status=document.get_status_display())
    replacement = None
    with audited(document, "documents.document.invalidated", actor=actor, reason=reason, parent=document.source):
        document.status = (IssuedDocument.Status.SUPERSEDED if replacement_context is not None
                           else IssuedDocument.Status.INVALIDATED)
        document.status_reason = reason
        document.status_changed_at = timezone.now()
        document.save()
    if replacement_context is not None:
        replacement = _issue_next_version(document, template=template, context=replacement_context, actor=actor)
    receivers = {r.recipient_user for r in document.service_records.select_related("recipient_user")
                 if r.recipient_user_id} | set(notify_also)
    if receivers:
        from seedreg.notifications.services import notify

        body = f"您收到的文书 {document.serial} 已作废：{reason}"
        if replacement is not None:
            body += f"。新版本文书编号 {replacement.serial}，请查收。"
        elif follow_up:
            body += f"。{follow_up}"
        notify(sorted(receivers, key=lambda u: u.pk), key=f"document-invalidated:{document.pk}",
               title=f"文书作废通知：{document.serial}", body=body,
               link=reverse("documents:verify", args=[(replacement or document).verify_token]), category="document")
    return replacement
