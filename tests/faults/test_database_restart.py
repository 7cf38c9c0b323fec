"""The database restarting under load: requests fail cleanly (503 with a Chinese message, as a
page or as JSON, never a 500 traceback) and succeed again once it is back.

What is done to PostgreSQL (the server is shared, so it is not restarted): the test database is
closed to new connections (``ALTER DATABASE … ALLOW_CONNECTIONS false``, what a restarting
server answers too) and every open connection to it is terminated (``pg_terminate_backend``),
while request threads keep asking for pages; then connections are allowed again."""

import json
import threading
import urllib.error
import urllib.request

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.helpers import wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CHINESE_MESSAGE = "数据库正在重启或暂时不可用"


@pytest.fixture
def database_admin():
    """A connection to the server's maintenance database, to close and reopen ours."""
    if connection.vendor != "postgresql":
        pytest.skip("terminating backends needs PostgreSQL (set DATABASE_URL=postgres://…)")
    s = connection.settings_dict
    admin = psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                            password=s["PASSWORD"] or None, dbname="postgres", autocommit=True)
    name = s["NAME"]

    class Admin:
        def close_database(self):
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])

        def open_database(self):
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')

    try:
        yield Admin()
    finally:
        Admin().open_database()
        admin.close()
        connection.close()  # ours was terminated: reconnect for the flush after the test


def get(url, session=None, accept="text/html"):
    """One HTTP request to the live server; returns (status, body, headers)."""
    headers = {"Accept": accept}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


@pytest.fixture
def clerk_session(clerk):
    client = Client()
    client.force_login(clerk)
    return client.cookies["sessionid"].value


def test_a_page_and_a_json_call_answer_503_in_chinese_while_the_database_is_away(database_admin, live_server,
                                                                               clerk_session):
    url = live_server.url + reverse("licensing:business_list")
    assert get(url, clerk_session)[0] == 200

    database_admin.close_database()
    page = get(url, clerk_session)
    as_json = get(url, clerk_session, accept="application/json")
    database_admin.open_database()

    assert page[0] == 503 and page[2]["Retry-After"]
    assert CHINESE_MESSAGE in page[1].decode()
    assert as_json[0] == 503 and json.loads(as_json[1])["code"] == "database_unavailable"
    assert CHINESE_MESSAGE in json.loads(as_json[1])["message"]
    assert get(url, clerk_session)[0] == 200  # the same session works again


def test_under_load_requests_fail_cleanly_and_succeed_after(database_admin, live_server, clerk_session):
    pages = [reverse("licensing:business_list"), reverse("notifications:inbox"), reverse("portal:verify_search")]
    results: list[tuple[int, bytes]] = []
    stop = threading.Event()

    def hammer(path):
        while not stop.is_set():
            status, body, _headers = get(live_server.url + path, clerk_session)
            results.append((status, body))

    threads = [threading.Thread(target=hammer, args=(path,), daemon=True) for path in pages]
    for thread in threads:
        thread.start()
    try:
        assert wait_for(lambda: len(results) >= 6)
        database_admin.close_database()
        assert wait_for(lambda: sum(status == 503 for status, _ in results) >= 6)
        database_admin.open_database()
        back = len(results)
        assert wait_for(lambda: sum(status == 200 for status, _ in results[back:]) >= 6)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    statuses = {status for status, _ in results}
    assert statuses == {200, 503}, statuses  # never a 500
    assert all(CHINESE_MESSAGE in body.decode() for status, body in results if status == 503)
