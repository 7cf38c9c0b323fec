"""Every demo login opens its home page and every page linked from it without a server error
(and with a text-only title),
and the provincial station's chief is the one demo user who may revise the standards tables."""

import re

from django.core.management import call_command
from django.urls import reverse

from labs.models import QualityStandard
from seedreg.demo.platform import DEMO_USERS

LINK = re.compile(r'href="(/[^"#]*)"')
# Links that leave the pages a signed-in user works in, or end the session.
NOT_WALKED = ("/static/", "/media/", "/admin/", "/accounts/logout", "/i18n/")


def linked_pages(html: str) -> list[str]:
    return sorted({url.replace("&amp;", "&") for url in LINK.findall(html) if not url.startswith(NOT_WALKED)})


def test_every_demo_login_opens_its_pages_and_only_the_provincial_chief_revises_standards(db, client):
    call_command("load_demo")  # once: loading the demo county is the expensive part
    walked, failures = {}, []
    for username in [row[0] for row in DEMO_USERS]:
        client.logout()
        assert client.login(username=username, password="seedreg-demo")
        home = client.get("/", follow=True)
        assert home.status_code == 200, username
        pages = linked_pages(home.content.decode())
        walked[username] = len(pages)
        for url in pages:
            response = client.get(url)
            if response.status_code >= 500:
                failures.append((username, url, response.status_code))
            elif "<title>" in (html := response.content.decode()) and "<" in html.split("<title>")[1].split("</title>")[0]:
                failures.append((username, url, "markup in <title>"))  # a block left open swallows the page
    assert failures == []
    assert all(walked.values()), walked  # every home page links somewhere

    row = QualityStandard.objects.in_force().first()
    revise = reverse("labs:standard_revise", args=[row.pk])
    client.logout()
    client.login(username="zhanzhang", password="seedreg-demo")
    assert revise not in client.get(reverse("labs:standards")).content.decode()
    assert client.get(revise).status_code == 403
    client.logout()
    client.login(username="shengzhan", password="seedreg-demo")
    assert revise in client.get(reverse("labs:standards")).content.decode()
    assert client.get(revise).status_code == 200
