"""How inspection tasks enter the phones' change feed (seedreg.sync): a task is downloaded by
its inspectors only, so each change is addressed to each of them; a reassignment tells the
inspectors taken off to drop it and the new ones to load it.

Connected to the saves of Task and its inspector set: those change only inside this app's
services (RegulatedModel), so no service can forget to announce a change."""

from __future__ import annotations

from seedreg.sync.feed import record_change

TASK = "task"


def task_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for user_id in instance.inspectors.values_list("pk", flat=True):
        record_change(TASK, instance.pk, region_code=instance.region_code, audience=user_id)


def task_inspectors_changed(sender, instance, action, pk_set=None, **kwargs):
    if action == "pre_clear":
        pk_set = set(instance.inspectors.values_list("pk", flat=True))
    op = {"post_add": "upsert", "post_remove": "delete", "pre_clear": "delete"}.get(action)
    if op is None:
        return
    for user_id in pk_set or ():
        record_change(TASK, instance.pk, region_code=instance.region_code, audience=user_id, op=op)


def connect():
    from django.db.models.signals import m2m_changed, post_save

    from .models import Task

    post_save.connect(task_saved, sender=Task, dispatch_uid="sync-task")
    m2m_changed.connect(task_inspectors_changed, sender=Task.inspectors.through, dispatch_uid="sync-task-inspectors")
