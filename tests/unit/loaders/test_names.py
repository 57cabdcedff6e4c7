"""Names sort in pinyin order: by syllable, then tone, then character; surnames read as surnames."""

from __future__ import annotations

import pytest

from loaders.names import name_sort_key


def _order(names: list[str], *, person: bool = True) -> list[str]:
    return sorted(names, key=lambda n: name_sort_key(n, "X1", person=person))


def test_surnames_sort_by_pinyin_not_by_code_point() -> None:
    assert sorted(["华", "张", "王", "陈"]) == ["华", "张", "王", "陈"]  # code points
    assert _order(["张伟", "王芳", "华强", "陈明"]) == ["陈明", "华强", "王芳", "张伟"]


def test_syllable_then_tone_then_character() -> None:
    # xi before xian, whatever follows: 西安 (xī ān) before 先 (xiān).
    assert _order(["先", "西安"]) == ["西安", "先"]
    # wāng before wáng, even when the next character would say otherwise.
    assert _order(["王安", "汪洋"]) == ["汪洋", "王安"]
    # 张 and 章 read alike: each keeps its names together.
    assert _order(["章三", "张四", "章一", "张二"]) == ["张二", "张四", "章三", "章一"]
    # A name sorts before the longer names it begins.
    assert _order(["王伟强", "王伟", "王"]) == ["王", "王伟", "王伟强"]


def test_a_persons_surname_is_read_as_a_surname() -> None:
    # 曾 is céng in words but zēng as a surname; 单 dān / shàn.
    assert _order(["曾国藩", "崔健", "岑参"]) == ["岑参", "崔健", "曾国藩"]
    assert _order(["单雄信", "邓一", "孙二"]) == ["邓一", "单雄信", "孙二"]
    # A company's name has no surname: 曾 keeps its everyday reading there.
    assert _order(["曾氏贸易", "崔氏贸易"], person=False) == ["曾氏贸易", "崔氏贸易"]


def test_phrases_are_read_in_context() -> None:
    # 银行 is yínháng: 行 as háng sorts before 行 as xíng would.
    assert name_sort_key("银行", "X", person=False) < name_sort_key("银星", "X", person=False)


def test_other_characters_fold_to_one_width_and_lower_case_and_spaces_drop() -> None:
    def key(name: str) -> str:
        return name_sort_key(name, "X", person=False).split("\x1f")[0]

    assert key("ＡＢＣ（北京）") == key("abc(北京)")
    assert key("李 雷") == key("李雷")
    assert _order(["B公司", "a公司", "1号店"], person=False) == ["1号店", "a公司", "B公司"]


def test_the_id_ends_the_key_so_namesakes_have_an_order() -> None:
    first = name_sort_key("王伟", "P1", person=True)
    second = name_sort_key("王伟", "P2", person=True)
    assert first < second < name_sort_key("王伟强", "P0", person=True)


@pytest.mark.parametrize(
    "name", ["𠮷野家", "a\u0301", "🙂公司", "\x00\x1f", "ǅ", "㈱东京", "〇一二", "呣", "吕绿"]
)
def test_any_text_gets_a_key(name: str) -> None:
    assert name_sort_key(name, "X", person=True).endswith("\x1fX")
