"""Rate limits cannot be dodged by a forged X-Forwarded-For: the client address is the one the
trusted proxies saw (PROXY_COUNT of them), never a header the client wrote itself."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD


def forged(n):
    return {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n}", "REMOTE_ADDR": "10.0.0.9"}


def test_login_lockout_ignores_a_forged_forwarded_for_without_a_proxy(client, clerk, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        client.post("/accounts/login/", {"username": clerk.username, "password": "wrong"}, **forged(n))
    locked = client.post("/accounts/login/", {"username": clerk.username, "password": PASSWORD}, **forged(99))
    assert locked.status_code == 429


def test_login_lockout_counts_the_address_the_proxy_saw(client, clerk, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_IPWARE_PROXY_COUNT = 1
    # nginx appends the address it saw to whatever the client sent: the last entry is real.
    for n in range(3):
        client.post("/accounts/login/", {"username": clerk.username, "password": "wrong"},
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    locked = client.post("/accounts/login/", {"username": clerk.username, "password": PASSWORD},
                         HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    assert locked.status_code == 429


@pytest.mark.django_db
def test_public_search_limit_ignores_a_forged_forwarded_for(client, settings):
    settings.PUBLIC_SEARCH_RATE_PER_MINUTE = 5
    statuses = [client.get(reverse("portal:verify_search"), {"q": "丰禾"}, **forged(n)).status_code for n in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429


@pytest.mark.django_db
def test_public_search_limit_counts_the_address_the_proxy_saw(client, settings):
    settings.PUBLIC_SEARCH_RATE_PER_MINUTE = 5
    settings.PROXY_COUNT = 1
    statuses = [client.get(reverse("portal:verify_search"), {"q": "丰禾"},
                           HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7", REMOTE_ADDR="127.0.0.1").status_code
                for n in range(7)]
    assert statuses[-1] == 429
    other = client.get(reverse("portal:verify_search"), {"q": "丰禾"},
                       HTTP_X_FORWARDED_FOR="203.0.113.8", REMOTE_ADDR="127.0.0.1")
    assert other.status_code == 200  # another client behind the same proxy is not limited
