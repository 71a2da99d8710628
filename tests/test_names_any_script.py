"""Names spelled in one script only: Tokayev finds «Токаев» in a Russian-only archive.

``text/name_lookup.other_script_spellings`` looks a typed name's other-script
spellings up in a vocabulary at query time; ``engine/expand`` falls back on it
when no name group (built from names found in both scripts) holds the word.
The names here are invented, so no dictionary knows them.
"""

from __future__ import annotations

import bisect
import re

import iuliia
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.engine.embedded.build import build_index
from indexer.search.service import SearchRequest, SearchService
from indexer.text import name_lookup
from indexer.text.name_lookup import other_script_spellings
from indexer.text.names import _cyrillic_keys, name_key, word_keys

from conftest import write_jsonl
from test_names import synthetic_vocabulary

CYRILLIC = re.compile("[а-я]")


class Vocabulary:
    """Sorted terms read by prefix, as ``Docsets.prefixed`` gives them; counts what it yields."""

    def __init__(self, terms):
        self.terms = sorted(set(terms))
        self.read = 0

    def __call__(self, prefix):
        i = bisect.bisect_left(self.terms, prefix)
        while i < len(self.terms) and self.terms[i].startswith(prefix):
            self.read += 1
            yield self.terms[i]
            i += 1


RUSSIAN_ONLY = ["бектурганов", "бектурганова", "бектургановым", "бектурганове", "бектур",
                "турсунходжаев", "турсунходжаеву", "ельчибекова", "автандилову", "банк",
                "банка", "банку", "бекон", "выборы", "турист"]
ENGLISH_ONLY = ["bekturganov", "bekturganov's", "tursunkhodzhayev", "yelchibekov",
                "avtandilov", "bank", "banking", "elections", "tourist", "bacon"]


@pytest.mark.parametrize("typed, expected", [
    ("Bekturganov", ["бектурганов", "бектурганова", "бектурганове", "бектургановым"]),
    ("Bekturganova", ["бектурганова"]),
    ("Tursunkhodzhayev", ["турсунходжаев", "турсунходжаеву"]),
    ("Tursunkhodjaev", ["турсунходжаев", "турсунходжаеву"]),
    ("Yelchibekova", ["ельчибекова"]),
    ("Avtandilov", ["автандилову"]),
])
def test_a_latin_name_finds_its_cyrillic_spellings_in_any_case(typed, expected):
    assert sorted(other_script_spellings(typed, Vocabulary(RUSSIAN_ONLY))) == expected


@pytest.mark.parametrize("typed, expected", [
    ("Бектурганов", ["bekturganov", "bekturganov's"]),
    ("Бектургановым", ["bekturganov", "bekturganov's"]),
    ("Турсунходжаеву", ["tursunkhodzhayev"]),
    ("Ельчибекова", ["yelchibekov"]),
    ("Автандилов", ["avtandilov"]),
])
def test_a_cyrillic_name_finds_its_latin_spellings(typed, expected):
    assert sorted(other_script_spellings(typed, Vocabulary(ENGLISH_ONLY))) == expected


@pytest.mark.parametrize("typed", ["bank", "Bank", "банк", "банка", "elections", "выборы",
                                   "tourist", "турист", "bacon"])
def test_common_words_are_not_taken_for_names(typed):
    assert other_script_spellings(typed, Vocabulary(RUSSIAN_ONLY + ENGLISH_ONLY)) == []


def test_tokayev_finds_tokaev_in_an_archive_that_writes_him_in_russian_only():
    """«Токаев» is also a form of «токай» (a wine) to pymorphy3: as an index
    term it is Токаевым's normal form, hence a name."""
    vocabulary = Vocabulary(["токаев", "токаева", "токаевым", "токай", "токаря", "тока"])
    assert other_script_spellings("Tokayev", vocabulary) == ["токаев", "токаева", "токаевым"]
    assert other_script_spellings("Токаеву", Vocabulary(["tokayev", "tokay", "token"])) == [
        "tokayev"]


def test_keys_shorter_than_min_key_never_match():
    vocabulary = Vocabulary(["али", "алиш", "ali", "alish"])
    assert other_script_spellings("Ali", vocabulary) == []
    assert other_script_spellings("Али", vocabulary) == []
    assert other_script_spellings("Ali", vocabulary, min_key=3) == ["али"]
    assert other_script_spellings("Alish", vocabulary) == ["алиш"]


def test_only_the_other_scripts_terms_are_returned():
    vocabulary = Vocabulary(["bekturganov", "bekturganoff", "бектурганов"])
    assert other_script_spellings("Bekturganov", vocabulary) == ["бектурганов"]
    assert other_script_spellings("Бектурганов", vocabulary) == ["bekturganov"]


def test_an_empty_vocabulary_or_a_word_without_letters_finds_nothing():
    assert other_script_spellings("Bekturganov", Vocabulary([])) == []
    assert other_script_spellings("2024", Vocabulary(RUSSIAN_ONLY)) == []


def test_a_lookup_reads_a_small_part_of_a_large_vocabulary():
    """What keeps a lookup to about a millisecond (no timing here): it reads only
    the terms under the prefixes the name may start with, at most a few hundred."""
    vocabulary = Vocabulary(synthetic_vocabulary(100_000))
    surname = next(t for t in vocabulary.terms if CYRILLIC.search(t) and len(t) > 8)
    found = other_script_spellings(iuliia.WIKIPEDIA.translate(surname), vocabulary)
    assert surname in found
    assert vocabulary.read < 1_000 < len(vocabulary.terms) // 50


SYLLABLES = st.sampled_from(["ка", "ра", "бек", "тур", "зан", "ол", "мир", "ша", "дов", "ал",
                             "иб", "гул", "нур", "тер", "вас", "ходж", "щу", "ель", "ют", "ях"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(SYLLABLES, min_size=2, max_size=4).map("".join),
       st.sampled_from([iuliia.WIKIPEDIA, iuliia.MOSMETRO, iuliia.ICAO_DOC_9303]))
def test_a_romanized_name_finds_its_cyrillic_form_and_only_what_shares_its_key(stem, schema):
    """Inflected forms count when pymorphy3 reads them as a name's (as in ``name_groups``)."""
    surname = stem + "ов"
    vocabulary = Vocabulary([surname, surname + "а", surname + "ым"] + synthetic_vocabulary(2_000))
    typed = schema.translate(surname.capitalize())
    keys = word_keys(typed)
    found = other_script_spellings(typed, vocabulary)
    if name_key(typed) == name_key(surname):  # a romanization name keys can follow
        assert surname in found
    for term in found:
        stems = {k[:n] for k in keys for n in range(3, len(k) + 1)}
        assert CYRILLIC.search(term) and not keys.isdisjoint(_cyrillic_keys(term, stems))


def test_prefix_readings_cover_sounds_written_with_two_letters():
    readings = name_lookup._prefix_readings
    assert "J" in readings("dz") and "S" in readings("sc")  # dzh, sch
    assert "au" in readings("ав")  # Автономов: autonomov
    assert "a" in readings("ах")  # Анахит: the h between vowels is dropped


ARTICLES = [
    {"id": "ru-1", "lang": "ru", "title": "Бектурганов назначен министром", "date": "2021-03-01",
     "body": "Указ о назначении Бектурганова подписан в понедельник."},
    {"id": "ru-2", "lang": "ru", "title": "Встреча в Астане", "date": "2021-04-02",
     "body": "Президент встретился с Бектургановым и обсудил бюджет."},
    {"id": "ru-3", "lang": "ru", "title": "Урожай зерна", "date": "2021-05-02",
     "body": "Фермеры собрали больше зерна, чем год назад; банк выдал кредиты."},
    {"id": "en-1", "lang": "en", "title": "Yelchibekov wins the vote", "date": "2022-01-10",
     "body": "Ulan Yelchibekov was elected mayor; Yelchibekov's rivals conceded."},
    {"id": "en-2", "lang": "en", "title": "Grain harvest", "date": "2022-02-10",
     "body": "Farmers gathered more grain than a year ago, and the bank lent money."},
]


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one-script")
    write_jsonl(folder / "articles.jsonl", ARTICLES)
    build_index([folder / "articles.jsonl"], folder / "ix", workers=1)
    service = SearchService(folder / "ix")
    yield service
    service.close()


def search(service, text, cross=True):
    result = service.search(SearchRequest(text, per_page=50, cross=cross))
    return {hit["id"] for hit in result["hits"]}, result["expansions"]


def names_added(expansions, word):
    return [added for e in expansions if e["word"] == word and e["why"] == "name"
            for added in e["added"]]


def test_a_latin_name_finds_the_russian_only_articles_on_its_bearer(service):
    found, expansions = search(service, "Bekturganov")
    assert found == {"ru-1", "ru-2"}
    assert {"Бектурганов", "Бектурганова", "Бектургановым"} <= set(
        names_added(expansions, "Bekturganov"))
    assert search(service, "Bekturganov", cross=False)[0] == set()


def test_a_cyrillic_name_finds_the_english_only_articles_on_its_bearer(service):
    found, expansions = search(service, "Ельчибеков")
    assert found == {"en-1"}
    assert "Yelchibekov" in names_added(expansions, "Ельчибеков")


def test_a_common_word_gains_no_name_from_the_other_script(service):
    _, expansions = search(service, "bank")
    assert names_added(expansions, "bank") == []
