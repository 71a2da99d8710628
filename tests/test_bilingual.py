"""Bilingual search on a corpus of its own (tests/fixtures/bilingual): expected rankings.

The corpus holds translation pairs, names in both scripts and several
romanizations (Kucera/Кучера, Tokayev/Tokaev/Токаев, Mirziyoev/Мирзиёев),
ambiguous words (выборы: elections, or choices), small words in a name
("Party of Regions"), and one article under three ids (a teaser, the full
page, an AMP copy).
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import build_index, update_index
from indexer.cli.main import cli
from indexer.search.service import SearchRequest, SearchService
from indexer.text.learned import learn_pairs

CORPUS = Path(__file__).parent / "fixtures" / "bilingual"
KUCERA_BYLINES = {"kucera-pipeline-en", "kucera-army-en", "kucera-pipeline-ru"}


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bilingual")
    aliases = folder / "aliases.txt"
    aliases.write_text("# a nickname transliteration cannot know\n"
                       "Nadia Moroz = Надежда Мороз\n", encoding="utf-8")
    glossary = folder / "glossary.tsv"
    glossary.write_text("shepherd\tчабан\n", encoding="utf-8")
    build_index([CORPUS], folder / "ix", workers=1, aliases=aliases, glossary=glossary)
    service = SearchService(folder / "ix")
    yield service
    service.close()


def search(service, text, **options):
    return service.search(SearchRequest(text, per_page=50, **options))


def ids(result):
    return [hit["id"] for hit in result["hits"]]


def expansion(result, word, why):
    return next((e["added"] for e in result["expansions"]
                 if e["word"] == word and e["why"] == why), None)


def test_an_author_ranks_first_by_their_bylines_and_in_both_scripts(service):
    result = search(service, "Joshua Kucera")
    found = ids(result)
    # His English bylines first (title > authors > body), then the article that
    # only mentions him, then his Russian byline, found through the other script.
    assert set(found[:2]) == {"kucera-pipeline-en", "kucera-army-en"}
    assert found.index("mentions-kucera") < found.index("kucera-pipeline-ru")
    assert expansion(result, "Kucera", "name") == ["Кучера"]
    in_cyrillic = ids(search(service, "Кучера"))
    assert in_cyrillic[0] == "kucera-pipeline-ru" and KUCERA_BYLINES <= set(in_cyrillic)


def test_the_author_facet_lists_one_person_under_both_spellings(service):
    authors = {e["value"]: e for e in search(service, "")["facets"]["author"]}
    kucera = next(e for e in authors.values() if "Kucera" in e["value"] or "Кучера" in e["value"])
    assert kucera["count"] == 3
    assert kucera["labels"] == {"en": "Joshua Kucera", "ru": "Джошуа Кучера"}
    assert not any(name in authors for name in ("Джошуа Кучера",) if name != kucera["value"])
    for spelling in ("Joshua Kucera", "джошуа кучера", "JOSHUA KUČERA", "Joshua Kuchera"):
        assert set(ids(search(service, "", authors=(spelling,)))) == KUCERA_BYLINES, spelling


def test_an_alias_file_joins_a_nickname_to_the_full_name(service):
    authors = search(service, "")["facets"]["author"]
    moroz = [e for e in authors if "Moroz" in e["value"] or "Мороз" in e["value"]]
    assert len(moroz) == 1 and moroz[0]["count"] == 2
    assert set(ids(search(service, "", authors=("Nadia Moroz",)))) == {
        "party-of-regions-en", "school-choice-ru"}


def test_a_name_finds_its_other_romanizations_and_its_cyrillic_forms(service):
    result = search(service, "Tokayev")
    assert ids(result)[0] == "tokayev-en"  # the spelling as typed ranks first
    assert set(ids(result)) == {"tokayev-en", "tokayev-ru", "tokaev-en"}
    assert {"Tokaev", "Токаев"} <= set(expansion(result, "Tokayev", "name"))
    # A romanization the archive never uses still finds both scripts.
    assert set(ids(search(service, "Mirziyoyev"))) == {"mirziyoyev-ru", "mirziyoev-en"}
    # An inflected Russian form finds the English spellings.
    assert "tokaev-en" in ids(search(service, "Токаевым"))


def test_a_region_name_in_any_spelling_finds_both_languages(service):
    for text in ("Kirghizia", "Кыргызстан"):
        found = ids(search(service, text))
        assert {"kyrgyz-election-en", "kyrgyz-election-ru"} <= set(found), text


def test_subject_words_are_searched_in_the_other_language_below_the_typed_ones(service):
    result = search(service, "election Kyrgyzstan")
    assert ids(result)[0] == "kyrgyz-election-en"
    assert "kyrgyz-election-ru" in ids(result)
    assert "выборы" in expansion(result, "election", "glossary")
    typed_only = search(service, "election Kyrgyzstan", cross=False)
    assert ids(typed_only) == ["kyrgyz-election-en"] and typed_only["expansions"] == []


def test_a_users_glossary_adds_pairs(service):
    result = search(service, "shepherd")
    assert expansion(result, "shepherd", "glossary") == ["чабан"]


def test_an_ambiguous_word_ranks_its_likely_reading_first_and_says_how_it_was_read(service):
    result = search(service, "выборы", cross=False)
    assert result["readings"] == {"выборы": ["выборы", "выбор"]}
    found = ids(result)
    elections = {"osh-mayor-ru", "kyrgyz-election-ru"}
    choices = {"restaurant-choice-ru", "school-choice-ru"}
    assert set(found[:2]) == elections and set(found[2:4]) == choices
    # The restaurant article says «выбор» four times, but only as another reading.
    assert set(ids(search(service, "=выборы"))) == elections
    assert set(ids(search(service, "=выбор"))) == choices


def test_small_words_are_searched_and_keep_a_phrase_exact(service):
    assert ids(search(service, '"Party of Regions"')) == ["party-of-regions-en"]
    assert set(ids(search(service, "party regions", cross=False))) == {
        "party-of-regions-en", "party-in-regions-en"}
    assert search(service, "of the")["total"] > 0


def test_the_copies_of_an_article_are_one_hit(service):
    result = search(service, "Naryn shepherds")
    [hit] = result["hits"]
    assert result["total"] == 1 and hit["id"] == "naryn-full"  # the full page, canonical URL
    assert {c["id"] for c in hit["copies"]} == {"naryn-teaser", "naryn-amp"}
    years = {e["value"]: e["count"] for e in result["facets"]["year"]}
    assert years["2022"] == 1
    assert search(service, "")["total"] == 17  # 19 records, two of them copies
    assert {c["id"] for c in service.article("naryn-full")["copies"]} == {
        "naryn-teaser", "naryn-amp"}
    assert service.article("naryn-amp")["copy_of"]["id"] == "naryn-full"


def test_a_title_only_match_is_marked_in_the_title(service):
    [hit] = search(service, "backers", cross=False)["hits"]
    assert "<mark>backers</mark>" in hit["title_html"]


def test_did_you_mean_repairs_the_layout_the_spelling_and_the_language(service):
    assert search(service, "rshuspcnfy")["suggestion"]["query"] == "кыргызстан"
    assert search(service, "Kyrgystan")["suggestion"]["query"].lower() == "kyrgyzstan"
    # Typed words only, Russian articles only: the English word finds nothing,
    # its Russian equivalent does.
    result = search(service, "election", cross=False, langs=("ru",))
    assert result["total"] == 0 and result["suggestion"]["query"] == "выборы"


def test_the_cli_prints_what_was_searched_and_takes_the_researchers_files(tmp_path):
    glossary = tmp_path / "g.tsv"
    glossary.write_text("shepherd\tчабан\nno tab on this line\n", encoding="utf-8")
    runner = CliRunner()
    built = runner.invoke(cli, ["index", str(CORPUS), "--index", str(tmp_path / "ix"),
                                "--glossary", str(glossary), "--jobs", "1"])
    assert built.exit_code == 0, built.output
    assert "g.tsv:2" in built.output  # the bad line is named, the rest is used
    shown = runner.invoke(cli, ["search", "выборы", "--index", str(tmp_path / "ix")])
    assert "read as: выборы, выбор" in shown.output
    assert "also searched выборы as (glossary): election" in shown.output
    data = json.loads(runner.invoke(cli, ["search", "shepherd", "--json",
                                          "--index", str(tmp_path / "ix")]).output)
    assert {"word": "shepherd", "added": ["чабан"], "why": "glossary"} in data["expansions"]


def test_update_keeps_the_glossary_and_the_copies_right(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(CORPUS, corpus)
    glossary = tmp_path / "g.tsv"
    glossary.write_text("shepherd\tчабан\n", encoding="utf-8")
    build_index([corpus], tmp_path / "ix", workers=1, glossary=glossary)
    records = [json.loads(line) for line in (corpus / "records.jsonl").open(encoding="utf-8")]
    records = [r for r in records if r["id"] != "naryn-full"]  # the primary goes away
    (corpus / "records.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    update_index([corpus], tmp_path / "ix", workers=1)
    service = SearchService(tmp_path / "ix")
    try:
        result = search(service, "Naryn shepherds")
        [hit] = result["hits"]
        # The AMP copy has the whole text: it is the one shown now, the teaser behind it.
        assert hit["id"] == "naryn-amp" and [c["id"] for c in hit["copies"]] == ["naryn-teaser"]
        assert expansion(search(service, "shepherd"), "shepherd", "glossary") == ["чабан"]
    finally:
        service.close()


def test_word_pairs_are_learned_from_the_archives_translations():
    rng = random.Random(7)
    # Fillers recur with ever other partners: no consistent pair. (Two rare words
    # that twice fall in the same aligned sentence and nowhere else cannot be
    # told from a rare name and its translation, and would be learned.)
    filler_en = [f"filler{n}" for n in range(60)]
    filler_ru = [f"наполнитель{n}" for n in range(60)]
    topics = [("pasture", "пастбище"), ("glacier", "ледник"), ("orchard", "сад")]
    pairs = []
    for n in range(60):
        # Four sentences a side, the topic word in the first; fillers fall at random.
        en = [" ".join(rng.sample(filler_en, 3)).capitalize() + "." for _ in range(4)]
        ru = [" ".join(rng.sample(filler_ru, 3)).capitalize() + "." for _ in range(4)]
        word_en, word_ru = topics[n % 3]
        en[0], ru[0] = f"{word_en.capitalize()} {en[0]}", f"{word_ru.capitalize()} {ru[0]}"
        pairs.append((" ".join(en), " ".join(ru)))
    learned = learn_pairs(pairs)
    assert learned["pastur"][0][0] == "пастбище" and learned["ледник"][0][0] == "glacier"
    assert not any(term.startswith("filler") for term in learned)
    assert learn_pairs(pairs[:10]) == {}  # too few translations to learn from
