"""The "my tasks" download is kept whole (mobile_api.download_cache) and the token looked up
once per process (mobile_api.auth): a repeat costs no SQL, and any change it shows is there on the next download, on
the tests' local-memory cache and on Redis (production's cache, with its own round trip)."""

import datetime
import gzip

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections import services as inspections
from licensing import services
from mobile_api.download_cache import _near
from seedreg.accounts.roles import Role
from seedreg.regulated import service_context
from seedreg.sync.versions import VERSION_KEY, county_version_key
from tests.factories import CHAOYANG_COUNTY, JIANPING, make_user
from tests.mobile_api.conftest import Phone, login
from tests.mobile_api.test_lots import days_ago, stop_sale
from tests.mobile_api.test_tasks import make_tasks


@pytest.fixture
def pair_tasks(clerk, shops, directory, inspector, inspector2):
    return make_tasks(clerk, shops[:2], [inspector, inspector2])


def test_a_repeated_download_is_served_whole_without_sql(phone, pair_tasks, shared_cache,
                                                        django_assert_num_queries):
    first = phone.get("/tasks")
    with django_assert_num_queries(0):  # the token and the answer are kept, both checked against versions
        again = phone.get("/tasks")
    assert again.status_code == 200 and again["Content-Type"].startswith("application/json")
    assert again.content == first.content
    _near.clear()  # another worker process: the shared cache has it
    with django_assert_num_queries(0):
        assert phone.get("/tasks").content == first.content


def test_the_window_and_the_user_are_part_of_the_key(phone, clerk, shops, directory, inspector, inspector2,
                                                     inspector3, shared_cache):
    make_tasks(clerk, shops[:1], [inspector, inspector2], planned_in_days=10)
    assert phone.get("/tasks", {"days": 3}).json()["tasks"] == []
    assert len(phone.get("/tasks", {"days": 10}).json()["tasks"]) == 1
    assert phone.get("/tasks", {"days": 3}).json()["tasks"] == []
    assert Phone(login(inspector3)).get("/tasks", {"days": 10}).json()["tasks"] == []


@pytest.mark.parametrize("committed", [True, False], ids=["after-commit", "inside-the-writing-transaction"])
def test_every_change_the_download_shows_is_there_on_the_next_download(
        phone, pair_tasks, clerk, chief, shop, shop_dealer, lot, seed_producer, inspector, inspector2, inspector3,
        shared_cache, committed, django_capture_on_commit_callbacks):
    def change(write):
        if committed:
            with django_capture_on_commit_callbacks(execute=True):
                write()
        else:  # the test's transaction never commits: only the bump made at once is seen
            write()
        return phone.get("/tasks").json()

    def of_shop(body):
        return next(t for t in body["tasks"] if t["business"]["id"] == shop.pk)

    phone.get("/tasks")
    # A new task for the pair.
    body = change(lambda: make_tasks(clerk, [shop], [inspector, inspector2]))
    assert len(body["tasks"]) == 3
    # Stock bought by a shop the pair will visit (stock is not in the change feed).
    body = change(lambda: services.record_purchase(actor=shop_dealer, business=shop, lot=lot, quantity_kg="120",
                                                   occurred_on=days_ago(2), supplier_outside=seed_producer))
    held = of_shop(body)["lots_held"]
    assert [(h["lot_id"], h["quantity_kg"], h["under_stop_sale"]) for h in held] == [(lot.pk, 120.0, False)]
    # A stop-sale order on that lot.
    body = change(lambda: stop_sale(clerk, chief, lot))
    assert [h["lot_id"] for h in of_shop(body)["stop_sale_lots"]] == [lot.pk]
    # The shop's address corrected in the directory.
    body = change(lambda: services.update_business(shop, actor=clerk, address="建平镇新华路88号"))
    assert of_shop(body)["business"]["address"] == "建平镇新华路88号"
    # A task given to another pair.
    body = change(lambda: inspections.reassign_task(pair_tasks[1], actor=clerk, inspectors=[inspector2, inspector3],
                                                    reason="回避"))
    assert pair_tasks[1].pk not in [t["id"] for t in body["tasks"]]


@pytest.mark.parametrize("lost", [VERSION_KEY, county_version_key(JIANPING)], ids=["global", "county"])
def test_a_lost_version_never_serves_an_old_download(phone, pair_tasks, clerk, inspector, inspector2, shops,
                                                     shared_cache, lost):
    phone.get("/tasks")
    make_tasks(clerk, shops[2:3], [inspector, inspector2])
    cache.delete(lost)  # evicted from a full cache, or the cache restarted
    assert len(phone.get("/tasks").json()["tasks"]) == 3


def test_the_query_count_does_not_grow_with_the_number_of_tasks_cached_or_not(
        phone, clerk, shops, directory, inspector, inspector2):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts():
        cache.delete(VERSION_KEY)  # a miss: the whole download is computed
        with CaptureQueriesContext(connection) as computed:
            size = len(phone.get("/tasks").json()["tasks"])
        with CaptureQueriesContext(connection) as repeated:
            assert len(phone.get("/tasks").json()["tasks"]) == size
        return size, len(computed), len(repeated)

    make_tasks(clerk, shops[:1], [inspector, inspector2])
    phone.get("/tasks")  # reserves the serial blocks
    one = counts()
    make_tasks(clerk, shops[1:], [inspector, inspector2])
    five = counts()
    assert (one[0], five[0]) == (1, 5)
    assert one[1] == five[1] and one[2] == five[2] == 0


def test_the_cache_can_be_turned_off(phone, pair_tasks, settings):
    from inspections.models import Task
    from seedreg.regulated import service_context

    settings.MOBILE_DOWNLOAD_CACHE_SECONDS = 0
    assert len(phone.get("/tasks").json()["tasks"]) == 2
    with service_context():  # a raw update, no signal: only an uncached download sees it
        Task.objects.filter(pk=pair_tasks[0].pk).update(planned_on=timezone.localdate() + datetime.timedelta(days=30))
    assert len(phone.get("/tasks").json()["tasks"]) == 1


@pytest.mark.parametrize("cut_off", ["revoked", "disabled", "enforcement_id_withdrawn"])
def test_a_kept_token_is_refused_at_once_when_revoked_or_its_holder_changes(phone, pair_tasks, inspector, chief,
                                                                           shared_cache, cut_off):
    from mobile_api.models import DeviceToken
    from mobile_api.services import revoke_device_token
    from seedreg.regulated import service_context

    assert phone.get("/tasks").status_code == 200
    assert phone.get("/me").status_code == 200  # the token is kept by this process now
    if cut_off == "revoked":
        revoke_device_token(actor=chief, token=DeviceToken.objects.get(user=inspector), reason="手机遗失")
    else:
        with service_context():
            if cut_off == "disabled":
                inspector.is_active = False
            else:
                inspector.enforcement_id = ""
            inspector.save()
    assert phone.get("/tasks").status_code == 401
    assert phone.get("/me").status_code == 401


def test_the_first_download_reserves_the_serial_blocks_and_is_computed_once(phone, pair_tasks, shared_cache,
                                                                           django_assert_num_queries):
    with CaptureQueriesContext(connection) as first_queries:
        first = phone.get("/tasks")
    assert {b["doc_type"] for b in first.json()["serial_blocks"]} == {"visit_record", "sampling_form",
                                                                      "rectification_order"}
    assert len(first_queries) > 0
    # The reservation bumped the county's version before the answer was kept under it.
    with django_assert_num_queries(0):
        assert phone.get("/tasks").content == first.content


def test_a_phone_that_accepts_gzip_gets_the_same_download_gzipped(phone, pair_tasks, shared_cache,
                                                                 django_assert_num_queries):
    plain = phone.get("/tasks")
    with django_assert_num_queries(0):
        packed = phone.get("/tasks", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content and len(packed.content) < len(plain.content) / 3
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]


@pytest.fixture
def chaoyang_phone(outsider, outside_inspector, far_shop):
    """朝阳县's pair with a task at a 朝阳县 shop; the phone of the first of them."""
    partner = make_user(Role.INSPECTOR, CHAOYANG_COUNTY, full_name="外县执法二", enforcement_id="辽农执211321912")
    for person in (outside_inspector, partner):
        inspections.save_inspector_profile(person, actor=outsider)
    make_tasks(outsider, [far_shop], [outside_inspector, partner])
    return Phone(login(outside_inspector, device_id="chaoyang-phone"))


def _address_of(phone, business):
    return next(t["business"]["address"] for t in phone.get("/tasks").json()["tasks"] if t["business"]["id"] == business.pk)


@pytest.mark.parametrize("committed", [True, False], ids=["after-commit", "inside-the-writing-transaction"])
def test_a_write_in_one_county_refreshes_its_downloads_and_leaves_the_other_countys_valid(
        phone, pair_tasks, shops, clerk, chaoyang_phone, far_shop, outsider, shared_cache, committed,
        django_assert_num_queries, django_capture_on_commit_callbacks):
    def write(business, actor, address):
        if committed:
            with django_capture_on_commit_callbacks(execute=True):
                services.update_business(business, actor=actor, address=address)
        else:
            services.update_business(business, actor=actor, address=address)

    jianping, chaoyang = phone.get("/tasks"), chaoyang_phone.get("/tasks")
    write(shops[0], clerk, "建平镇新华路88号")
    with django_assert_num_queries(0):  # 朝阳县's download is still the kept one
        assert chaoyang_phone.get("/tasks").content == chaoyang.content
    assert _address_of(phone, shops[0]) == "建平镇新华路88号"

    jianping = phone.get("/tasks")
    write(far_shop, outsider, "波罗赤镇1号")
    with django_assert_num_queries(0):
        assert phone.get("/tasks").content == jianping.content
    assert _address_of(chaoyang_phone, far_shop) == "波罗赤镇1号"


def test_a_change_to_the_reference_tables_refreshes_every_countys_download(phone, pair_tasks, chaoyang_phone,
                                                                          shared_cache):
    from inspections.models import ChecklistItem

    phone.get("/tasks"), chaoyang_phone.get("/tasks")
    item = ChecklistItem.objects.filter(active=True).order_by("code").first()
    item.text = "核对种子标签（新）"
    item.save()
    for each in (phone, chaoyang_phone):
        texts = {i["code"]: i["text"] for i in each.get("/tasks").json()["checklist_items"]}
        assert texts[item.code] == "核对种子标签（新）"


def test_a_person_moved_to_another_county_leaves_no_stale_name_in_the_old_countys_downloads(
        phone, pair_tasks, inspector2, chaoyang_phone, shared_cache):
    def partner_names(body):
        return {p["name"] for t in body["tasks"] for p in t["inspectors"]}

    assert "刘执法" in partner_names(phone.get("/tasks").json())
    with service_context():  # renamed and moved in one save: only the old county shows the name
        inspector2.full_name = "刘新名"
        inspector2.region_id = CHAOYANG_COUNTY
        inspector2.save()
    assert "刘新名" in partner_names(phone.get("/tasks").json())


def test_a_shop_renamed_refreshes_every_countys_download_and_other_changes_only_its_own(
        phone, pair_tasks, chaoyang_phone, far_shop, outsider, shared_cache, django_assert_num_queries):
    # A business's name is shown in other counties' downloads too (the producer of a lot held
    # there, the principal of a filing): renaming it bumps every county; its address does not.
    kept = phone.get("/tasks")
    services.update_business(far_shop, actor=outsider, address="波罗赤镇2号")
    with django_assert_num_queries(0):
        assert phone.get("/tasks").content == kept.content
    services.update_business(far_shop, actor=outsider, name="朝阳县波罗赤种业有限公司")
    with CaptureQueriesContext(connection) as recomputed:
        assert phone.get("/tasks").status_code == 200
    assert len(recomputed) > 0
