"""Schemathesis against /api/mobile/v1/openapi.json, in-process through Django's WSGI app
(middleware included), a bounded number of examples per operation: no input may produce a
5xx, and every answer must match the schema (documented status, content type, body shape).
On PostgreSQL too: every string is bounded and refuses NUL, every number is bounded."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.mobile_api.conftest import login

EXAMPLES_PER_OPERATION = 12


# Loading the schema touches no database (openapi.json is public and static).
schema = schemathesis.openapi.from_wsgi("/api/mobile/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def bearer(inspector, shop, licensed, varieties):
    # Uncompressed answers: schemathesis's WSGI transport does not undo Content-Encoding as an
    # HTTP client does (the gzipped download is the same bytes: test_download_cache).
    headers = {"Authorization": f"Bearer {login(inspector)}", "Accept-Encoding": "identity"}
    # As Django's test client does (after that login, which reconnects them): the WSGI handler
    # would otherwise close the test's database connection, and its transaction, after each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield headers
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error_or_an_undocumented_answer(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, status_code_conformance,
                                                   content_type_conformance, response_schema_conformance])
