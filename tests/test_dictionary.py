"""English↔Russian equivalents from dictd dictionaries: reading both layouts,
the weighted table both ways, and the installed Mueller dictionary."""

import gzip
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.text.analysis import english_stem, russian_normal_forms
from indexer.text.dictionary import (
    decode_number,
    encode_number,
    find_dictionaries,
    load_table,
    read_entries,
    translation_table,
    write_dictionary,
)

# Entries in Mueller's layout, written for these tests.
MUELLER_STYLE = [
    ("00-database-short", "00-database-short\n     A made-up test dictionary\n"),
    ("harbour", """harbour
   [↗hɑ:bɜ]
   1. _n.
      1) гавань, порт; a safe harbour тихая гавань
      2) _перен. убежище (от бури - from) {см. тж. haven}
      3) то, что служит защитой от непогоды
   2. _v.
      1) укрывать; to harbour a thought таить мысль; давать приют
      2) _разг. таить
"""),
    ("harboured", """harboured
   [↗hɑ:bɜd]
   1. _p-p. от harbour 2
   2. _a. укрытый, при-
   ютивший
"""),
    ("lamp", """lamp
   [læmp] _n.
   1) лампа; to light a lamp зажечь лампу
   2) фонарь
   3) = lantern
   4) а) светильник
      б) _поэт. светоч
   10)маяк
"""),
    ("riverbank", "riverbank\n   [↗rɪvɜbæŋk] _n. речной берег, берег, житель, живущий у самой воды\n"),
    ("sail away", "sail away\n   [seɪl ɜ↗weɪ] _v. уплыть\n"),
]

# Entries in FreeDict's layout: "headword /transcription/", then plain or numbered lines.
FREEDICT_STYLE = [
    ("Lantern", "Lantern /læntən/\nфонарь\n"),
    ("kettle", "kettle /kɛtl/\n1. чайник\n2. котёл, бак\n"),
    ("Ruritania", "Ruritania /rʊərɪteɪnɪə/\nРуритания\n"),
]


@pytest.fixture
def mueller_style(tmp_path):
    index_path = tmp_path / "mueller-style.index"
    write_dictionary(index_path, MUELLER_STYLE)
    return index_path


@pytest.fixture
def freedict_style(tmp_path):
    """FreeDict's layout, stored compressed like the installed ``.dict.dz``."""
    index_path = tmp_path / "freedict-style.index"
    write_dictionary(index_path, FREEDICT_STYLE)
    plain = tmp_path / "freedict-style.dict"
    (tmp_path / "freedict-style.dict.dz").write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()
    return index_path


def test_dictd_numbers_round_trip():
    assert decode_number("A") == 0
    assert decode_number("Cp0") == 2 * 64 * 64 + 41 * 64 + 52
    assert [decode_number(encode_number(n)) for n in (0, 63, 64, 4095, 6_321_270)] == [
        0, 63, 64, 4095, 6_321_270]


def test_mueller_layout_senses_in_order_without_labels_examples_or_notes(mueller_style):
    entries = dict(read_entries(mueller_style))
    assert "00-database-short" not in entries
    assert entries["harbour"] == [["гавань", "порт"], ["убежище"], ["укрывать"], ["таить"]]
    # The cross reference sense is gone; a word hyphenated at a line's end is whole.
    assert entries["harboured"] == [["укрытый", "приютивший"]]
    # "= lantern" is a cross reference; subsenses а) б) stay in their sense; "10)маяк".
    assert entries["lamp"] == [["лампа"], ["фонарь"], ["светильник", "светоч"], ["маяк"]]
    # "житель" heads an explanation ("житель, живущий у ..."), not a translation.
    assert entries["riverbank"] == [["речной берег", "берег"]]


def test_freedict_layout(freedict_style):
    entries = dict(read_entries(freedict_style))
    assert entries == {
        "Lantern": [["фонарь"]],
        "kettle": [["чайник"], ["котёл", "бак"]],
        "Ruritania": [["Руритания"]],
    }


def pairs(translations):
    """(term, weight) of each translation, the word to show left out."""
    return [[term, weight] for term, weight, _ in translations]


def test_table_weighs_kth_sense_one_over_k_and_merges_stems(mueller_style):
    table = translation_table(read_entries(mueller_style))
    # harbour and harboured share the stem "harbour"; "укрытый" comes from harboured,
    # the longer headword, whose senses weigh half as much as the stem's own.
    assert pairs(table["en"]["harbour"]) == [
        ["гавань", 1.0], ["порт", 1.0], ["убежище", 0.5], ["укрытый", 0.5], ["приютить", 0.5],
        ["укрывать", 1 / 3], ["таить", 0.25]]
    assert pairs(table["en"]["lamp"][:2]) == [["лампа", 1.0], ["фонарь", 0.5]]
    # Each translation carries the word to show: as the dictionary writes it.
    assert table["en"]["harbour"][0][2] == "гавань"
    # Two-word translations, phrases as headwords and example words stay out.
    assert pairs(table["en"]["riverbank"]) == [["берег", 1.0]]
    assert "sail away" not in table["en"] and "sail" not in table["en"]
    assert "тихий" not in table["ru"] and "мысль" not in table["ru"]


def test_russian_side_inverts_the_pairs(mueller_style, freedict_style):
    table = translation_table(
        entry for path in (mueller_style, freedict_style) for entry in read_entries(path))
    # фонарь is lamp's second sense and lantern's first: both dictionaries merge.
    assert table["ru"]["фонарь"] == [["lantern", 1.0, "lantern"], ["lamp", 0.5, "lamp"]]
    assert table["ru"]["котел"] == [["kettl", 0.5, "kettle"]]
    # An unknown name is keyed by the term the index gives it, whatever that is.
    assert pairs(table["ru"][russian_normal_forms("руритания")[0]]) == [["ruritania", 1.0]]


def test_max_per_word_keeps_the_best(mueller_style):
    table = translation_table(read_entries(mueller_style), max_per_word=2)
    assert pairs(table["en"]["harbour"]) == [["гавань", 1.0], ["порт", 1.0]]


def test_a_broken_entry_is_skipped_and_the_rest_read(tmp_path):
    index_path = tmp_path / "broken.index"
    write_dictionary(index_path, FREEDICT_STYLE)
    lines = index_path.read_text().splitlines()
    lines.insert(1, "garbled line without tabs")
    lines.insert(2, f"ghost\t{encode_number(10_000)}\t{encode_number(50)}")
    index_path.write_text("\n".join(lines) + "\n")
    skipped = []
    entries = dict(read_entries(index_path, skipped))
    assert set(entries) == {"Lantern", "kettle", "Ruritania"}
    assert skipped == [("broken.index line 2", "malformed index line"),
                       ("ghost", "offset past the end of the entries file")]


def test_a_file_that_is_not_dictd_is_refused_by_name(tmp_path):
    not_dictd = tmp_path / "notes.index"
    not_dictd.write_text("just some notes\nabout nothing\n")
    (tmp_path / "notes.dict").write_text("")
    with pytest.raises(ValueError, match="notes.index"):
        list(read_entries(not_dictd))
    lonely = tmp_path / "lonely.index"
    lonely.write_text("word\tA\tB\n")
    with pytest.raises(ValueError, match="lonely.index"):
        list(read_entries(lonely))


def test_load_table_says_what_it_was_built_from(mueller_style):
    table, source = load_table([mueller_style])
    assert table["en"]["lamp"][0][:2] == ["лампа", 1.0]
    assert source["version"] >= 1
    assert [f["name"] for f in source["files"]] == ["mueller-style.index", "mueller-style.dict"]
    assert all(f["size"] > 0 and f["mtime"] > 0 for f in source["files"])


@pytest.fixture(scope="session")
def installed_table():
    """CI installs mueller7-dict and dict-freedict-eng-rus, so there they are required;
    a developer's machine without them skips these tests, as it does the browser's."""
    paths = find_dictionaries()
    if [p.name for p in paths] != ["mueller7.index", "freedict-eng-rus.index"]:
        message = ("install mueller7-dict and dict-freedict-eng-rus (apt-get) to test the "
                   "installed dictionaries")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    table, _ = load_table(paths)
    return table


@pytest.mark.parametrize("stem, first", [
    ("elect", "выборы"), ("war", "война"), ("river", "река"),
    ("presid", "президент"), ("water", "вода"), ("azerbaijan", "азербайджан"),
])
def test_installed_dictionaries_give_the_usual_translation(installed_table, stem, first):
    assert first in [term for term, _, _ in installed_table["en"][stem][:6]]
    assert [stem, 1.0] in pairs(installed_table["ru"][first])


RUSSIAN_WORDS = ["дом", "река", "вода", "город", "гора", "берег", "лес", "поле", "море"]
ENGLISH_WORDS = ["house", "houses", "river", "water", "watered", "town", "mountain", "shore"]
senses = st.lists(st.lists(st.sampled_from(RUSSIAN_WORDS), min_size=1, max_size=4),
                  max_size=5)


@given(entries=st.lists(st.tuples(st.sampled_from(ENGLISH_WORDS), senses), max_size=8),
       max_per_word=st.integers(1, 5))
def test_table_invariants(entries, max_per_word):
    table = translation_table(entries, max_per_word)
    best: dict[tuple[str, str], float] = {}  # (stem, russian term) → its best headword's weight
    for headword, kept in table["words"].items():
        for ru, w, _ in kept:
            key = (english_stem(headword), ru)
            best[key] = max(best.get(key, 0.0), w)
    ru_pairs = {(en, ru): w for ru, kept in table["ru"].items() for en, w, _ in kept}
    for side in (table["words"], table["en"], table["ru"]):
        for kept in side.values():
            weights = [w for _, w, _ in kept]
            assert 0 < len(kept) <= max_per_word
            assert all(0 < w <= 1 for w in weights)
            assert weights == sorted(weights, reverse=True)
    # A stem's merged list never weighs a pair above its best headword's.
    for stem, kept in table["en"].items():
        assert all(w <= best[stem, ru] for ru, w, _ in kept)
    # The Russian side holds the headwords' pairs at their best weight, and leaves
    # one out only when that word's list is full of pairs at least as good.
    assert all(best[key] == w for key, w in ru_pairs.items())
    for (en, ru), weight in best.items():
        if (en, ru) not in ru_pairs:
            kept = table["ru"][ru]
            assert len(kept) == max_per_word and all(w >= weight for _, w, _ in kept)
