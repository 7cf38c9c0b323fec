"""Validators for the identifiers of the seed business (DOMAIN.md section 6).

Each is a Django validator: it raises ``ValidationError`` with a Chinese message that names the
rule broken, and is used alike by models, forms, imports and the API. ``parse_*`` helpers
return the parts of a lenient identifier."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- Unified social credit code (统一社会信用代码, GB 32100-2015) ---------------------------------
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^(i-1) mod 31 for i = 1..17
USCC_AUTHORITIES = set("123456789ANY")


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def normalize_code(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


def validate_uscc(value: str) -> None:
    code = normalize_code(value)
    if len(code) != 18:
        raise ValidationError(_("统一社会信用代码应为18位，当前为%(n)d位。"), code="uscc_length", params={"n": len(code)})
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        raise ValidationError(_("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、S、V、Z）。"),
                              code="uscc_charset", params={"chars": "、".join(bad)})
    if code[0] not in USCC_AUTHORITIES:
        raise ValidationError(_("统一社会信用代码第1位（登记管理部门代码）无效。"), code="uscc_authority")
    if not code[2:8].isdigit():
        raise ValidationError(_("统一社会信用代码第3–8位应为行政区划代码（数字）。"), code="uscc_region")
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(_("统一社会信用代码校验位错误：第18位应为 %(expected)s（GB 32100 校验规则）。"),
                              code="uscc_check", params={"expected": expected})


# --- Resident ID number (居民身份证号码, GB 11643, ISO 7064 MOD 11-2) ------------------------------
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def validate_resident_id(value: str) -> None:
    number = normalize_code(value)
    if len(number) != 18:
        raise ValidationError(_("身份证号码应为18位，当前为%(n)d位。"), code="id_length", params={"n": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("身份证号码前17位应为数字，第18位为数字或X。"), code="id_charset")
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900 or born > datetime.date.today():
        raise ValidationError(_("身份证号码中的出生日期（第7–14位）无效。"), code="id_birth_date")
    expected = ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True)) % 11]
    if number[17] != expected:
        raise ValidationError(_("身份证号码校验位错误（GB 11643 校验规则）。"), code="id_check")


def mask_resident_id(value: str) -> str:
    """Show an ID number to people who may only know that one exists: 2113**********1234."""
    value = normalize_code(value)
    return value[:4] + "*" * 10 + value[-4:] if len(value) == 18 else "******"


# --- Seed production-and-operation licence number ---------------------------------------------
# A(京)农种许字(2020)第0001号 · C(黑哈五)农种许字(2016)第6001号 · D(湘益安)农种许字(2017)第001号
_FULLWIDTH = str.maketrans({"（": "(", "）": ")", "〔": "(", "〕": ")", "［": "(", "］": ")", "[": "(", "]": ")",
                            "Ａ": "A", "Ｂ": "B", "Ｃ": "C", "Ｄ": "D", "Ｅ": "E", "Ｆ": "F"})
LICENCE_RE = re.compile(
    r"^(?P<cls>[A-Fa-f])\s*\((?P<authority>[\u4e00-\u9fff]{1,8})\)\s*农种许字\s*\((?P<year>\d{4})\)\s*"
    r"第?\s*(?P<seq>\d{3,6})\s*号?$")
LICENCE_CLASSES = {
    "A": _("A类：育繁推一体化（全国）"),
    "B": _("B类：主要农作物杂交种及其亲本"),
    "C": _("C类：主要农作物常规种"),
    "D": _("D类：非主要农作物"),
    "E": _("E类：进出口（待核实）"),
    "F": _("F类：外商投资（待核实）"),
}


@dataclass(frozen=True)
class LicenceNumber:
    licence_class: str
    authority: str
    first_issue_year: int
    sequence: str

    @property
    def normalized(self) -> str:
        return f"{self.licence_class}({self.authority})农种许字({self.first_issue_year})第{self.sequence}号"


def parse_seed_licence_number(value: str) -> LicenceNumber:
    text = (value or "").strip().translate(_FULLWIDTH)
    m = LICENCE_RE.match(text)
    if not m:
        if "农种许字" not in text:
            raise ValidationError(_("许可证编号应包含“农种许字”，格式如 C(辽朝建)农种许字(2020)第0001号。"),
                                  code="licence_format")
        if not re.match(r"^[A-Fa-f]", text):
            raise ValidationError(_("许可证编号应以许可证类别（A、B、C、D、E、F）开头。"), code="licence_class")
        raise ValidationError(_("许可证编号格式不正确：应为 类别(发证机关简称)农种许字(首次发证年份)第序号号，"
                                "如 C(辽朝建)农种许字(2020)第0001号。"), code="licence_format")
    year = int(m["year"])
    if not 1990 <= year <= datetime.date.today().year + 1:
        raise ValidationError(_("许可证编号中的首次发证年份 %(year)s 不合理。"), code="licence_year", params={"year": year})
    return LicenceNumber(m["cls"].upper(), m["authority"], year, m["seq"])


def validate_seed_licence_number(value: str) -> None:
    parse_seed_licence_number(value)


def normalize_licence_number(value: str) -> str:
    """A search key: the parsed normal form where it parses, else the text without spaces."""
    try:
        return parse_seed_licence_number(value).normalized
    except ValidationError:
        return re.sub(r"\s+", "", (value or "").translate(_FULLWIDTH))


# --- Variety approval (审定编号) and registration (登记编号) numbers ------------------------------
PROVINCE_ABBREVIATIONS = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
APPROVAL_RE = re.compile(
    rf"^(?P<committee>国|[{PROVINCE_ABBREVIATIONS}][\u4e00-\u9fff]?)审(?P<crop>[\u4e00-\u9fff]{{1,2}})"
    r"\s*\(?(?P<digits>\d{6,10})\)?$")


def validate_variety_approval_number(value: str) -> None:
    text = (value or "").strip().translate(_FULLWIDTH).replace(" ", "")
    text = re.sub(r"\((\d{4})\)", r"\1", text)  # 辽审玉(2015)0012 → 辽审玉20150012
    m = APPROVAL_RE.match(text)
    if not m:
        raise ValidationError(_("审定编号格式不正确：应为 审定委员会简称+审+作物简称+年份+序号，如 国审玉20176020、"
                                "辽审玉20210012。"), code="approval_format")
    digits = m["digits"]
    year = int(digits[:4]) if len(digits) >= 8 else 1900 + int(digits[:2])
    if len(digits) >= 8 and not 1980 <= year <= datetime.date.today().year + 1:
        raise ValidationError(_("审定编号中的年份 %(year)s 不合理。"), code="approval_year", params={"year": year})


REGISTRATION_RE = re.compile(r"^GPD(?P<crop>[\u4e00-\u9fff]{1,8})\((?P<year>\d{4})\)(?P<province>\d{2})(?P<seq>\d{4})$")


def validate_variety_registration_number(value: str) -> None:
    text = (value or "").strip().upper().translate(_FULLWIDTH).replace(" ", "")
    m = REGISTRATION_RE.match(text)
    if not m:
        raise ValidationError(_("登记编号格式不正确：应为 GPD+作物名称+(年份)+2位省份代码+4位序号，"
                                "如 GPD结球甘蓝(2018)130114。"), code="registration_format")
    if not 2017 <= int(m["year"]) <= datetime.date.today().year + 1:
        raise ValidationError(_("登记编号中的年份不合理（非主要农作物品种登记自2017年起）。"), code="registration_year")


# 品种权号: CNA + application year (4) + serial (4), then "." and a check character, e.g. CNA20151234.5
VARIETY_RIGHT_RE = re.compile(r"^CNA\d{8}(\.?[\dX])?$")


def validate_variety_right_number(value: str) -> None:
    if not VARIETY_RIGHT_RE.match(normalize_code(value)):
        raise ValidationError(_("品种权号格式应为 CNA+年份+4位序号(+.校验位)，如 CNA20151234.5。"),
                              code="variety_right_format")


# --- Quarantine certificates --------------------------------------------------------------------
def validate_quarantine_certificate(value: str) -> None:
    """植物检疫证书 17 digits; 产地检疫合格证 16 digits."""
    digits = (value or "").strip()
    if not digits.isdigit() or len(digits) not in (16, 17):
        raise ValidationError(_("检疫证书编号应为17位数字（植物检疫证书）或16位数字（产地检疫合格证）。"),
                              code="quarantine_format")
