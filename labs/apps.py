import datetime

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabsConfig(AppConfig):
    name = "labs"
    verbose_name = _("种子检验")

    def ready(self):
        from seedreg.accounts.navigation import register as nav
        from seedreg.accounts.roles import LAB_ROLES, STATION_STAFF, Role
        from seedreg.demo.registry import register as demo
        from seedreg.documents.types import register_document_type
        from seedreg.health.checks import register_job
        from seedreg.outbox.schedules import register_schedule
        from seedreg.regions.station_settings import register as setting

        from . import rules  # noqa: F401  (registers the permissions)
        from .services.verdicts import can_view_report
        from .tasks import WATCH_JOB

        # MOA order 50: objection within 15 days of receiving the result (confirmed for grass seed,
        # unconfirmed for crop seed): a county setting, counted by workcalendar.deadlines.
        setting("lab_objection_days", 15, _("检验结果异议期（送达后日数，未核实）"), kind=int, minimum=1, maximum=90)
        setting("lab_retest_lab", "higher", _("复检机构（original 原检验机构 / higher 上级检验机构）"), kind=str,
                choices=(("original", _("原检验机构")), ("higher", _("上级检验机构"))))
        setting("lab_test_days", 20, _("收样后须完成检验的天数（逾期提醒）"), kind=int, minimum=1, maximum=365)
        setting("lab_report_receipt_days", 7, _("检验报告签发后须送达的天数（逾期提醒）"), kind=int, minimum=1, maximum=90)
        setting("lab_retest_days", 20, _("复检须出结论的天数（逾期提醒）"), kind=int, minimum=1, maximum=365)
        setting("lab_approvals_required", 1, _("检验结果须经几名审核员批准"), kind=int, minimum=1, maximum=3)
        register_schedule("检验：期限提醒", "labs.tasks.watch_deadlines", crontab={"minute": "20", "hour": "6"},
                          description="样品逾期未检、报告未送达、异议期将届满、复检逾期")
        register_job(WATCH_JOB, _("检验期限提醒"), max_age=datetime.timedelta(hours=26))
        # 种检报: the visit record (现场检查笔录) is 种查, and every type has its own abbreviation.
        register_document_type("lab_report", label=_("种子质量检验报告"), abbreviation="种检报",
                               template="labs/documents/test_report.html", can_view=can_view_report)
        register_document_type("campaign_results", label=_("种子质量监督抽查结果"), abbreviation="种抽结",
                               template="labs/documents/campaign_results.html")
        register_document_type("penalty_referral", label=_("案件移送函"), abbreviation="种移",
                               template="labs/documents/penalty_referral.html")
        from .demo import build_labs

        demo("labs.samples", build_labs, order=500)
        nav(_("检验样品"), "labs:queue", set(STATION_STAFF) | set(LAB_ROLES), order=300)
        nav(_("检验报告"), "labs:my_reports", {Role.DEALER}, order=30)
        nav(_("质量标准"), "labs:standards", set(STATION_STAFF) | set(LAB_ROLES), order=320)
