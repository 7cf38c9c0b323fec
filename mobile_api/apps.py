from django.apps import AppConfig


class MobileApiConfig(AppConfig):
    name = "mobile_api"
    verbose_name = "移动执法接口"

    def ready(self):
        from seedreg.accounts.navigation import register as nav
        from seedreg.accounts.roles import FIELD_ROLES

        from . import rules  # noqa: F401  (registers the permissions)

        nav("手机令牌", "mobile:token_list", FIELD_ROLES, order=900)
