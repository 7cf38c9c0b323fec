"""The licensing part of the demo county: varieties a northern county sells, licences of every
class, filings of every type, licences expiring soon, one expired, one revoked, a dealer login;
seed lots and a season of ledgers (``build_ledgers``)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from .models import (
    Business,
    BusinessKind,
    Crop,
    EntityType,
    LotVerdict,
    OutsideParty,
    RiceSubspecies,
    SeedLot,
    SeedType,
    Variety,
)
from .validators import ID_CHECK, ID_WEIGHTS, uscc_check_character

DEALER_PHONE = "13904210001"

# name, crop code, seed type, approval or registration number, approved region codes
VARIETIES = [
    ("郑单958", "maize", SeedType.SINGLE_CROSS, "国审玉20000009", []),
    ("先玉335", "maize", SeedType.SINGLE_CROSS, "国审玉2006026", []),
    ("京科968", "maize", SeedType.SINGLE_CROSS, "国审玉2011007", []),
    ("良玉99", "maize", SeedType.SINGLE_CROSS, "国审玉2012003", []),
    ("东单6531", "maize", SeedType.SINGLE_CROSS, "辽审玉20160021", ["21"]),
    ("丹玉405", "maize", SeedType.SINGLE_CROSS, "辽审玉20190046", ["21"]),
    ("吉单27", "maize", SeedType.SINGLE_CROSS, "吉审玉2003001", ["22"]),  # approved in Jilin only: flagged here
    ("沈稻529", "rice", SeedType.CONVENTIONAL, "辽审稻20170005", ["21"]),
    ("辽豆15", "soybean", SeedType.CONVENTIONAL, "辽审豆2006003", ["21"]),
    ("铁丰31", "soybean", SeedType.CONVENTIONAL, "辽审豆20140002", ["21"]),
    ("辽杂19", "sorghum", SeedType.HYBRID, "GPD高粱(2018)210013", []),
    ("朝谷58", "foxtail_millet", SeedType.CONVENTIONAL, "GPD谷子(2018)210022", []),
    ("SH361", "sunflower", SeedType.HYBRID, "GPD向日葵(2017)110036", []),
    ("四单19", "maize", SeedType.SINGLE_CROSS, "吉审玉1990002", ["22"]),
]
WITHDRAWN = {"四单19": datetime.date(2024, 6, 1)}

TOWNSHIPS = ["211322001", "211322002", "211322101", "211322102", "211322103", "211322105", "211322110",
             "211322112", "211322114", "211322115"]


def credit_code(prefix: str, serial: int) -> str:
    """A valid credit code for demo data (check character by GB 32100)."""
    body = f"{prefix}{serial:09d}"[:17]
    body = body.replace("I", "J").replace("O", "P").replace("S", "T").replace("V", "W").replace("Z", "Y")
    return body + uscc_check_character(body)


def resident_id(region: str, born: datetime.date, serial: int) -> str:
    body = f"{region}{born:%Y%m%d}{serial:03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def build_licensing(ctx):
    from seedreg.accounts.models import User

    from . import services

    clerk, chief = ctx.users["keyuan"], ctx.users["zhanzhang"]
    today = timezone.localdate()
    crops = {c.code: c for c in Crop.objects.all()}
    varieties = {}
    for name, crop_code, seed_type, number, regions in VARIETIES:
        existing = Variety.objects.filter(crop=crops[crop_code], name=name).first()
        if existing is None:
            number_field = "registration_number" if number.startswith("GPD") else "approval_number"
            existing = services.register_variety(
                actor=clerk, crop=crops[crop_code], name=name, seed_type=seed_type, approved_region_codes=regions,
                rice_subspecies=RiceSubspecies.JAPONICA if crop_code == "rice" else "", **{number_field: number},
                approved_regions_text="辽宁省适宜区域" if regions == ["21"] else "")
        if name in WITHDRAWN and existing.withdrawn_on is None:
            services.withdraw_variety(existing, actor=clerk, withdrawn_on=WITHDRAWN[name], note="农业农村部公告退出")
        varieties[name] = existing
    if Business.objects.filter(region_code__startswith="211322").exists():
        ctx.extras["varieties"] = varieties
        return
    rng = random.Random(211322)

    def place(i):
        return dict(latitude=Decimal("41.40") + Decimal(rng.randint(-900, 900)) / 10000,
                    longitude=Decimal("119.64") + Decimal(rng.randint(-1500, 1500)) / 10000,
                    coordinate_system="wgs84")

    # Outside producers whose seed comes into the county.
    dongya = services.register_outside_party(actor=clerk, name="辽宁东亚种业有限公司",
                                             credit_code=credit_code("91210100", 117801),
                                             licence_number="A(辽)农种许字(2016)第0008号", home_region_code="2101",
                                             home_region_text="辽宁省沈阳市")
    denghai = services.register_outside_party(actor=clerk, name="山东登海种业股份有限公司",
                                              credit_code=credit_code("91370600", 265512),
                                              licence_number="A(鲁)农种许字(2017)第0002号", home_region_code="3706",
                                              home_region_text="山东省烟台市")

    def business(i, name, kind, entity=EntityType.ENTERPRISE, **extra):
        code_prefix = {EntityType.ENTERPRISE: "91211322", EntityType.INDIVIDUAL_BUSINESS: "92211322",
                       EntityType.COOPERATIVE: "93211322"}.get(entity)
        return services.register_business(
            actor=clerk, name=name, kind=kind, entity_type=entity, region_code=TOWNSHIPS[i % len(TOWNSHIPS)],
            credit_code=credit_code(code_prefix, 500 + i) if code_prefix else None,
            legal_representative=extra.pop("legal", "王建"), contact_phone=f"1390421{1000 + i:04d}",
            address=f"建平县{extra.pop('street', '叶柏寿街道')}{i + 1}号", **place(i), **extra)

    def licence(b, cls, seq, year, crop_codes, *, expires_in_days, issued_years_ago=4, authority="辽朝建", vars_=()):
        expires = today + datetime.timedelta(days=expires_in_days)
        issued = expires.replace(year=expires.year - 5) if expires_in_days > 0 else today.replace(
            year=today.year - issued_years_ago)
        if expires <= issued:
            issued = expires - datetime.timedelta(days=5 * 365)
        return services.issue_seed_licence(
            b, actor=clerk, number=f"{cls}({authority})农种许字({year})第{seq}号", issued_on=issued, expires_on=expires,
            crops=[crops[c] for c in crop_codes], varieties=[varieties[v] for v in vars_],
            issuing_organ={"辽": "辽宁省农业农村厅", "辽朝": "朝阳市农业农村局"}.get(authority, "建平县农业农村局"),
            scope_text="、".join(crops[c].name for c in crop_codes), valid_region="辽宁省")

    created = []
    # Licence holders: every class.
    a = business(0, "建平县金穗种业有限公司", BusinessKind.PRODUCER, legal="李金穗")
    licence(a, "A", "0003", 2018, ["maize", "soybean"], authority="辽", expires_in_days=700,
            vars_=["东单6531", "丹玉405"])
    b = business(1, "建平县丰禾种业有限公司", BusinessKind.PRODUCER, legal="张丰禾")
    licence(b, "B", "0012", 2019, ["maize"], authority="辽朝", expires_in_days=21, vars_=["郑单958", "先玉335"])
    c = business(2, "建平县北方农资有限公司", BusinessKind.WHOLESALER, legal="刘北方")
    licence(c, "C", "0021", 2020, ["soybean", "rice"], authority="辽朝", expires_in_days=6, vars_=["辽豆15", "沈稻529"])
    d = business(3, "建平县绿野种苗有限公司", BusinessKind.WHOLESALER, legal="赵绿野")
    licence(d, "D", "0005", 2021, ["sorghum", "foxtail_millet", "sunflower"], expires_in_days=1200)
    e = business(4, "建平县兴农种子有限公司", BusinessKind.PRODUCER, legal="孙兴农")
    licence(e, "D", "0002", 2015, ["sunflower"], expires_in_days=-20, issued_years_ago=5)  # expired
    f = business(5, "建平县利民种业有限公司", BusinessKind.PRODUCER, legal="周利民")
    revoked = licence(f, "C", "0009", 2019, ["maize"], authority="辽朝", expires_in_days=400)
    services.change_licence_status(revoked, actor=chief, kind="revoked", effective_on=today - datetime.timedelta(days=30),
                                   reason="以假种子冒充真种子销售，依法吊销", decision_number="建农（种）罚〔2026〕3号")
    created += [a, b, c, d, e, f]

    # Filers: every filing type.
    g = business(6, "建平县金穗种业有限公司沙海分公司", BusinessKind.BRANCH, principal=a, legal="李分", street="沙海镇")
    services.record_filing(g, actor=clerk, filing_type="branch", principal_business=a,
                           principal_licence_number="A(辽)农种许字(2018)第0003号", sale_location=g.address,
                           filed_on=today - datetime.timedelta(days=200), event_on=today - datetime.timedelta(days=210),
                           items=[(varieties["东单6531"], 5000)])
    h = business(7, "建平县丰收种子门市部", BusinessKind.PACKAGED_SELLER, EntityType.INDIVIDUAL_BUSINESS,
                 legal="王丰收", street="建平镇")
    filing = services.record_filing(h, actor=clerk, filing_type="packaged_seller", principal_outside=dongya,
                                    principal_licence_number=dongya.licence_number, sale_location=h.address,
                                    filed_on=today - datetime.timedelta(days=60),
                                    event_on=today - datetime.timedelta(days=55),
                                    items=[(varieties["郑单958"], 2000), (varieties["吉单27"], 300)], on_paper=True)
    services.issue_filing_receipt(filing, actor=clerk)
    i = business(8, "建平县惠农农资经销处", BusinessKind.CONSIGNMENT, EntityType.INDIVIDUAL_BUSINESS, legal="陈惠农",
                 street="黑水镇")
    services.record_filing(i, actor=clerk, filing_type="consignment", principal_outside=denghai,
                           principal_licence_number=denghai.licence_number, sale_location=i.address,
                           filed_on=today - datetime.timedelta(days=20), event_on=today - datetime.timedelta(days=30),
                           items=[(varieties["良玉99"], 800)])  # filed after it began selling: late
    j = business(9, "建平县惠民玉米种植专业合作社", BusinessKind.ENTRUSTED_PRODUCER, EntityType.COOPERATIVE,
                 legal="吴惠民", street="老官地镇")
    services.record_filing(j, actor=clerk, filing_type="entrusted_production", principal_business=b,
                           principal_licence_number="B(辽朝)农种许字(2019)第0012号", sale_location="老官地镇制种基地",
                           filed_on=today - datetime.timedelta(days=150), event_on=today - datetime.timedelta(days=140),
                           items=[(varieties["郑单958"], 60000)])
    k = services.register_business(actor=clerk, name="张德福（流动商贩）", kind=BusinessKind.INDIVIDUAL,
                                   entity_type=EntityType.NATURAL_PERSON, region_code="211322110",
                                   id_number=resident_id("211322", datetime.date(1968, 4, 12), 31),
                                   address="老官地镇集市", contact_phone="13904219999")
    created += [g, h, i, j, k]

    for bz in (a, b, h):
        services.record_document_check(bz, actor=ctx.users["zhifa1"], displayed=True, current=True,
                                       matches_record=True, checked_at=timezone.now() - datetime.timedelta(days=40))
    services.record_document_check(i, actor=ctx.users["zhifa2"], displayed=False, current=True, matches_record=True,
                                   notes="备案回执未在店内公示，已当场责令改正")

    if not User.objects.filter(username=DEALER_PHONE).exists():
        user, _password = services.create_dealer_user(h, actor=clerk, phone=DEALER_PHONE, full_name="王丰收",
                                                      delivery="slip")
        user.set_password("seedreg-demo")
        user.save(update_fields=["password"])
        ctx.users["dealer"] = user
    ctx.extras.update(varieties=varieties, businesses=created)
    ctx.extras.setdefault("logins", []).append(f"{DEALER_PHONE} 王丰收 · 经营者（建平县丰收种子门市部）")
    ctx.say(f"  经营主体 {len(created)} 家，品种 {len(varieties)} 个；经营者登录：{DEALER_PHONE} / seedreg-demo")


# --- ledgers --------------------------------------------------------------------------------------
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["建国", "秀英", "玉兰", "志强", "春生", "桂芝", "永福", "海燕", "德明", "淑珍", "长山", "凤霞", "宝田", "金花"]
SHOP_TOWNS = ["叶柏寿街道", "万寿街道", "朱碌科镇", "建平镇", "黑水镇", "沙海镇", "老官地镇", "奎德素镇", "热水汤街道",
              "哈拉道口镇", "青峰山镇", "马场镇"]
LEDGER_DAYS = 60  # a spring season's worth of entries


def build_ledgers(ctx):
    """Lots and a season of maize ledger entries: one 郑单958 lot spreads through the wholesaler
    北方农资 to a dozen shops and from them to a few hundred farmers; a local producer's own lot;
    an inspector's count that disagrees with a ledger; a lot under an issued stop-sale order."""
    from . import services

    clerk, chief = ctx.users["keyuan"], ctx.users["zhanzhang"]
    today = timezone.localdate()
    names = {b.name: b for b in Business.objects.filter(region_code__startswith="211322")}
    wholesaler, producer = names.get("建平县北方农资有限公司"), names.get("建平县金穗种业有限公司")
    if wholesaler is None or producer is None or SeedLot.objects.exists():
        return  # the directory demo is not there, or the ledgers were built already
    # The demo county lets dealers back-date a season so the demo ledger can show one.
    ctx.station.settings = {**(ctx.station.settings or {}), "ledger_backdate_days": LEDGER_DAYS + 5}
    ctx.station.save(update_fields=["settings"])
    rng = random.Random(958)
    dongya = OutsideParty.objects.get(name="辽宁东亚种业有限公司")
    denghai = OutsideParty.objects.get(name="山东登海种业股份有限公司")
    zd958, xy335, dd6531 = (Variety.objects.get(name=n) for n in ("郑单958", "先玉335", "东单6531"))

    def day(n):
        return today - datetime.timedelta(days=n)

    spreading = services.register_seed_lot(
        actor=clerk, variety=zd958, lot_number="DY2026-0318", producer_outside=dongya, purity="96.0", cleanliness="99.0",
        germination="85", moisture="13.0", net_content_kg="20", production_date=day(200), test_date=day(150),
        guarantee_months=12, quarantine_cert_number="21010020260003180", certificate_number="DYHG2026-0318")
    stopped = services.register_seed_lot(
        actor=clerk, variety=xy335, lot_number="DH2026-0077", producer_outside=denghai, purity="97.0",
        germination="90", moisture="13.0", net_content_kg="10", certificate_number="DHHG2026-0077")
    own = services.register_seed_lot(actor=clerk, variety=dd6531, lot_number="JS2026-01", producer=producer,
                                     purity="96.0", germination="85", net_content_kg="20",
                                     certificate_number="JSHG2026-01", quarantine_cert_number="2113222026000101")

    shops = [names[n] for n in ("建平县丰收种子门市部", "建平县惠农农资经销处") if n in names]
    for i, town in enumerate(SHOP_TOWNS[: 12 - len(shops)]):
        shops.append(services.register_business(
            actor=clerk, name=f"建平县{town}种子门市部", kind=BusinessKind.PACKAGED_SELLER,
            entity_type=EntityType.INDIVIDUAL_BUSINESS, region_code=TOWNSHIPS[i % len(TOWNSHIPS)],
            credit_code=credit_code("92211322", 900 + i), legal_representative=f"{SURNAMES[i]}{GIVEN[i % len(GIVEN)]}",
            contact_phone=f"1390422{2000 + i:04d}", address=f"建平县{town}农资市场{i + 3}号"))

    # The wholesaler buys the lot and sells it on to every shop; each shop confirms its purchase.
    services.record_purchase(actor=clerk, business=wholesaler, lot=spreading, quantity_kg="12000", packages=600,
                             occurred_on=day(LEDGER_DAYS), supplier_outside=dongya, document_number="DY-FH-20260318")
    for i, shop in enumerate(shops):
        sale = services.record_sale(actor=clerk, business=wholesaler, lot=spreading, quantity_kg="800", packages=40,
                                    occurred_on=day(LEDGER_DAYS - 2 - i % 5), buyer_business=shop,
                                    document_number=f"BF-CK-{i + 1:03d}")
        services.confirm_transfer(actor=clerk, transfer=sale.transfer)
    # Each shop sells to about twenty farmers over the season, a bag or two each.
    farmers = 0
    for i, shop in enumerate(shops):
        left = 40  # bags
        for j in range(20 + i % 5):
            bags = min(left, rng.choice((1, 1, 1, 2, 2, 3)))
            if not bags:
                break
            left -= bags
            services.record_sale(
                actor=clerk, business=shop, lot=spreading, quantity_kg=str(20 * bags), packages=bags,
                occurred_on=day(rng.randint(0, LEDGER_DAYS - 8)),
                farmer_name=f"{SURNAMES[(i * 7 + j) % len(SURNAMES)]}{GIVEN[(i + j) % len(GIVEN)]}",
                farmer_phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                farmer_village=f"{SHOP_TOWNS[i]}{'东西南北'[j % 4]}村")
            farmers += 1

    # A local producer's own lot, and a count that disagrees with the shop's ledger.
    services.record_production(actor=clerk, business=producer, lot=own, quantity_kg="5000", packages=250,
                               occurred_on=day(LEDGER_DAYS))
    sale = services.record_sale(actor=clerk, business=producer, lot=own, quantity_kg="400", packages=20,
                                occurred_on=day(40), buyer_business=shops[0], document_number="JS-CK-001")
    services.confirm_transfer(actor=clerk, transfer=sale.transfer)
    services.record_count_observation(actor=ctx.users["zhifa1"], business=shops[0], lot=own, counted_kg="360",
                                      counted_packages=18, observed_on=day(3), source="日常检查")

    # A lot that failed its test: the chief has stopped its sale at both shops that hold it.
    for shop in shops[:2]:
        services.record_purchase(actor=clerk, business=shop, lot=stopped, quantity_kg="300", packages=30,
                                 occurred_on=day(30), supplier_outside=denghai)
    services.record_lot_verdict(actor=chief, lot=stopped, business=shops[0], verdict=LotVerdict.UNQUALIFIED,
                                decided_on=day(5), source="建检〔2026〕第0012号", details={"germination": "78"})
    order = services.draft_stop_sale_order(actor=clerk, lot=stopped, reason="经检验发芽率为78%，低于标签标注值90%，为劣种子",
                                           legal_basis="《中华人民共和国种子法》第四十八条、第四十九条",
                                           source="建检〔2026〕第0012号")
    services.review_stop_sale_order(actor=chief, order=order)
    services.issue_stop_sale_order(actor=chief, order=order)
    ctx.say(f"  种子批 3 个，台账：1 个批次经批发商流向 {len(shops)} 家门店、{farmers} 户农户；停止销售通知 1 份")
