"""The inspectors' phone API: one bearer-token NinjaAPI at /api/mobile/v1/.

Kept apart from any cookie/session API (a token client must never meet CSRF). Every error is
``{"code", "message", "fields"}`` (seedreg.errors.install_api_handlers), every operation has a
stable operationId and a Chinese summary, and every input is bounded (mobile_api.schemas)."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from seedreg.errors import install_api_handlers

from .auth import DeviceTokenAuth, user_throttle
from .endpoints import auth, changes, directory, me, scan, sync, tasks


class CompactJSONRenderer(JSONRenderer):
    # Chinese text as UTF-8 (3 bytes a character) rather than \uXXXX escapes (6), and no
    # padding: phones download over weak signal.
    json_dumps_params = {"ensure_ascii": False, "separators": (",", ":")}


api = NinjaAPI(
    title="SeedReg 手机执法接口",
    version="1",
    description="县种子管理站执法人员手机端接口：设备令牌、离线下载、同步、照片上传、种子标签二维码核验。"
                "错误统一为 {code, message, fields}。使用指南见 docs/mobile-api.md。",
    urls_namespace="mobile_api",
    renderer=CompactJSONRenderer(),
    auth=DeviceTokenAuth(),
    throttle=[user_throttle],
    # Interactive docs are for staff in production, open in development.
    docs_decorator=staff_member_required if settings.PRODUCTION else None,
)
install_api_handlers(api)

api.add_router("", auth.router)
api.add_router("", me.router)
api.add_router("", directory.router)
api.add_router("", changes.router)
api.add_router("", scan.router)
api.add_router("", tasks.router)
api.add_router("", sync.router)
