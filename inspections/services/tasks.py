"""Inspection tasks and their inspector pairs."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from seedreg.accounts.permissions import require
from seedreg.audit.services import log_action
from seedreg.errors import Conflict, InvalidInput, RuleViolation
from seedreg.lib.batch_reads import remembered
from seedreg.regulated import service

from ..models import ConflictOfInterest, InspectorProfile, Task

# MOA order 50 and the double-random rules: every inspection is done by at least two officers.
MIN_INSPECTORS = 2


def check_pair(business, inspectors, *, on: datetime.date | None = None) -> list:
    """The inspectors as a list, or RuleViolation: at least two different people, each in the
    county's inspector directory, qualified and available on ``on``, none with a declared
    conflict of interest with ``business``."""
    people = list(inspectors)
    if len({u.pk for u in people}) != len(people):
        raise RuleViolation(_("同一执法人员不能在一个检查组中出现两次。"), code="inspector_repeated",
                            fields={"inspectors": [_("人员重复")]})
    if len(people) < MIN_INSPECTORS:
        raise RuleViolation(_("每项检查至少需要两名执法人员。"), code="two_inspectors_required",
                            fields={"inspectors": [_("至少两名")]})
    pks = frozenset(u.pk for u in people)
    profiles = remembered(("inspector-profiles", pks), lambda: {
        p.user_id: p for p in InspectorProfile.objects.filter(user__in=pks).select_related("user")})
    county = business.region_code[:6]
    for user in people:
        profile = profiles.get(user.pk)
        if profile is None or profile.region_code[:6] != county:
            raise RuleViolation(_("%(name)s 不在本县执法检查人员名录中。"), code="inspector_not_in_directory",
                                name=user.display_name, fields={"inspectors": [_("不在名录中")]})
        if on is not None and not profile.is_available_on(on):
            raise RuleViolation(_("%(name)s 当日不能执法（无执法证、无检查资格或不在岗）。"), code="inspector_unavailable",
                                name=user.display_name, fields={"inspectors": [_("不能执法")]})
    refuse_conflicts(business, people)
    return people


def conflicts_key(business_id) -> tuple:
    return ("conflicts", business_id)


def declared_conflicts(business_id) -> list:
    """The conflicts of interest declared for the business, with their people (one query, or
    none inside a batch that read them: ``conflicts_key``)."""
    return remembered(conflicts_key(business_id), lambda: list(
        ConflictOfInterest.objects.filter(business_id=business_id).select_related("profile__user").order_by("pk")))


def refuse_conflicts(business, people) -> None:
    """RuleViolation if any of ``people`` declared a conflict of interest with ``business``."""
    pks = {u.pk for u in people}
    conflicted = next((c for c in declared_conflicts(business.pk) if c.profile.user_id in pks), None)
    if conflicted is not None:
        raise RuleViolation(_("%(name)s 与该经营主体存在利益冲突，应当回避。"), code="inspector_conflict",
                            name=conflicted.profile.user.display_name, fields={"inspectors": [_("应当回避")]})


@service
def create_task(*, actor, business, kind: str, due_on, inspectors, campaign=None, draw=None, complaint=None,
                rectification=None, reasons=(), blocked_crops=(), planned_on=None, note: str = "") -> Task:
    require(actor, "inspections.assign_task", business)
    return new_task(actor=actor, business=business, kind=kind, due_on=due_on, inspectors=inspectors, campaign=campaign,
                    draw=draw, complaint=complaint, rectification=rectification, reasons=reasons,
                    blocked_crops=blocked_crops, planned_on=planned_on, note=note)


def new_task(*, actor, business, kind, due_on, inspectors, campaign=None, draw=None, complaint=None,
             rectification=None, reasons=(), blocked_crops=(), planned_on=None, note="") -> Task:
    """Create a task inside a service whose caller's permission is already checked (the
    station's assignment above, or the inspector pair ordering a rectification on site)."""
    if kind not in Task.Kind.values:
        raise InvalidInput(_("任务来源无效。"), code="task_kind")
    if not due_on:
        raise InvalidInput(_("请填写完成期限。"), code="due_required", fields={"due_on": [_("必填")]})
    people = check_pair(business, inspectors)
    task = Task.objects.create(
        region_code=business.region_code, kind=kind, campaign=campaign, draw=draw, business=business,
        complaint=complaint, rectification=rectification, due_on=due_on, planned_on=planned_on,
        reasons=list(reasons), blocked_crops=list(blocked_crops), note=note[:200])
    task.inspectors.set(people)
    log_action(task, "inspections.task.created", actor=actor, parent=business,
               data={"inspectors": [u.pk for u in people]})
    return task


@service
def reassign_task(task: Task, *, actor, inspectors, reason: str) -> Task:
    """Give the task to another pair. Audited with the pair before and after and the reason."""
    require(actor, "inspections.assign_task", task)
    if task.status != Task.Status.OPEN:
        raise Conflict(_("任务已%(s)s，不能改派。"), code="task_not_open", s=task.get_status_display())
    if not (reason or "").strip():
        raise InvalidInput(_("改派须说明理由。"), code="reason_required", fields={"reason": [_("必填")]})
    before = sorted(task.inspectors.values_list("pk", flat=True))
    people = check_pair(task.business, inspectors)
    task.inspectors.set(people)
    log_action(task, "inspections.task.reassigned", actor=actor, reason=reason.strip(), parent=task.business,
               before={"inspectors": before}, after={"inspectors": sorted(u.pk for u in people)})
    return task


@service
def plan_task_day(task: Task, *, actor, day) -> Task:
    require(actor, "inspections.assign_task", task)
    if task.status != Task.Status.OPEN:
        raise Conflict(_("任务已%(s)s。"), code="task_not_open", s=task.get_status_display())
    before = task.planned_on
    task.planned_on = day
    task.save(update_fields=["planned_on"])
    log_action(task, "inspections.task.scheduled", actor=actor, before={"planned_on": before},
               after={"planned_on": day}, parent=task.business)
    return task


def complete_task(task: Task, *, actor) -> None:
    """Mark a task done (called by the visit service when its visit closes)."""
    if task.status == Task.Status.OPEN:
        task.status = Task.Status.DONE
        task.done_at = timezone.now()
        task.save(update_fields=["status", "done_at"])
        log_action(task, "inspections.task.done", actor=actor, parent=task.business)
