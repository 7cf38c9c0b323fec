"""Domain errors: every rule a service enforces fails with one of these.

A ``DomainError`` has a stable ``code`` (for clients and tests), a translatable Chinese
``message`` (English through i18n), optional per-field messages and the HTTP status a face
should answer with. Pages show it on the form (``add_to_form``); the ninja APIs answer it as
JSON ``{"code", "message", "fields"}`` (``install_api_handlers``). Bad input therefore never
becomes a 500.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    status = 400
    default_message = _("请求无法完成。")

    def __init__(self, message=None, *, code=None, fields=None, status=None, **params):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        # fields: {"field_name": ["message", ...]}; "__all__" for form-wide messages.
        self.fields = {k: [str(m) for m in (v if isinstance(v, list | tuple) else [v])] for k, v in (fields or {}).items()}
        self.params = params
        super().__init__(str(self.message))

    def __str__(self):
        msg = str(self.message)
        return msg % self.params if self.params else msg

    def as_dict(self):
        return {"code": self.code, "message": str(self), "fields": self.fields}

    def add_to_form(self, form):
        """Show this error on a Django form: per field where we know it, else on the form."""
        placed = False
        for name, messages in self.fields.items():
            target = name if name in form.fields else None
            for m in messages:
                form.add_error(target, m)
                placed = True
        if not placed or "__all__" not in self.fields:
            form.add_error(None, str(self))
        return form


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422
    default_message = _("输入有误，请检查标出的字段。")


class NotFound(DomainError):
    # Something outside the caller's jurisdiction is "not found", never "forbidden": a 403
    # would confirm that it exists.
    code = "not_found"
    status = 404
    default_message = _("未找到该记录，或您无权查看。")


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("您的角色无权执行此操作。")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("记录已被他人修改或状态已变化，请刷新后重试。")


class RuleViolation(DomainError):
    """A regulatory rule refuses the change (stock below zero, deadline passed, ...)."""

    code = "rule_violation"
    status = 422


def from_validation_error(exc: ValidationError, code="invalid_input") -> InvalidInput:
    """Turn a Django ValidationError (from validators or full_clean) into an InvalidInput."""
    if hasattr(exc, "error_dict"):
        fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        message = "；".join(m for ms in fields.values() for m in ms)
        return InvalidInput(message or None, code=code, fields=fields)
    return InvalidInput("；".join(exc.messages), code=code)


class DomainErrorMiddleware:
    """Last line for pages: a DomainError that a view did not place on a form becomes a 4xx page
    with its message (never a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ValidationError):
            exception = from_validation_error(exception)
        if not isinstance(exception, DomainError):
            return None
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            from django.http import JsonResponse

            return JsonResponse(exception.as_dict(), status=exception.status)
        response = render(request, "errors/domain_error.html", {"error": exception}, status=exception.status)
        return response if isinstance(response, HttpResponse) else None


# --- ninja ------------------------------------------------------------------------------

_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "permission_denied", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid_input",
                 429: "throttled"}

_STATUS_MESSAGES = {
    401: _("未登录或令牌无效、已过期、已吊销。"),
    403: _("您的角色无权执行此操作。"),
    404: _("未找到该记录，或您无权查看。"),
    405: _("不支持该请求方法。"),
    413: _("上传内容过大。"),
    422: _("输入有误，请检查标出的字段。"),
    429: _("请求过于频繁，请稍后再试。"),
}


# ninja's own errors carry English text: the API answers them in Chinese like everything else.
_NINJA_MESSAGES = {"Cannot parse request body": _("请求内容无法解析，应为 JSON。")}


def _field_name(loc):
    # ninja locations look like ("body", "payload", "visits", 0, "seal_no"): drop the transport part.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie", "form", "file", "payload")]
    return ".".join(parts) or "__all__"


def install_api_handlers(api):
    """Make every error of a NinjaAPI one JSON shape: {"code", "message", "fields"}."""
    from ninja.errors import (
        AuthenticationError,
        ConfigError,  # noqa: F401  (imported to fail early if ninja moves it)
        HttpError,
    )
    from ninja.errors import ValidationError as NinjaValidationError

    try:
        from ninja.errors import Throttled
    except ImportError:  # pragma: no cover - older ninja
        Throttled = None

    def respond(request, status, code, message, fields=None):
        return api.create_response(request, {"code": code, "message": str(message), "fields": fields or {}}, status=status)

    @api.exception_handler(DomainError)
    def domain_error(request, exc):
        return respond(request, exc.status, exc.code, str(exc), exc.fields)

    @api.exception_handler(ValidationError)
    def django_validation_error(request, exc):
        err = from_validation_error(exc)
        return respond(request, err.status, err.code, str(err), err.fields)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc):
        fields = {}
        for e in exc.errors:
            fields.setdefault(_field_name(e.get("loc", ())), []).append(e.get("msg", ""))
        return respond(request, 422, "invalid_input", _STATUS_MESSAGES[422], fields)

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return respond(request, 401, "unauthorized", _STATUS_MESSAGES[401])

    if Throttled is not None:

        @api.exception_handler(Throttled)
        def throttled(request, exc):
            response = respond(request, 429, "throttled", _STATUS_MESSAGES[429])
            if getattr(exc, "wait", None):
                response["Retry-After"] = str(int(exc.wait))
            return response

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        status = exc.status_code
        for english, chinese in _NINJA_MESSAGES.items():
            if str(exc).startswith(english):
                return respond(request, status, _STATUS_CODES.get(status, "error"), chinese)
        return respond(request, status, _STATUS_CODES.get(status, "error"),
                       _STATUS_MESSAGES.get(status, str(exc)) if status in _STATUS_MESSAGES and not str(exc) else str(exc))

    from django.http import Http404

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, "not_found", _STATUS_MESSAGES[404])

    return api


# --- the database is down or restarting ----------------------------------------------------

DATABASE_UNAVAILABLE_MESSAGE = _("数据库正在重启或暂时不可用，您的操作没有保存，请稍后重试。")


def server_error(request):
    """handler500. A request that failed because the database went away (restart, failover,
    a terminated connection) gets a 503 with a Chinese message and Retry-After, as a page or as
    JSON: the client may simply retry. Anything else is the plain 500 page. Neither touches the
    database, which may be the thing that is down."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.http import HttpResponseServerError, JsonResponse
    from django.template import loader

    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")
        if wants_json:
            response = JsonResponse({"code": "database_unavailable", "message": str(DATABASE_UNAVAILABLE_MESSAGE)},
                                    status=503)
        else:
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "15"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
