"""Bad input in every form the site renders, found by walking the pages rather than listed.

``tests/test_bad_input.py`` tries hand-written valid payloads of the station's licensing forms.
This test covers the rest — the ledger, inspection, laboratory, dealer and public forms — and
every form a later page adds, without a list to keep up to date: it opens every GET page of the
permission matrix (``tests/test_permission_matrix.py``, whose world holds an object of every
kind) as the first persona allowed to see it, reads each ``<form method="post">`` on the page
with the values the page filled in, and posts it back with one field at a time replaced by each
bad value (empty, too long, wrong type, a script tag, an SQL fragment, another county's id).

What must hold for every post: no 500 (the test client re-raises it) and no answer outside the
4xx/redirect set; the script tag never rendered unescaped, neither in the answer nor on the page
a redirect leads to; and when the answer says no (a 4xx or a form error), no row of the watched
apps was written. Each post runs in a savepoint that is rolled back, so one form's success
cannot change what the next form sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.db import connection, transaction
from django.test import Client

from licensing.models import Business
from tests.test_bad_input import BAD_VALUES, ERROR_MARK, SCRIPT
from tests.test_permission_matrix import (  # noqa: F401  (the world fixture and what it needs)
    MATRIX,
    ROUTES,
    crops,
    seed_producer,
    standards,
    url_for,
    varieties,
    world,
)

# Who opens a page: the first persona the matrix lets see it (staff before dealers and the public).
OPENERS = ("clerk", "chief", "inspector", "lab_tech", "lab_reviewer", "higher_lab", "supervisor", "dealer",
           "anonymous")
# Another county's object for fields that take an id (select options, hidden ids).
WATCHED_APPS = ("licensing", "inspections", "labs", "mobile_api", "audit", "outbox", "notifications", "documents",
                "accounts")
# Fields no user types into: the CSRF token, the language switch and a form's own "next" page.
UNTYPED = {"csrfmiddlewaretoken", "language", "next"}
ANSWERS = (200, 302, 400, 403, 404, 409, 413, 422, 429)


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    typed: list[str] = field(default_factory=list)  # the fields a person fills in
    files: bool = False


class FormReader(HTMLParser):
    """The post forms of a page with the values the page put in them, like a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a.get("action") or "") if (a.get("method") or "").lower() == "post" else None
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                form.files = True
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
                if name not in form.typed and name not in UNTYPED:
                    form.typed.append(name)
            elif kind not in ("submit", "button", "image", "reset"):
                form.fields[name] = a.get("value", "")
                if kind != "hidden" and name not in UNTYPED:
                    form.typed.append(name)
        elif tag == "select" and name:
            self._select, self._select_first = name, None
            form.fields.setdefault(name, "")
            if name not in UNTYPED:
                form.typed.append(name)
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
                form.fields[self._select] = value
            if "selected" in a:
                form.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields[name] = ""
            if name not in UNTYPED:
                form.typed.append(name)

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def watched_tables():
    return sorted({m._meta.db_table for label in WATCHED_APPS for m in apps.get_app_config(label).get_models()
                   if not m._meta.proxy and m._meta.managed})


def snapshot(tables):
    """Row count of every watched table, in one query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in tables))
        return cursor.fetchone()


def openers(name, row):
    """Everyone the matrix lets see the page, the page's own people first: a form may show
    only for some roles (the draw for the chief), and a form is posted as whoever it showed to."""
    first = {"labs": ("lab_tech", "lab_reviewer"), "portal": ("dealer", "anonymous")}.get(name.split(":")[0], ())
    ordered = [*first, *(p for p in OPENERS if p not in first)]
    return [persona for persona in ordered if row.expect.get(persona) == 200]


def pages_with_forms(world):  # noqa: F811
    """(route name, persona, page URL, forms) for every GET page, each form once: the first
    persona in ``openers`` who is shown it posts it."""
    people, objects = world
    found, seen = [], set()
    for name, row in sorted(MATRIX.items()):
        if row.method != "GET":
            continue
        url = url_for(name, ROUTES[name], row, objects)
        for persona in openers(name, row):
            client = Client()
            if people[persona] is not None:
                client.force_login(people[persona])
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            reader = FormReader()
            reader.feed(response.content.decode(errors="replace"))
            forms = []
            for form in reader.forms:
                target = urljoin(url, form.action) if form.action else url
                key = (urlsplit(target).path, tuple(form.typed))
                if form.typed and key not in seen and not urlsplit(target).path.startswith("/i18n/"):
                    seen.add(key)
                    forms.append(form)
            if forms:
                found.append((name, persona, url, forms))
    return found


def foreign_ids(objects):
    """Ids of another county's objects: what a forged select or hidden field would carry."""
    return [str(pk) for pk in Business.objects.exclude(region_code__startswith="211322").values_list("pk", flat=True)]


def post_checked(client, url, data, tables, context, failures):
    """Post inside a savepoint that is rolled back; record what went wrong."""
    try:
        with transaction.atomic():
            before = snapshot(tables)
            response = client.post(url, data)
            body = response.content.decode(errors="replace")
            wrote = snapshot(tables) != before
            landing = client.get(response["Location"]) if response.status_code == 302 else None
            transaction.set_rollback(True)
    except Exception as error:  # a 500: the test client re-raises the view's exception
        failures.append(f"{context}: raised {type(error).__name__}: {error}")
        return
    if SCRIPT in body:
        failures.append(f"{context}: the script tag was rendered unescaped")
    if response.status_code not in ANSWERS:
        failures.append(f"{context}: answered {response.status_code}")
    if landing is not None and SCRIPT in landing.content.decode(errors="replace"):
        failures.append(f"{context}: the script tag was rendered unescaped after the redirect")
    told = response.status_code >= 400 or ERROR_MARK in body
    if told and wrote:
        failures.append(f"{context}: refused ({response.status_code}) but rows were written")


def test_every_form_on_every_page_survives_bad_input(world):  # noqa: F811
    people, objects = world
    tables = watched_tables()
    pages = pages_with_forms(world)
    # The walk must find the forms of every app, or it proves nothing.
    assert {name.split(":")[0] for name, *_ in pages} >= {"licensing", "inspections", "labs", "portal"}, pages
    foreign = foreign_ids(objects)
    bad_values = {**BAD_VALUES, "another county's id": foreign[0] if foreign else "999999"}
    failures: list[str] = []
    tried = 0
    for name, persona, url, forms in pages:
        client = Client()
        if people[persona] is not None:
            client.force_login(people[persona])
        for number, form in enumerate(forms):
            target = urljoin(url, form.action) if form.action else url
            for field_name in form.typed:
                for label, bad in bad_values.items():
                    context = f"{name} form {number} ({target}) as {persona}: {field_name} = {label}"
                    post_checked(client, target, {**form.fields, field_name: bad}, tables, context, failures)
                    tried += 1
    assert tried > 0
    assert not failures, f"\n{len(failures)} of {tried} posts went wrong:\n" + "\n".join(failures)
