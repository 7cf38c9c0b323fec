"""The station's own pages in English: a clerk who chooses English through the language switch
reads the directory, its forms, a business and the inbox in English, with none of the Chinese
labels those pages wrap left behind (names and numbers typed in Chinese stay as they are)."""

import re

import pytest
from django.urls import reverse

from seedreg.notifications.services import notify
from tests.factories import PASSWORD

from .test_pages import dealer  # noqa: F401  (the shop's dealer account)

CJK = re.compile(r"[\u4e00-\u9fff]")


def english_client(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: no scripts, styles or tags."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def chinese_left(html: str, allowed: list[str]) -> list[str]:
    """Runs of Chinese left in the page once the record data it shows is taken out."""
    text = visible_text(html)
    # The language switch names Chinese in Chinese.
    for value in sorted([v for v in allowed if v] + ["中文"], key=len, reverse=True):
        text = text.replace(value, " ")
    return [run for run in re.findall(r"[\u4e00-\u9fff][^\sA-Za-z0-9<>]*", text) if CJK.search(run)]


@pytest.mark.django_db
def test_the_business_list_reads_in_english(client, clerk, shop):
    response = english_client(client, clerk).get(reverse("licensing:business_list"))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ["Business directory", "Register a business", "Name/credit code/licence number", "Latest document check",
                  "Never checked", "Bulk import", "Outside parties"]:
        assert label in html, label
    assert ">名称<" not in html and "经营主体名录" not in html and "从未检查" not in html
    # The shop's name, address and the region names are data, not labels.
    assert chinese_left(html, [shop.name, clerk.display_name, clerk.unit or "", str(clerk.region or "")]) == []


@pytest.mark.django_db
def test_the_business_form_labels_and_buttons_read_in_english(client, clerk):
    html = english_client(client, clerk).get(reverse("licensing:business_create")).content.decode()
    assert "Register a business" in html and ">Save</button>" in html and ">Back</a>" in html
    assert "保存" not in html and "返回" not in html and "登记经营主体" not in html


@pytest.mark.django_db
def test_a_business_page_reads_in_english(client, clerk, shop):
    html = english_client(client, clerk).get(reverse("licensing:business_detail", args=[shop.pk])).content.decode()
    for label in ["Record a filing", "Open a dealer account", "Change history", "Dealer accounts", "Not opened yet"]:
        assert label in html, label
    for chinese in ["录入备案", "开通经营者账号", "变更记录", "尚未开通", "从未检查"]:
        assert chinese not in html, chinese


@pytest.mark.django_db
def test_the_inbox_reads_in_english_while_the_notice_keeps_its_text(client, clerk):
    notify([clerk], key="i18n-test", title="许可证将于7天后到期", body="请及时办理延续。")
    html = english_client(client, clerk).get(reverse("notifications:inbox")).content.decode()
    for label in ["Notifications", "1 unread", "Mark all as read", "Mark as read"]:
        assert label in html, label
    assert "全部标为已读" not in html and "条未读" not in html
    # A stored notice is shown as it was written.
    assert "许可证将于7天后到期" in html
    assert chinese_left(html, ["许可证将于7天后到期", "请及时办理延续。", clerk.display_name, clerk.unit or "",
                               str(clerk.region or "")]) == []


@pytest.mark.django_db
def test_chinese_stays_the_default(client, clerk, shop):
    assert client.login(username=clerk.username, password=PASSWORD)
    html = client.get(reverse("licensing:business_list")).content.decode()
    assert "经营主体名录" in html and "Business directory" not in html


@pytest.mark.django_db
def test_the_dealers_ledger_reads_in_english(client, dealer):  # noqa: F811  (the fixture imported above)
    html = english_client(client, dealer).get(reverse("portal:dealer_ledger")).content.decode()
    for label in ["My ledger", "Record a sale", "Recent records", "No records yet", "Export"]:
        assert label in html, label
    assert "最近记录" not in html and "暂无记录" not in html and "我的台账" not in html
