"""The seed-bag QR text (DOMAIN.md section 6): captioned and bare lines, CR LF and LF, URLs with
or without scheme; malformed texts refused with the rule they break."""

import pytest

from licensing.seedbag import SeedBagLabel, parse_seed_bag_text
from seedreg.errors import InvalidInput

EXPECTED = SeedBagLabel(variety="郑单958", producer="河南秋乐种业科技股份有限公司", unit_code="0001170315123456789",
                        trace_url="http://www.zzsc.cn/q/0001170315123456789")

CAPTIONED_CRLF = ("品种名称：郑单958\r\n生产经营者名称：河南秋乐种业科技股份有限公司\r\n"
                  "单元识别代码：0001170315123456789\r\n追溯网址：http://www.zzsc.cn/q/0001170315123456789\r\n")
BARE_LF = "郑单958\n河南秋乐种业科技股份有限公司\n0001170315123456789\nwww.zzsc.cn/q/0001170315123456789"
ASCII_COLONS = ("品种名称:郑单958\n生产经营者名称: 河南秋乐种业科技股份有限公司\n单元识别代码:0001170315123456789\n"
                "追溯网址:www.zzsc.cn/q/0001170315123456789")


@pytest.mark.parametrize("text", [CAPTIONED_CRLF, BARE_LF, ASCII_COLONS])
def test_it_reads_captioned_and_bare_labels_with_either_line_ending(text):
    assert parse_seed_bag_text(text) == EXPECTED


def test_it_keeps_https_and_accepts_a_letters_and_digits_unit_code():
    label = parse_seed_bag_text("郑单958\n某种业公司\nAB2019000123\nhttps://trace.example.cn/x?id=1")
    assert label.unit_code == "AB2019000123" and label.trace_url == "https://trace.example.cn/x?id=1"


@pytest.mark.parametrize("text, code, words", [
    ("郑单958\n某种业公司\n0001170315123456789", "seedbag_line_count", "实际为3行"),
    ("郑单958\n某种业公司\n0001170315123456789\nwww.a.cn\n多余", "seedbag_line_count", "实际为5行"),
    ("郑单958\n某种业公司\n" + "1" * 25 + "\nwww.a.cn", "seedbag_unit_code_length", "这里有25位"),
    ("郑单958\n某种业公司\n0001-1703\nwww.a.cn", "seedbag_unit_code_chars", "0001-1703"),
    ("郑单958\n某种业公司\n1234ABCD\nwww.a.cn", "seedbag_unit_code_chars", "1234ABCD"),
    ("追溯网址：www.a.cn\n某种业公司\n123\n郑单958", "seedbag_line_order", "第1行"),
    ("郑单958\n\n123\nwww.a.cn", "seedbag_line_empty", "第2行"),
    ("郑单958\n某种业公司\n123\nnot a url", "seedbag_url", "not a url"),
    ("郑单958\n某种业公司\n123\njavascript://alert(1)", "seedbag_url", "http"),
    ("", "seedbag_empty", "为空"),
    ("郑单958\x00\n某\n1\nwww.a.cn", "seedbag_bad_character", "非法字符"),
])
def test_malformed_labels_are_refused_with_the_rule_they_break(text, code, words):
    with pytest.raises(InvalidInput) as caught:
        parse_seed_bag_text(text)
    assert caught.value.code == code
    assert words in str(caught.value) and caught.value.fields["text"]
