from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("监督检查")

    def ready(self):
        from seedreg.accounts.navigation import register as nav
        from seedreg.accounts.roles import STATION_STAFF, Role
        from seedreg.demo.registry import register as demo
        from seedreg.documents.types import register_document_type
        from seedreg.regions.station_settings import register as setting

        from . import rules, sync  # noqa: F401  (registers the permissions)
        from .demo import build_inspections

        setting("inspection_geofence_radius_m", 300, _("现场检查定位允许偏离登记地址的半径（米）"), kind=int, minimum=20,
                maximum=10000)
        setting("inspection_max_accuracy_m", 100, _("到达定位精度差于此值（米）的现场检查标记为“定位精度不足”"), kind=int,
                minimum=5, maximum=5000)
        setting("draw_unqualified_months", 12, _("双随机必查：近几个月内抽检不合格的主体（月）"), kind=int, minimum=1,
                maximum=60)
        setting("draw_resample_exclusion_months", 6,
                _("同一主体同一作物不得重复抽样的期限（月，《农作物种子质量监督抽查管理办法》）"), kind=int, minimum=0,
                maximum=24)
        setting("draw_large_volume_kg", 10000, _("双随机必查：上一年度销售量不少于（千克）的经营者"), kind=int, minimum=0)
        setting("sampling_small_package_kg", 5,
                _("小包装种子（每件不足该重量，千克）按100千克为一个扦样单位（GB/T 3543.2，待核实）"), kind=float,
                minimum=0)
        setting("rectification_days", 15, _("责令整改的默认期限（日）"), kind=int, minimum=1, maximum=180)
        register_document_type("draw_record", label=_("双随机抽查抽取记录"), abbreviation="种随",
                               template="inspections/documents/draw_record.html")
        # 种查 (检查), not 种检: the lab's test report is 种检 (检验), and serials are unique across types.
        register_document_type("visit_record", label=_("现场检查笔录"), abbreviation="种查",
                               template="inspections/documents/visit_record.html")
        register_document_type("rectification_order", label=_("责令整改通知书"), abbreviation="种整",
                               template="inspections/documents/rectification_order.html")
        register_document_type("sampling_form", label=_("种子抽样单"), abbreviation="种抽",
                               template="inspections/documents/sampling_form.html")
        staff = set(STATION_STAFF)
        nav(_("监督检查"), "inspections:campaign_list", staff | {Role.INSPECTOR, Role.SUPERVISOR}, order=200)
        nav(_("我的任务"), "inspections:my_tasks", {Role.INSPECTOR}, order=190)
        nav(_("投诉举报"), "inspections:complaint_list", staff, order=210)
        demo("inspections.campaigns", build_inspections, order=400)
        sync.connect()
