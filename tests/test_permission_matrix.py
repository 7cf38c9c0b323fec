"""The permission matrix: every web page of the site × every persona, generated from the URL
configuration, so that a new page cannot escape it.

How it works
------------
``tests.urlwalk.routes()`` walks Django's URL resolver and lists every named route (the admin,
i18n, static files and the django-ninja APIs are left out: the mobile API has its own matrix).
``MATRIX`` below declares, for every route name, what each persona must get. A route that has no
row fails ``test_every_route_declares_its_access``; a row whose route no longer exists fails it
too. Each row is then requested as every persona, with a fresh client, and the status compared.

Personas (built by ``world``): ``anonymous``; the county's staff ``chief``, ``clerk``,
``inspector``, ``lab_tech``, ``lab_reviewer``; the city's ``higher_lab`` and ``supervisor``;
the neighbouring county's ``outsider`` (chief) and ``outside_inspector``; ``dealer`` (of the
county's shop that every URL points at) and ``other_dealer`` (of another shop).

Adding a page (other branches: add your rows here, one per route)
-------------------------------------------------------------------
1. If the URL takes objects, make sure ``world`` builds one (add a line: ``objects["lot"] =
   …`` for the county of 建平县, with whatever it needs) and name it in the row's ``obj``. The
   URL's ``pk``/``token`` come from that object; any other kwarg (``user_id``, ``app_label``…)
   is looked up in ``objects`` by the kwarg's own name.
2. Add ``"app:name": Row(obj=..., method="GET"|"POST", expect=...)``. Build ``expect`` with
   ``access(...)``: a default for the staff of the county, overrides per persona, and the
   defaults for the others (anonymous → login page, other county → 404, dealers → 404). A status
   is an int, or ``LOGIN`` (a redirect to the login page). For POST rows the data is empty: an
   allowed persona gets the form back (200) or a redirect, a refused one 403/404, so the row
   checks the permission, not the form.
   A GET of a form page checks who may *see* the form; the service's ``require`` refuses the
   submit (403) for a role that may not act, and the app's own tests post real data.
3. Run ``pytest tests/test_permission_matrix.py``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from licensing import services
from licensing.models import ImportJob
from seedreg.notifications.services import notify
from seedreg.regulated import service_context
from tests.licensing.conftest import crops, make_business, varieties  # noqa: F401  (fixtures)
from tests.urlwalk import routes

LOGIN = "login"
COUNTY_STAFF = ("chief", "clerk", "inspector", "lab_tech", "lab_reviewer")
CITY = ("higher_lab", "supervisor")
FOREIGN = ("outsider", "outside_inspector")
DEALERS = ("dealer", "other_dealer")
PERSONAS = ("anonymous", *FOREIGN, *DEALERS, *COUNTY_STAFF, *CITY)


def access(staff, *, anonymous=LOGIN, foreign=404, dealers=404, **personas):
    """Expected status per persona: ``staff`` for the county's and the city's staff unless
    overridden by name (``clerk=200``); ``foreign`` for the other county's people."""
    expect = {name: staff for name in (*COUNTY_STAFF, *CITY)}
    expect.update({"anonymous": anonymous, **dict.fromkeys(FOREIGN, foreign), **dict.fromkeys(DEALERS, dealers)})
    expect.update(personas)
    assert set(expect) == set(PERSONAS), set(expect) ^ set(PERSONAS)
    return expect


def public(status=200):
    return dict.fromkeys(PERSONAS, status)


@dataclass(frozen=True)
class Row:
    expect: dict
    obj: str | None = None
    method: str = "GET"
    data: dict = field(default_factory=dict)


MATRIX: dict[str, Row] = {
    # --- platform -----------------------------------------------------------------------------
    "healthz": Row(public(200)),
    "home": Row(access(200, foreign=200, dealers=302)),  # dealers are sent to their portal
    "accounts:login": Row({**public(302), "anonymous": 200}),  # a logged-in user is sent on
    "accounts:logout": Row(public(LOGIN), method="POST"),
    "accounts:password_change": Row(access(200, foreign=200, dealers=200)),
    "audit:timeline": Row(access(403, chief=200, clerk=200, dealers=403), obj="business"),
    "documents:verify": Row(public(200), obj="document"),
    "documents:pdf": Row(access(200), obj="document"),
    "notifications:inbox": Row(access(200, foreign=200, dealers=200)),
    "notifications:read": Row(access(302, foreign=302, dealers=302), obj="notification", method="POST"),
    "notifications:read_all": Row(access(302, foreign=302, dealers=302), method="POST"),
    # --- licensing (station pages) ------------------------------------------------------------
    # Pages without an object show the other county's staff their own county.
    "licensing:business_list": Row(access(200, foreign=200)),
    "licensing:business_create": Row(access(200, foreign=200)),
    "licensing:business_detail": Row(access(200), obj="business"),
    "licensing:business_edit": Row(access(200), obj="business"),
    "licensing:business_licence_create": Row(access(200), obj="business"),
    "licensing:document_check_create": Row(access(200), obj="business"),
    "licensing:licence_create": Row(access(200), obj="business"),
    "licensing:filing_create": Row(access(200), obj="business"),
    "licensing:dealer_account_create": Row(access(200), obj="business"),
    "licensing:dealer_password_reset": Row(access(403, chief=200, clerk=200), obj="business", method="POST"),
    "licensing:licence_detail": Row(access(200), obj="licence"),
    "licensing:licence_renew": Row(access(200), obj="licence"),
    "licensing:licence_status": Row(access(200), obj="licence"),
    "licensing:licence_rotate_token": Row(access(403, chief=302, clerk=302), obj="licence", method="POST"),
    "licensing:filing_receipt": Row(access(403, chief=302, clerk=302), obj="filing", method="POST"),
    # The variety catalogue and outside parties are shared by every county.
    "licensing:variety_list": Row(access(200, foreign=200)),
    "licensing:variety_create": Row(access(200, foreign=200)),
    "licensing:variety_withdraw": Row(access(200, foreign=200), obj="variety"),
    "licensing:outside_party_list": Row(access(200, foreign=200)),
    "licensing:outside_party_create": Row(access(200, foreign=200)),
    "licensing:import_create": Row(access(200, foreign=200)),
    "licensing:import_template": Row(access(200, foreign=200)),
    "licensing:import_detail": Row(access(200), obj="import_job"),
    "licensing:import_errors": Row(access(200), obj="import_job"),
    # --- portal (public and dealers) ----------------------------------------------------------
    "portal:dealer_home": Row(access(404, foreign=404, dealers=200)),
    "portal:verify_search": Row(public(200)),
    "portal:licence_public": Row(public(200), obj="licence"),
    "portal:licence_certificate": Row(access(200), obj="licence"),
    "portal:password_forgot": Row(public(200)),
}


# --- the world every row is requested in ------------------------------------------------------

@pytest.fixture
def world(chief, clerk, inspector, lab_tech, lab_reviewer, higher_lab, supervisor, outsider, outside_inspector,
          crops, varieties):  # noqa: F811
    today = timezone.localdate()
    shop = make_business(clerk)
    other_shop = make_business(clerk, "建平县万家种子店", serial=3)
    producer = make_business(clerk, "建平县丰禾种业有限公司", serial=2, kind="producer")
    with service_context():
        licence = services.issue_seed_licence(
            producer, actor=clerk, number="B(辽朝)农种许字(2019)第0012号", issued_on=today - datetime.timedelta(days=1000),
            expires_on=today + datetime.timedelta(days=100), crops=[crops["maize"]], issuing_organ="朝阳市农业农村局",
            valid_region="辽宁省")
        filing = services.record_filing(shop, actor=clerk, filing_type="consignment", principal_business=producer,
                                        principal_licence_number=licence.number, sale_location=shop.address,
                                        filed_on=today, event_on=today, items=[(varieties["郑单958"], 10)])
        document = services.issue_filing_receipt(filing, actor=clerk)
        dealer, _ = services.create_dealer_user(shop, actor=clerk, phone="13900000009", full_name="王丰收",
                                                delivery="slip")
        other_dealer, _ = services.create_dealer_user(other_shop, actor=clerk, phone="13900000010", full_name="李万家",
                                                      delivery="slip")
        notify([clerk], key="matrix", title="测试通知")
    job = ImportJob.objects.create(kind=ImportJob.Kind.DIRECTORY, region_code="211322", created_by=clerk,
                                   original_name="名录.xlsx", status=ImportJob.Status.FAILED, error_count=1)
    job.error_file.save("errors.xlsx", ContentFile(b"PK-not-really-a-workbook"))
    people = {"anonymous": None, "chief": chief, "clerk": clerk, "inspector": inspector, "lab_tech": lab_tech,
              "lab_reviewer": lab_reviewer, "higher_lab": higher_lab, "supervisor": supervisor, "outsider": outsider,
              "outside_inspector": outside_inspector, "dealer": dealer, "other_dealer": other_dealer}
    objects = {"business": shop, "licence": licence, "filing": filing, "document": document,
               "variety": varieties["郑单958"], "import_job": job, "user_id": dealer.pk,
               "notification": clerk.notifications.get(), "app_label": "licensing", "model": "business"}
    return people, objects


def url_for(name, route, row, objects):
    kwargs = {}
    for kwarg in route.kwargs:
        if kwarg == "pk":
            kwargs[kwarg] = objects[row.obj].pk
        elif kwarg == "token":
            obj = objects[row.obj]
            kwargs[kwarg] = getattr(obj, "public_token", None) or obj.verify_token
        else:
            kwargs[kwarg] = objects[kwarg]
    return reverse(name, kwargs=kwargs)


def outcome(response):
    if response.status_code == 302 and reverse("accounts:login") in response["Location"]:
        return LOGIN
    return response.status_code


# --- the tests ----------------------------------------------------------------------------------

ROUTES = {route.name: route for route in routes()}


def test_every_route_declares_its_access():
    unnamed = [route.route for route in ROUTES.values() if not route.name.rsplit(":", 1)[-1]]
    assert unnamed == [] or unnamed == [""], f"routes without a name cannot be declared: {unnamed}"
    missing = sorted(set(ROUTES) - set(MATRIX) - {""})
    stale = sorted(set(MATRIX) - set(ROUTES))
    assert missing == [], f"add a MATRIX row for each new page: {missing}"
    assert stale == [], f"rows for routes that no longer exist: {stale}"


def test_every_persona_gets_what_each_page_declares(world):
    """One world, every row × every persona (GET rows first: a POST may change what a later
    request sees, e.g. a rotated token). All mismatches are listed together."""
    people, objects = world
    wrong = {}
    for name in sorted(MATRIX, key=lambda n: (MATRIX[n].method == "POST", n)):
        row, route = MATRIX[name], ROUTES[name]
        if row.obj:
            objects[row.obj].refresh_from_db()
        url = url_for(name, route, row, objects)
        for persona in PERSONAS:
            client = Client()
            if people[persona] is not None:
                people[persona].refresh_from_db()  # a POST row may have reset a password
                client.force_login(people[persona])
            response = client.post(url, row.data) if row.method == "POST" else client.get(url)
            got = outcome(response)
            if got != row.expect[persona]:
                wrong[f"{row.method} {name} as {persona}"] = f"expected {row.expect[persona]}, got {got}"
    assert not wrong, "\n" + "\n".join(f"{key}: {value}" for key, value in sorted(wrong.items()))
