"""Saved-text pages keep all of their article: a line leaves the body only
under a named furniture rule, metadata lines give their metadata and keep
their text, and a closing bio names the author.

Fixtures (tests/fixtures/dumps/survival/, articles invented, layouts of the
region's outlets) cover each way text used to be lost: a date line glued to
the lede (also as a page's first line, with no headline), an opening
paragraph right after the headline, a closing bio followed by the headline
again and gallery counters. ``expected.json`` holds each one's title, date,
authors, body paragraphs and some dropped lines with their rules.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.engine.embedded.build import build_index
from indexer.ingest.dump_reader import read_page_dump
from indexer.ingest.rules import RULES, dropped
from indexer.search.service import SearchRequest, SearchService

SURVIVAL = Path(__file__).parent / "fixtures" / "dumps" / "survival"
EXPECTED = json.loads((SURVIVAL / "expected.json").read_text(encoding="utf-8"))


def sentences(paragraph: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?…»])\s+(?=[A-ZА-ЯЁ«\"])", paragraph) if s]


def read(name: str):
    return read_page_dump((SURVIVAL / f"{name}.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def survival_service(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("survival") / "dumps"
    corpus.mkdir()
    for name in EXPECTED:
        shutil.copy(SURVIVAL / f"{name}.txt", corpus / f"{name}.txt")
    index = corpus.parent / "index"
    build_index([corpus], index, workers=1)
    return SearchService(index)


def found_ids(service: SearchService, query: str) -> set[str]:
    hits = service.search(SearchRequest(query, per_page=50))["hits"]
    return {hit["id"].rsplit("/", 1)[-1] for hit in hits}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_sentence_of_the_article_is_in_the_body(name):
    body = read(name).body
    for paragraph in EXPECTED[name]["body"]:
        for sentence in sentences(paragraph):
            assert sentence in body, sentence


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_title_date_and_authors_are_right_and_say_where_they_came_from(name):
    article, expected = read(name), EXPECTED[name]
    date = article.date.isoformat() if article.date else None
    assert (article.title, date, article.authors) == (
        expected["title"], expected["date"], expected["authors"])
    assert set(article.sources) == {field for field, value in (
        ("title", article.title), ("date", date), ("authors", article.authors)) if value}
    assert article.title not in article.body.split("\n\n")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_dropped_line_names_a_rule_and_every_line_is_accounted_for(name):
    article = read(name)
    assert all(d.rule in RULES for d in article.dropped)
    rules = {d.text: d.rule for d in article.dropped}
    for text, rule in EXPECTED[name]["dropped"].items():
        assert rules.get(text) == rule, text
    kept = article.body.split("\n\n")
    for line in (SURVIVAL / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        line = re.sub(r"\s+", " ", line).strip()
        # a date line glued to the lede is split: its head dropped, its rest kept
        assert not line or line == article.title or line in rules or line in kept or any(
            line == f"{head} {rest}" for head in rules for rest in kept), line


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_paragraph_is_found_by_its_longest_word(survival_service, name):
    for paragraph in EXPECTED[name]["body"]:
        word = max(re.findall(r"[^\W\d_]+", paragraph), key=len)
        assert name in found_ids(survival_service, word), (word, paragraph)


@pytest.mark.parametrize("name", [n for n in sorted(EXPECTED) if EXPECTED[n]["authors"]])
def test_the_author_is_searchable(survival_service, name):
    surname = EXPECTED[name]["authors"][0].split()[-1]
    assert name in found_ids(survival_service, f"author:{surname}")


def test_a_bio_names_its_author_in_the_sources():
    for name in ("cabar_bio", "eurasianet_bio"):
        assert read(name).sources["authors"] == "closing bio"


def test_dropped_refuses_a_rule_not_in_the_registry():
    assert dropped("Share", "share").rule == "share"
    with pytest.raises(AssertionError):
        dropped("Share", "no-such-rule")


# Generated dumps: a headline, a date line (maybe with the lede glued to it),
# paragraphs of made-up sentences, furniture lines anywhere, maybe a closing
# bio followed by trailers. Words are made of syllables that spell no word of
# any furniture rule, so only the furniture lines may leave the body.
SYLLABLES = {"en": ["ka", "ro", "mi", "tu", "ze", "la", "vo", "ni", "be", "su"],
             "ru": ["ка", "ро", "ми", "ту", "зе", "ла", "во", "ни", "бе", "су"]}
FURNITURE = ["Skip to main content", "Перейти к основному содержанию", "Поиск", "Log in",
             "Реклама", "Advertisement", "Поделиться", "Share", "Facebook Twitter Telegram",
             "Print", "A A A", "1 / 12", "Фото 3 из 8", "Photo: Reuters", "Фото: ТАСС",
             "Главная > Новости > Общество", "Tags: Kazakhstan, Oil", "Views: 1204",
             "We use cookies to improve your experience. Accept", "Версия для печати"]
DATE_LINES = ["15 сентября 2025", "Sep 15, 2025", "15.09.2025, 10:42", "date 2025-09-15",
              "Опубликовано: 15.09.2025"]
BIOS = {"en": ("Aliya Bekova", "{} is a freelance writer based in Almaty."),
        "ru": ("Алия Бекова", "{} — журналист из Алматы.")}


@st.composite
def generated_dumps(draw):
    lang = draw(st.sampled_from(sorted(SYLLABLES)))
    word = st.lists(st.sampled_from(SYLLABLES[lang]), min_size=2, max_size=4).map("".join)

    def sentence(words):
        first, *rest = words
        return " ".join([first.capitalize(), *rest]) + "."

    sentence_st = st.lists(word, min_size=4, max_size=14).map(sentence)
    paragraphs = draw(st.lists(st.lists(sentence_st, min_size=1, max_size=3).map(" ".join),
                               min_size=1, max_size=5))
    headline = " ".join(draw(st.lists(word, min_size=4, max_size=9))).capitalize()
    date_line = draw(st.sampled_from(DATE_LINES))
    glued = draw(st.booleans())
    bio = BIOS[lang] if draw(st.booleans()) else None
    blocks = [headline, f"{date_line} {paragraphs[0]}" if glued else date_line,
              *paragraphs[glued:]]
    closing = [bio[1].format(bio[0]), headline, "1 / 12", "2 / 12"] if bio else []
    lines = blocks + closing
    footer = ["Popular", " ".join(draw(st.lists(word, min_size=4, max_size=9))).capitalize()]
    footer = footer if draw(st.booleans()) else []
    furniture = draw(st.lists(st.tuples(st.sampled_from(FURNITURE),
                                        st.integers(0, len(lines))), max_size=6))
    for text, at in sorted(furniture, key=lambda f: -f[1]):
        lines.insert(at, text)
    return ("\n\n".join(lines + footer) + "\n", headline, paragraphs,
            [f for f, _ in furniture] + footer, bio)


@settings(max_examples=80, deadline=None)
@given(generated_dumps())
def test_generated_dumps_keep_every_sentence_and_drop_only_furniture(dump):
    text, headline, paragraphs, furniture, bio = dump
    article = read_page_dump(text)
    assert article.title == headline
    assert article.date is not None
    body = article.body.split("\n\n")
    for paragraph in paragraphs:
        assert paragraph in body
    rules = {d.text: d.rule for d in article.dropped}
    assert all(rule in RULES for rule in rules.values())
    for line in furniture:
        assert line in rules, line
        assert line not in body
    if bio:
        assert rules[bio[1].format(bio[0])] == "bio"
        assert article.authors == [bio[0]]
    assert set(body) == set(paragraphs)  # a paragraph printed twice in a row is kept once
