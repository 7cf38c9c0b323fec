"""Compile every locale/<lang>/LC_MESSAGES/*.po into the .mo beside it, in Python (polib, a dev
dependency), so no system gettext is needed. The .mo files are committed: running SeedReg needs
neither this script nor gettext; a test fails when a .mo no longer matches its .po.

    .venv/bin/python scripts/compile_messages.py      (or: make messages)
"""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main():
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path))
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"{po_path.relative_to(ROOT)}: {len(catalogue.translated_entries())} translated, "
              f"{len(catalogue.untranslated_entries())} untranslated, {len(catalogue.fuzzy_entries())} fuzzy")


if __name__ == "__main__":
    main()
