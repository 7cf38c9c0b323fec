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

        from django.conf import settings
        from django.db.models.signals import post_delete, post_save

        from .auth import bump_token_version
        from .models import DeviceToken

        for model in (DeviceToken, settings.AUTH_USER_MODEL):
            post_save.connect(bump_token_version, sender=model, dispatch_uid=f"mobile-token-version-save-{model}")
            post_delete.connect(bump_token_version, sender=model, dispatch_uid=f"mobile-token-version-delete-{model}")
