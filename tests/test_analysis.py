"""The bilingual analyzer: forms in both languages, offsets, stop words, pickling."""

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.text.analysis import ANALYZER, analyze, bilingual_analyzer, guess_language, normal_forms


def terms(text):
    """All index terms of text, alternatives included, as one set."""
    return set().union(*analyze(text)) if analyze(text) else set()


@pytest.mark.parametrize("word, expected", [
    ("Кыргызстан", {"кыргызстан"}),
    ("Кыргызстане", {"кыргызстан"}),
    ("Кыргызстана", {"кыргызстан"}),
    ("Кыргызстаном", {"кыргызстан"}),
    ("Киргизии", {"киргизия"}),
    ("выборах", {"выборы", "выбор"}),
    ("мэра", {"мэр"}),
    ("Нагорного", {"нагорный"}),
    ("Карабаха", {"карабах"}),
    ("Осетии", {"осетия"}),
    ("объём", {"объем"}),
    ("Пётр", {"петр"}),
])
def test_russian_words_reduce_to_their_normal_forms(word, expected):
    assert terms(word) == expected


@pytest.mark.parametrize("word, expected", [
    ("elections", {"elect"}),
    ("election", {"elect"}),
    ("Azerbaijan's", {"azerbaijan"}),
    ("Azerbaijan’s", {"azerbaijan"}),
    ("sanctioned", {"sanction"}),
    ("pipelines", {"pipelin"}),
    ("Georgia", {"georgia"}),
])
def test_english_words_reduce_to_their_stems(word, expected):
    assert terms(word) == expected


def test_ambiguous_russian_word_is_indexed_under_every_dictionary_lemma():
    # "стали": the past tense of стать ("became") or a form of сталь ("steel").
    assert analyze("стали") == [{"стать", "сталь"}]
    # "выборы": elections, or the plural of выбор ("choice").
    assert analyze("выборы") == [{"выборы", "выбор"}]


def test_unknown_surname_gets_a_single_normal_form():
    assert len(analyze("Осмонова")[0]) == 1


def test_hyphenated_names_split_into_consecutive_positions():
    assert analyze("Nagorno-Karabakh") == analyze("Nagorno Karabakh") == [{"nagorno"}, {"karabakh"}]
    assert analyze("Иссык-Куль") == [{"иссык"}, {"куль"}]


def test_small_words_of_both_languages_are_indexed_at_their_positions():
    assert analyze("Party of Regions") == [{"parti"}, {"of"}, {"region"}]
    assert {"the", "and", "в", "и", "на"} <= terms("the and of в и на")
    assert "us" in terms("US sanctions")


def test_mixed_text_analyzes_each_word_by_its_script():
    assert terms("Kyrgyzstan и Кыргызстан elections выборах") == {
        "kyrgyzstan", "и", "кыргызстан", "elect", "выборы", "выбор"}


def test_offsets_point_at_the_original_words():
    text = "Жители Кыргызстана and Azerbaijan's voters"
    found = {t.text: text[t.startchar:t.endchar]
             for t in ANALYZER(text, chars=True, positions=True)}
    assert found["кыргызстан"] == "Кыргызстана"
    assert found["azerbaijan"] == "Azerbaijan's"


def test_analyzer_survives_the_pickle_round_trip_whoosh_does():
    restored = pickle.loads(pickle.dumps(bilingual_analyzer()))
    assert [t.text for t in restored("в Кыргызстане elections")] == ["в", "кыргызстан", "elect"]


@pytest.mark.parametrize("text, lang", [
    ("Жители Кыргызстана ждали итогов.", "ru"),
    ("Kyrgyzstan holds elections.", "en"),
    ("В тексте есть слово Kyrgyzstan, но он русский.", "ru"),
])
def test_language_is_guessed_from_the_letters(text, lang):
    assert guess_language(text) == lang


def test_a_word_with_a_letter_pymorphy_cannot_name_is_kept_not_fatal():
    # U+17000 has no name in unicodedata; pymorphy3 raised ValueError on it.
    assert normal_forms("\U00017000кыргызстан") == ("\U00017000кыргызстан",)
    assert any("кыргызстан" in forms for forms in analyze("Кыргызстан \U00017000слово"))


# An index build splits title and body into words once and reads each word as its
# normal forms and as written (``docsets_terms``): the same terms at the same
# positions as the fields' analyzers, for any text.
_LETTERS = "abcxyzABCÄéабвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВЁЖЯ0123456789"
_TEXT = st.text(alphabet=st.sampled_from(list(_LETTERS) + [" ", "-", "'", "’", "_", ".",
                                                            ",", "\n", "«", "»", "İ", "ß"]),
                max_size=120)
_WORDS = st.lists(st.sampled_from(["выборы", "стали", "Ёлка", "всё", "the", "Party",
                                   "Nagorno-Karabakh", "O'Brien", "Azerbaijan’s", "2019",
                                   "мэра", "Кыргызстане", "и", "в", "том"]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(_TEXT, _WORDS.map(" ".join)))
def test_a_builds_words_are_the_analyzers_terms(text):
    from indexer.engine.schema import text_fields
    from indexer.text.analysis import fold_yo, index_words, morph_terms

    fields = text_fields()
    words = index_words(text)
    morph = [(t.pos, t.text) for t in fields["body"].analyzer(text, positions=True, mode="index")]
    assert morph == [(place, form) for place, word in enumerate(words)
                     for form in morph_terms(word)]
    exact = [(t.pos, t.text) for t in fields["exact"].analyzer(text, positions=True, mode="index")]
    assert exact == [(place, fold_yo(word)) for place, word in enumerate(words)]
