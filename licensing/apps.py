import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("经营主体与许可")

    def ready(self):
        from seedreg.accounts.navigation import register as nav
        from seedreg.accounts.roles import STATION_STAFF, Role
        from seedreg.demo.registry import register as demo
        from seedreg.documents.types import register_document_type
        from seedreg.health.checks import register_job
        from seedreg.outbox.schedules import register_schedule
        from seedreg.regions.station_settings import register as setting

        from . import rules  # noqa: F401  (registers the permissions)
        from .demo import build_ledgers, build_licensing
        from .tasks import EXPIRY_JOB

        setting("filing_branch_working_days", 15, _("分支机构备案期限（取得营业执照后工作日数）"), kind=int)
        setting("licence_reminder_days", "90,30,7", _("许可证到期提醒（到期前天数，逗号分隔）"), kind=str)
        setting("ledger_backdate_days", 30, _("台账补录期限（可补录多少天前发生的记录）"), kind=int,
                minimum=0, maximum=366)
        setting("ledger_count_tolerance_kg", "0", _("库存清点允许差异（千克）"), kind=str)
        setting("ledger_gap_days", 20, _("台账断档提示（销售季内连续多少天无记录）"), kind=int, minimum=1)
        setting("ledger_season_months", "3,4,5", _("销售季（月份，逗号分隔）"), kind=str)
        from .public import lot_public_status

        register_document_type("stop_sale_order", label=_("停止销售通知书"), abbreviation="种停",
                               template="licensing/documents/stop_sale_order.html", public_status=lot_public_status)
        register_document_type("stop_sale_notice", label=_("停止销售通知送达回证"), abbreviation="种停送",
                               template="licensing/documents/stop_sale_notice.html", public_status=lot_public_status)
        register_document_type("filing_receipt", label=_("种子经营备案回执"), abbreviation="种备",
                               template="licensing/documents/filing_receipt.html")
        register_schedule("许可：许可证到期提醒", "licensing.tasks.send_expiry_reminders",
                          crontab={"minute": "10", "hour": "6"}, description="到期前90/30/7天及到期当日提醒经营者和种子站")
        # Runs daily: stale after a day and a bit means a missed run, not a slow one.
        register_job(EXPIRY_JOB, _("许可证到期提醒"), max_age=datetime.timedelta(hours=26))
        staff = set(STATION_STAFF) | {Role.INSPECTOR}
        nav(_("经营主体"), "licensing:business_list", staff, order=100)
        nav(_("品种目录"), "licensing:variety_list", staff | {Role.LAB_TECHNICIAN, Role.LAB_REVIEWER}, order=110)
        nav(_("我的经营"), "portal:dealer_home", {Role.DEALER}, order=10)
        nav(_("购销台账"), "portal:dealer_ledger", {Role.DEALER}, order=20)
        nav(_("停止销售"), "licensing:stop_sale_list", staff, order=120)
        demo("licensing.directory", build_licensing, order=200)
        demo("licensing.ledgers", build_ledgers, order=210)

        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import models, sync
        from .public import bump_directory_version

        sync.connect()

        for model in (models.Business, models.SeedLicence, models.LicenceTerm, models.LicenceStatusChange,
                      models.Filing, models.FilingItem, models.Variety, models.Crop, models.OutsideParty):
            post_save.connect(bump_directory_version, sender=model, dispatch_uid=f"public-version-save-{model.__name__}")
            post_delete.connect(bump_directory_version, sender=model,
                                dispatch_uid=f"public-version-delete-{model.__name__}")
        for through in (models.SeedLicence.crops.through, models.SeedLicence.varieties.through):
            m2m_changed.connect(bump_directory_version, sender=through, dispatch_uid=f"public-version-m2m-{through}")
