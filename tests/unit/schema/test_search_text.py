"""Search text: every word required and searched literally; matched parts highlighted."""

from __future__ import annotations

from schema.parties.search import highlight, lucene_terms


def test_each_word_is_one_quoted_required_phrase() -> None:
    assert lucene_terms("华信  科技") == '"华信" AND "科技"'


def test_lucene_operators_and_quotes_are_searched_as_text() -> None:
    assert lucene_terms('*:* OR "x"') == '"*:*" AND "OR" AND "\\"x\\""'
    assert lucene_terms("a\\b") == '"a\\\\b"'


def test_highlight_marks_cjk_pairs_and_words_once_each() -> None:
    assert highlight("华信科技有限公司", "华信") == "<em>华信</em>科技有限公司"
    # Overlapping bigrams of a longer word merge into one marked run.
    assert highlight("华信科技有限公司", "信科技") == "华<em>信科技</em>有限公司"
    assert highlight("Acme Holdings", "acme") == "<em>Acme</em> Holdings"
    assert highlight("无关", "华信") == "无关"
