"""Documents the station office issues (stop-sale orders, penalty referrals, results notices)
go draft → reviewed by the chief → issued; they take effect when issued (DESIGN.md section 4).

The owning app's model inherits ``ReviewedDocument``; its services call ``mark_reviewed`` and
``mark_issued`` (which check the role and the transition and write the audit entry) and render
their PDF with ``issue_document``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import audited
from seedreg.errors import Conflict


class ReviewedDocument(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEWED = "reviewed", _("已审核")
        ISSUED = "issued", _("已签发")
        WITHDRAWN = "withdrawn", _("已撤回")

    status = models.CharField(_("文书状态"), max_length=12, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("起草人"))
    drafted_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("签发人"))
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    document = models.OneToOneField("documents.IssuedDocument", models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("文书"))

    class Meta:
        abstract = True

    @property
    def is_in_force(self):
        return self.status == self.Status.ISSUED


def _action(obj, verb):
    return f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"


def mark_reviewed(obj: ReviewedDocument, *, actor, parent=None):
    """The chief reviews a draft. Must run inside the owning app's service."""
    require(actor, "documents.review", obj)
    if obj.status != ReviewedDocument.Status.DRAFT:
        raise Conflict(_("只有草稿可以审核，当前状态：%(status)s。"), code="not_a_draft", status=obj.get_status_display())
    with audited(obj, _action(obj, "reviewed"), actor=actor, parent=parent):
        obj.status = ReviewedDocument.Status.REVIEWED
        obj.reviewed_by, obj.reviewed_at = actor, timezone.now()
        obj.save()
    return obj


def mark_issued(obj: ReviewedDocument, *, actor, document=None, parent=None):
    """The chief issues a reviewed document; it takes effect now."""
    require(actor, "documents.issue", obj)
    if obj.status == ReviewedDocument.Status.DRAFT:
        raise Conflict(_("文书尚未审核，不能签发。"), code="review_pending")
    if obj.status != ReviewedDocument.Status.REVIEWED:
        raise Conflict(_("文书已是“%(status)s”状态，不能再次签发。"), code="not_reviewed", status=obj.get_status_display())
    with audited(obj, _action(obj, "issued"), actor=actor, parent=parent):
        obj.status = ReviewedDocument.Status.ISSUED
        obj.issued_by, obj.issued_at = actor, timezone.now()
        obj.document = document
        obj.save()
    return obj


def mark_withdrawn(obj: ReviewedDocument, *, actor, reason: str, parent=None):
    """Withdraw a draft or reviewed document (an issued one is invalidated instead)."""
    require(actor, "documents.review", obj)
    if obj.status not in (ReviewedDocument.Status.DRAFT, ReviewedDocument.Status.REVIEWED):
        raise Conflict(_("已签发的文书不能撤回，只能作废并重新签发。"), code="already_issued")
    with audited(obj, _action(obj, "withdrawn"), actor=actor, reason=reason, parent=parent):
        obj.status = ReviewedDocument.Status.WITHDRAWN
        obj.save()
    return obj
