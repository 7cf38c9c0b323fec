"""Every ninja API answers errors in one JSON shape: {"code", "message", "fields"}."""

import pytest
from django.test import RequestFactory
from ninja import NinjaAPI, Schema
from ninja.testing import TestClient

from seedreg.errors import DomainError, InvalidInput, NotFound, RuleViolation, install_api_handlers


class Payload(Schema):
    quantity: int


def make_api():
    api = install_api_handlers(NinjaAPI(urls_namespace="errors-test"))

    @api.post("/stock")
    def take(request, payload: Payload):
        if payload.quantity > 5:
            raise RuleViolation("库存不足：当前库存 %(stock)s 千克。", code="insufficient_stock", stock=5,
                                fields={"quantity": "超过库存"})
        return {"ok": True}

    @api.get("/thing")
    def thing(request):
        raise NotFound()

    return api


@pytest.fixture(scope="module")
def api_client():
    return TestClient(make_api())


def test_a_domain_error_becomes_a_4xx_with_code_message_and_fields(api_client):
    response = api_client.post("/stock", json={"quantity": 9})
    assert response.status_code == 422
    assert response.json() == {"code": "insufficient_stock", "message": "库存不足：当前库存 5 千克。",
                               "fields": {"quantity": ["超过库存"]}}


def test_a_schema_violation_names_the_field(api_client):
    response = api_client.post("/stock", json={"quantity": "many"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input" and "quantity" in body["fields"]


def test_not_found_is_404_in_the_same_shape(api_client):
    response = api_client.get("/thing")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_domain_error_can_be_put_on_a_django_form():
    from django import forms

    class F(forms.Form):
        quantity = forms.IntegerField()

    form = F({"quantity": 9})
    assert form.is_valid()
    InvalidInput("数量有误", fields={"quantity": "超过库存"}).add_to_form(form)
    assert form.errors["quantity"] == ["超过库存"]
    assert "数量有误" in form.non_field_errors()


def test_the_middleware_turns_an_unplaced_domain_error_into_a_4xx_page():
    from seedreg.errors import DomainErrorMiddleware

    request = RequestFactory().get("/somewhere")
    response = DomainErrorMiddleware(lambda r: None).process_exception(request, DomainError("不行", status=409))
    assert response.status_code == 409
    assert "不行" in response.content.decode()
