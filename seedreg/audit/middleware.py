import logging
import re

from .context import get_request_id, new_request_id, reset_request_id, set_request_id

_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a sane one from the proxy's X-Request-ID), echo it in
    the response, and make it available to audit entries and log lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID.match(incoming) else new_request_id()
        request.request_id = request_id
        token = set_request_id(request_id)
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        # django.request logs a response's status after this middleware has returned; its
        # records carry the request itself, and so the id.
        request = getattr(record, "request", None)
        record.request_id = get_request_id() or getattr(request, "request_id", "") or "-"
        return True
