"""Logs are JSON lines carrying the request id (the one the audit log uses), in production by
default."""

import io
import json
import logging

import pytest
from django.urls import reverse

from seedreg.audit.middleware import RequestIdLogFilter
from seedreg.lib.jsonlog import JsonFormatter
from tests.platform.test_settings import GOOD, manage


@pytest.fixture
def json_log_lines():
    """What the configured console handler would write, captured from the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdLogFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_requests_log_lines_carry_its_request_id(client, clerk, json_log_lines):
    client.force_login(clerk)
    response = client.get(reverse("licensing:business_detail", args=[987654]), HTTP_X_REQUEST_ID="proxy-req-0001")
    assert response.status_code == 404 and response["X-Request-ID"] == "proxy-req-0001"
    lines = [entry for entry in json_log_lines() if entry["logger"] == "django.request"]
    assert lines and lines[-1]["request_id"] == "proxy-req-0001"
    assert lines[-1]["status_code"] == 404 and lines[-1]["level"] == "WARNING"


def test_production_writes_json_lines_to_stderr():
    code = "import logging; logging.getLogger('seedreg.test').warning('许可证 %s 已注销', 'X-1', extra={'job': 7})"
    result = manage("shell", "-c", code, **GOOD)
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "许可证 X-1 已注销" and entry["job"] == 7
    assert entry["logger"] == "seedreg.test" and entry["request_id"] == "-" and entry["time"]


def test_an_unknown_log_format_is_refused():
    result = manage("check", LOG_FORMAT="xml")
    assert result.returncode != 0 and "LOG_FORMAT" in result.stderr
