"""Fill a .po catalog from a Python dict {English: Chinese} (for bulk translation work).

    python tools/po_fill.py locales/zh_CN/LC_MESSAGES/notebooks/01_why_a_loss.po mine.py

``mine.py`` defines ``T = {msgid: msgstr, ...}``. Entries whose msgid is not in the
catalog are reported (the English changed: re-check them); existing translations are
replaced; fuzzy flags of filled entries are removed. Entries that are only numbers,
punctuation or a single letter (table cells such as "0.1" or "a") are copied as they are.
Run ``python tools/zh_edition.py check`` afterwards.
"""
from __future__ import annotations

import re
import runpy
import sys

import polib

VERBATIM = re.compile(r"[\d\s.,:;+\-−%()=/*<>]*|[A-Za-z]")


def fill(po_path: str, table: dict[str, str]) -> tuple[int, list[str]]:
    po = polib.pofile(po_path, wrapwidth=0)
    known = {e.msgid for e in po if not e.obsolete}
    filled = 0
    for entry in po:
        if entry.obsolete:
            continue
        text = table.get(entry.msgid)
        if text is None and VERBATIM.fullmatch(entry.msgid):
            text = entry.msgid
        if text is not None:
            entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
            filled += 1
    po.save(po_path)
    return filled, [k for k in table if k not in known]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    filled, unknown = fill(argv[0], runpy.run_path(argv[1])["T"])
    print(f"{argv[0]}: {filled} entries filled")
    for text in unknown:
        print(f"  not in the catalog (English changed?): {text[:90]!r}")
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
