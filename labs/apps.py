from django.apps import AppConfig


class LabsConfig(AppConfig):
    name = "labs"
    verbose_name = "种子检验"

    def ready(self):
        from seedreg.accounts.navigation import register as nav
        from seedreg.accounts.roles import LAB_ROLES, STATION_STAFF
        from seedreg.regions.station_settings import register as setting

        from . import rules  # noqa: F401  (registers the permissions)

        # GB 4404.1: rice, maize and sorghum seed north of the Great Wall or in alpine areas may
        # hold up to 16% moisture; the county says whether that is where it lies.
        setting("lab_north_of_great_wall", False, "位于长城以北或高寒地区（水分标准放宽）", kind=bool)
        setting("lab_approvals_required", 1, "检验结果须经几名审核员批准", kind=int, minimum=1, maximum=3)
        nav("质量标准", "labs:standards", set(STATION_STAFF) | set(LAB_ROLES), order=320)
