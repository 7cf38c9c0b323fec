"""The inspection app's business rules. Views, the mobile API, admin actions and tasks call these."""

from ._common import resent_key
from .custody import record_custody_transfer
from .draws import (
    collect_draw_inputs,
    create_draw_tasks,
    first_batch_due,
    publish_draw,
    run_draw,
    verify_draw,
)
from .onsite import reserve_onsite_numbers
from .people import (
    add_complaint_follow_up_photo,
    close_complaint,
    declare_conflict,
    record_complaint,
    record_complaint_follow_up,
    save_inspector_profile,
    spawn_complaint_task,
    withdraw_conflict,
)
from .planning import create_campaign, create_plan, set_campaign_status
from .sampling import primary_samples_for, record_sampling, sample_code, suggested_quantity
from .tasks import check_pair, conflicts_key, create_task, plan_task_day, reassign_task
from .visits import (
    add_finding_photo,
    answer_checklist,
    checklist_for,
    checklist_hints,
    close_visit,
    conclude_rectification,
    count_source,
    join_visit,
    record_finding,
    record_stock_count,
    rectification_deadline,
    start_visit,
    suggested_articles,
)

__all__ = [
    "primary_samples_for", "record_sampling", "sample_code", "suggested_quantity",
    "add_finding_photo", "answer_checklist", "checklist_for", "checklist_hints", "record_stock_count", "close_visit", "conclude_rectification", "count_source", "join_visit",
    "record_finding", "rectification_deadline", "reserve_onsite_numbers", "start_visit", "suggested_articles",
    "check_pair", "close_complaint", "collect_draw_inputs", "first_batch_due", "create_campaign", "create_draw_tasks", "create_plan",
    "create_task", "publish_draw", "run_draw", "verify_draw", "declare_conflict",
    "plan_task_day", "reassign_task", "record_custody_transfer", "record_complaint", "save_inspector_profile", "set_campaign_status",
    "spawn_complaint_task", "withdraw_conflict", "add_complaint_follow_up_photo", "record_complaint_follow_up",
    "conflicts_key", "resent_key",  # keys of the reads a batch primes (seedreg.lib.batch_reads)
]
