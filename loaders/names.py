"""How party names sort: in pinyin order, as Chinese readers expect (陈 < 华 < 王 < 张), where code
points give 华 < 张 < 王 < 陈.

The loader stores `name_sort_key` on every person and company, and the customers list reads
its index in order. The key compares as a Chinese dictionary does, character by character: the
syllable (`xi` before `xian`, so 西安 before 先), then the tone (汪 wāng before 王 wáng), then the
character itself (for 张 and 章, both zhāng, so each surname stays together). Characters with
no reading (Latin letters, digits, punctuation) stand for themselves, folded to one width and
lower case; spaces and control characters are left out. The party's id ends the key, so two
parties of one name still have an order and pages never repeat or skip one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import cast

from pypinyin import Style, pinyin

# Readings of surnames that differ from the character's everyday reading, which is what
# pypinyin gives for a name it does not know (曾国藩 → céng). Longest first: compound surnames.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "万俟": ("mo4", "qi2"),
    "尉迟": ("yu4", "chi2"),
    "单": ("shan4",),
    "曾": ("zeng1",),
    "解": ("xie4",),
    "仇": ("qiu2",),
    "朴": ("piao2",),
    "区": ("ou1",),
    "查": ("zha1",),
    "盖": ("ge3",),
    "乐": ("yue4",),
    "覃": ("qin2",),
    "缪": ("miao4",),
    "翟": ("zhai2",),
    "召": ("shao4",),
    "华": ("hua4",),
    "纪": ("ji3",),
    "种": ("chong2",),
    "秘": ("bi4",),
    "繁": ("po2",),
    "薄": ("bo2",),
    "阚": ("kan4",),
    "都": ("du1",),
    "卜": ("bu3",),
    "任": ("ren2",),
    "燕": ("yan1",),
    "员": ("yun4",),
    "句": ("gou1",),
    "郇": ("xun2",),
    "祭": ("zhai4",),
    "能": ("nai4",),
    "粘": ("nian2",),
    "隗": ("wei3",),
}

# pypinyin's TONE3 style with the neutral tone as 5: letters (ü as v) and a tone digit.
_SYLLABLE = re.compile(r"[a-z]+[1-5]")
# Both sort below every character a piece can hold (pieces have no spaces or controls), so
# comparing keys compares the pieces in turn, and a name before any longer name it begins.
_BETWEEN_CHARACTERS = " "
_BEFORE_ID = "\x1f"


def name_sort_key(name: str, party_id: str, *, person: bool) -> str:
    """The key `name` sorts by; `person` reads the first character(s) as a surname."""
    readings = _readings(name, person)
    pieces = []
    for char, reading in zip(name, readings, strict=True):
        if _SYLLABLE.fullmatch(reading):
            pieces.append(reading + char)
        else:
            folded = unicodedata.normalize("NFKC", char).lower()
            piece = "".join(c for c in folded if c.isprintable() and not c.isspace())
            if piece:
                pieces.append(piece)
    return _BETWEEN_CHARACTERS.join(pieces) + _BEFORE_ID + party_id


# pypinyin hands each run of characters without a reading to `errors`; a list back gives each
# character its own item (its stub types the answer as str only).
_EACH_CHARACTER = cast("Callable[[str], str]", list)


def _readings(name: str, person: bool) -> list[str]:
    """One reading per character: the whole name is read at once, so a character in a known
    phrase gets the phrase's reading (银行 yínháng); characters without one read as themselves."""
    readings = [
        item[0]
        for item in pinyin(
            name, style=Style.TONE3, neutral_tone_with_five=True, errors=_EACH_CHARACTER
        )
    ]
    if len(readings) != len(name):
        readings = [_reading_alone(char) for char in name]
    if person:
        for surname, read in SURNAME_READINGS.items():
            if name.startswith(surname):
                readings[: len(surname)] = read
                break
    return readings


def _reading_alone(char: str) -> str:
    found = pinyin(char, style=Style.TONE3, neutral_tone_with_five=True, errors=_EACH_CHARACTER)
    return found[0][0] if len(found) == 1 else char
