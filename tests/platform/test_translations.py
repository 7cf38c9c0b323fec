"""The English catalogue: compiled from its source, complete, placeholders intact, and used by
the pages and the validators."""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from licensing.templatetags.licensing_tags import days_left_label
from licensing.validators import validate_seed_licence_number, validate_uscc

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_settings_point_at_the_catalogue():
    assert PO.parent.parent.parent in [Path(p) for p in settings.LOCALE_PATHS]


def test_the_committed_mo_matches_its_po():
    # The .mo is what Django reads; a .po edited without `make messages` would silently not show.
    source = polib.pofile(str(PO))
    with PO.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in source.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgstr_plural[1]
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_every_text_is_translated_with_its_placeholders():
    source = polib.pofile(str(PO))
    assert not source.untranslated_entries() and not source.fuzzy_entries()
    for entry in source.translated_entries():
        for text in [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values():
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(entry.msgid)), entry.msgid


def message_of(validator, value, language):
    # Validator messages are lazy: they take the language active when they are shown.
    with pytest.raises(ValidationError) as exc:
        validator(value)
    with translation.override(language):
        return exc.value.messages[0]


@pytest.mark.parametrize(("language", "expected"), [("zh-hans", "第18位应为 9（GB 32100 校验规则）"),
                                                    ("en", "the 18th should be 9 (GB 32100 check rule)")])
def test_validator_messages_follow_the_language(language, expected):
    assert expected in message_of(validate_uscc, "91211322MA0XXXXXX1", language)


def test_a_licence_number_message_in_english_names_the_rule():
    message = message_of(validate_seed_licence_number, "辽农种许字2020第1号", "en")
    assert message == "A licence number starts with the licence class (A, B, C, D, E or F)."


@pytest.mark.parametrize(("days", "chinese", "english"), [
    (1, "剩余 1 天", "1 day left"), (30, "剩余 30 天", "30 days left"), (0, "今日到期", "expires today"),
    (-2, "已过期 2 天", "expired 2 days ago")])
def test_days_to_expiry_read_naturally_in_both_languages(days, chinese, english):
    with translation.override("zh-hans"):
        assert days_left_label(days) == chinese
    with translation.override("en"):
        assert days_left_label(days) == english
