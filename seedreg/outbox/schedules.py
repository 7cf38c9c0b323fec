"""Default beat schedules, as data a station admin can edit (django-celery-beat).

Apps register their periodic tasks in AppConfig.ready(); after every migrate the missing ones
are created. Existing rows are left alone, so an admin's change to a time or an
enabled flag survives upgrades."""

from dataclasses import dataclass

from django.db.models.signals import post_migrate


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    crontab: dict | None = None  # {"minute": "30", "hour": "1"} in Asia/Shanghai
    every_seconds: int | None = None
    description: str = ""


_SCHEDULES: dict[str, Schedule] = {}


def register_schedule(name, task, *, crontab=None, every_seconds=None, description=""):
    _SCHEDULES[name] = Schedule(name, task, crontab, every_seconds, description)


def registered_schedules():
    return dict(_SCHEDULES)


def ensure_schedules(**kwargs):
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    for s in _SCHEDULES.values():
        if PeriodicTask.objects.filter(name=s.name).exists():
            continue
        fields = {"name": s.name, "task": s.task, "description": s.description}
        if s.crontab is not None:
            cron = {"minute": "0", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*",
                    **s.crontab}
            fields["crontab"], _ = CrontabSchedule.objects.get_or_create(timezone=settings.TIME_ZONE, **cron)
        else:
            fields["interval"], _ = IntervalSchedule.objects.get_or_create(every=s.every_seconds,
                                                                           period=IntervalSchedule.SECONDS)
        PeriodicTask.objects.create(**fields)


def connect():
    post_migrate.connect(ensure_schedules, dispatch_uid="seedreg.outbox.ensure_schedules")
