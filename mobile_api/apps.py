from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobileApiConfig(AppConfig):
    name = "mobile_api"
    verbose_name = _("移动执法接口")

    def ready(self):
        from seedreg.accounts.navigation import register as nav
        from seedreg.accounts.roles import FIELD_ROLES

        from . import rules  # noqa: F401  (registers the permissions)

        nav(_("手机令牌"), "mobile:token_list", FIELD_ROLES, order=900)
