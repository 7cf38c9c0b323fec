"""Every validator with real and broken examples; each failure names the rule broken."""

import pytest
from django.core.exceptions import ValidationError

from licensing.validators import (
    mask_resident_id,
    normalize_licence_number,
    parse_seed_licence_number,
    validate_resident_id,
    validate_seed_licence_number,
    validate_uscc,
    validate_variety_approval_number,
    validate_variety_registration_number,
    validate_variety_right_number,
)


def fails(validator, value):
    with pytest.raises(ValidationError) as info:
        validator(value)
    return info.value.code, " ".join(info.value.messages)


@pytest.mark.parametrize("code", [
    "91350100M000100Y43",  # the worked example of GB 32100-2015
    "92211322MA0Y5Q1K44",  # an individual business (个体工商户) in 建平县
    " 91350100m000100y43 ",  # typed in lower case with spaces: normalised
])
def test_valid_credit_codes(code):
    validate_uscc(code)


@pytest.mark.parametrize("code,rule,words", [
    ("91350100M000100Y44", "uscc_check", "第18位应为 3"),
    ("91350100M000100Y4", "uscc_length", "18位"),
    ("91350100M0001O0Y43", "uscc_charset", "O"),
    ("B1350100M000100Y43", "uscc_authority", "登记管理部门"),
    ("9135A100M000100Y43", "uscc_region", "行政区划"),
])
def test_broken_credit_codes(code, rule, words):
    got_rule, message = fails(validate_uscc, code)
    assert got_rule == rule
    assert words in message


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x"])  # GB 11643's example
def test_valid_resident_ids(number):
    validate_resident_id(number)


@pytest.mark.parametrize("number,rule", [
    ("110105194912310021", "id_check"),
    ("11010519491331002X", "id_birth_date"),
    ("1101051949123100", "id_length"),
    ("1101051949123100AX", "id_charset"),
])
def test_broken_resident_ids(number, rule):
    assert fails(validate_resident_id, number)[0] == rule


def test_masked_id_keeps_only_the_ends():
    assert mask_resident_id("11010519491231002X") == "1101**********002X"


@pytest.mark.parametrize("number,cls,authority,year,seq", [
    ("A(京)农种许字(2020)第0001号", "A", "京", 2020, "0001"),
    ("C(黑哈五)农种许字(2016)第6001号", "C", "黑哈五", 2016, "6001"),
    ("D（湘益安）农种许字（2017）第001号", "D", "湘益安", 2017, "001"),  # full-width brackets
    ("b (辽朝) 农种许字 (2019) 0012", "B", "辽朝", 2019, "0012"),  # lenient: case, spaces, no 第/号
])
def test_licence_numbers_parse_leniently(number, cls, authority, year, seq):
    parsed = parse_seed_licence_number(number)
    assert (parsed.licence_class, parsed.authority, parsed.first_issue_year, parsed.sequence) == (cls, authority,
                                                                                                   year, seq)
    assert normalize_licence_number(number) == parsed.normalized


@pytest.mark.parametrize("number,rule", [
    ("A(京)种许字(2020)第0001号", "licence_format"),
    ("G(京)农种许字(2020)第0001号", "licence_class"),
    ("A(京)农种许字(1970)第0001号", "licence_year"),
    ("A京农种许字2020第0001号", "licence_format"),
])
def test_broken_licence_numbers(number, rule):
    assert fails(validate_seed_licence_number, number)[0] == rule


@pytest.mark.parametrize("number", ["国审玉20176020", "辽审玉20210012", "国审玉2006026", "国审玉20000009",
                                    "辽审玉(2015)0012", "蒙审玉2016001"])
def test_valid_approval_numbers(number):
    validate_variety_approval_number(number)


@pytest.mark.parametrize("number,rule", [("审玉20176020", "approval_format"), ("国审玉17", "approval_format"),
                                         ("国审玉20996020", "approval_year"), ("GPD玉米(2018)210001", "approval_format")])
def test_broken_approval_numbers(number, rule):
    assert fails(validate_variety_approval_number, number)[0] == rule


@pytest.mark.parametrize("number", ["GPD结球甘蓝(2018)130114", "GPD向日葵(2017)110036", "gpd高粱（2018）210013"])
def test_valid_registration_numbers(number):
    validate_variety_registration_number(number)


@pytest.mark.parametrize("number,rule", [("GPD结球甘蓝(2016)130114", "registration_year"),
                                         ("结球甘蓝(2018)130114", "registration_format"),
                                         ("GPD结球甘蓝(2018)13011", "registration_format")])
def test_broken_registration_numbers(number, rule):
    assert fails(validate_variety_registration_number, number)[0] == rule


def test_variety_right_number():
    validate_variety_right_number("CNA20151234.5")
    validate_variety_right_number("CNA20151234")
    assert fails(validate_variety_right_number, "CN2015123455")[0] == "variety_right_format"
    assert fails(validate_variety_right_number, "CNA2015123.5")[0] == "variety_right_format"
