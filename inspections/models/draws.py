"""Double-random draws (双随机): the frozen inputs, the seed, the rules and the result."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.regulated import RegulatedModel

from ._base import InspectionQuerySet
from .plans import Campaign


class Draw(RegulatedModel):
    """One run of the draw for a campaign. Everything needed to re-run it is stored here:
    ``inputs`` (the filtered directories of subjects and inspectors, the mandatory inclusions
    and the sampling blocks, frozen as JSON), ``rules`` (parameters and the algorithm version),
    ``seed``; ``outputs`` is what it produced. Re-running ``compute_draw(inputs, rules, seed)``
    on any Python version gives ``outputs`` again (the order is an HMAC, not ``random``)."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="draws", verbose_name=_("专项检查"))
    region_code = models.CharField(_("所属县"), max_length=12, db_index=True)
    seed = models.CharField(_("随机种子"), max_length=64)
    rules = models.JSONField(_("抽取规则"))
    inputs = models.JSONField(_("冻结的输入"))
    inputs_digest = models.CharField(_("输入摘要（SHA-256）"), max_length=64)
    outputs = models.JSONField(_("抽取结果"))
    # Names as they were at the draw, for the record and the public page (not an input).
    labels = models.JSONField(_("名称"), default=dict)
    ran_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("抽取人"))
    ran_at = models.DateTimeField(_("抽取时间"), default=timezone.now)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    document = models.OneToOneField("documents.IssuedDocument", models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("抽取记录"))

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")
        ordering = ["-ran_at"]

    def __str__(self):
        return f"{self.campaign}：抽取 {self.ran_at:%Y-%m-%d %H:%M}"

    @property
    def subject_count(self):
        return len(self.outputs.get("tasks", []))


class DrawVerification(RegulatedModel):
    """A re-run of a draw: from its frozen inputs (must reproduce the outputs) and from the
    directories as they are now (records what changed in the inputs and in the result)."""

    draw = models.ForeignKey(Draw, models.PROTECT, related_name="verifications", verbose_name=_("抽取"))
    checked_at = models.DateTimeField(_("核验时间"), default=timezone.now)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("核验人"))
    reproduced = models.BooleanField(_("按冻结输入复现一致"))
    inputs_changed = models.BooleanField(_("输入已变化"))
    difference = models.JSONField(_("差异"), default=dict)

    jurisdiction_path = "draw__region_code"
    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("抽取核验")
        verbose_name_plural = _("抽取核验")
        ordering = ["-checked_at"]

    def __str__(self):
        return f"核验 {self.draw}：{'一致' if self.reproduced else '不一致'}"

    @property
    def region_code(self):
        return self.draw.region_code
