"""A compacted, monotonic log of what changed, for phones that download and then work offline.

One row per (kind, object, region, audience) holds the object's *latest* change: ``seq`` is
raised on every change, ``op`` says whether the phone should (re)load it or drop it. A phone
keeps the highest ``seq`` it has seen and asks for everything above it, so it gets each changed
object once, including deletions (tombstones: ``op = delete`` stays in the table) and
reassignments (the old assignee's row turns into a delete, the new one's into an upsert).

Why a clock row and not the auto-increment id: on PostgreSQL ids are handed out at insert
but become visible at commit, in another order, so a reader that saw id 12 could later miss
a slower transaction's id 11. ``seq`` is taken from ``SyncClock`` under a row lock that is
held until the writing transaction commits, so a higher ``seq`` is always committed after a
lower one. The price: writers that record changes queue for that lock at the end of their
transaction (SQLite serialises writers anyway). Writes here are rare next to reads."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SyncClock(models.Model):
    """The single row whose ``value`` is the last ``seq`` handed out."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("同步时钟")
        verbose_name_plural = _("同步时钟")

    def __str__(self):
        return str(self.value)


class SyncChange(models.Model):
    class Op(models.TextChoices):
        UPSERT = "upsert", _("新增或修改")
        DELETE = "delete", _("删除或不再分配")

    # Everyone in the region (the directory, the catalogue) rather than one person (tasks).
    EVERYONE = 0

    seq = models.BigIntegerField(_("序号"), db_index=True)
    kind = models.CharField(_("类别"), max_length=40)
    object_id = models.CharField(_("对象"), max_length=64)
    # "" = nationwide (the variety catalogue); else a region code: users whose jurisdiction
    # prefixes it see the change.
    region_code = models.CharField(_("区划"), max_length=12, blank=True)
    # A user id, or EVERYONE: a user id, not a foreign key, so "everyone" is a plain 0 that a
    # unique constraint can compare (NULLs are distinct in a unique index).
    audience = models.BigIntegerField(_("对象用户"), default=EVERYONE)
    op = models.CharField(_("操作"), max_length=10, choices=Op.choices)
    changed_at = models.DateTimeField(_("变更时间"), default=timezone.now)

    class Meta:
        verbose_name = _("同步变更")
        verbose_name_plural = _("同步变更")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "region_code", "audience"],
                                               name="sync_change_one_row_per_object")]

    def __str__(self):
        return f"{self.seq} {self.op} {self.kind}:{self.object_id}"


