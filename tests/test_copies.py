"""Copies of one article become one hit: indexer/engine/copies.py."""

import os
import random
import subprocess
import sys

import pytest

from indexer.engine.copies import (
    FINGERPRINT_BYTES,
    MIN_BODY_WORDS,
    Copy,
    copies_by_primary,
    find_copies,
    fingerprint,
    is_amp_or_print,
    normalized_words,
)
from indexer.errors import IndexFormatError

# Vocabulary of a city-hall story, so that any two generated articles share
# their words but not their word order.
CITY_VOCABULARY = """
council mayor budget vote members street tram line bridge repair school
district residents meeting plan money year spring summer winter road
water heating pipes contract company tender price million roubles city
hall office report deputy session public hearing park trees square
parking buses route station night shift workers union salary delay
project design architect old new central northern southern quarter
housing flats tenants rent rise fall promise question answer week
"""

FLOOD_TITLE = "River breaks its banks in the valley towns"
FLOOD = (
    "Heavy rain over the weekend pushed the river over its banks, and water "
    "reached the lower streets of three valley towns on Sunday night. Rescue "
    "crews moved about two hundred residents to the school gym. The regional "
    "office said the water should fall by Wednesday if the rain stops, but "
    "farmers fear for the spring crops."
)
FARMERS_TITLE = "Valley farmers count the cost of the flood"
FARMERS = (
    "Farmers in the valley say the flood has ruined much of the spring crop. "
    "The river rose after two days of heavy rain and covered fields near the "
    "towns for most of the week. Regional officials promised help to residents "
    "and farmers, and crews are still pumping water from the lower streets."
)
FLOOD_RU_TITLE = "Река вышла из берегов в городах долины"
FLOOD_RU = (
    "Проливные дожди в выходные подняли реку выше берегов, и в воскресенье "
    "вечером вода дошла до нижних улиц трёх городов долины. Спасатели "
    "перевезли около двухсот жителей в спортзал школы. В областном управлении "
    "сказали, что вода спадёт к среде, если дождь прекратится, но фермеры "
    "боятся за весенние посевы."
)


def paragraphs(seed, count=5, words_each=60):
    """Paragraphs of sentence-like text drawn from CITY_VOCABULARY."""
    vocabulary = CITY_VOCABULARY.split()
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        words = [rng.choice(vocabulary) for _ in range(words_each)]
        sentences = [" ".join(words[at:at + 12]) for at in range(0, words_each, 12)]
        result.append(" ".join(s[0].upper() + s[1:] + "." for s in sentences))
    return result


def article(seed):
    return "\n\n".join(paragraphs(seed))


def doc(docnum, title, body, url=None, lang="en"):
    return Copy(docnum=docnum, fingerprint=fingerprint(title, body),
                length=len(normalized_words(body)),
                url=url or f"https://city.example/news/{docnum}", lang=lang)


def test_fingerprint_has_a_fixed_size():
    assert len(fingerprint("", "")) == FINGERPRINT_BYTES
    assert len(fingerprint("Council votes", article(1))) == FINGERPRINT_BYTES


def test_fingerprint_ignores_case_punctuation_and_yo():
    body = "Ёлку поставили на площади! Мэр, депутаты и жители пришли — вечером, в мороз."
    plain = "елку поставили на площади мэр депутаты и жители пришли вечером в мороз"
    assert fingerprint("Ёлка на площади", body) == fingerprint("елка  на площади.", plain)


def test_fingerprint_is_the_same_in_another_process():
    title, body = "Council approves the tram budget", article(2)
    script = ("import sys; from indexer.engine.copies import fingerprint; "
              "print(fingerprint(sys.argv[1], sys.argv[2]).hex())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", script, title, body], env=env,
                           capture_output=True, text=True, check=True)
    assert other.stdout.strip() == fingerprint(title, body).hex()


def test_identical_bodies_under_two_ids_are_one_hit():
    body = article(3)
    hidden = find_copies([doc(7, "Mayor presents the budget", body),
                          doc(4, "Mayor presents the budget", body)])
    assert hidden == {7: 4}


def test_a_few_words_changed_is_still_a_copy():
    words = article(4).split()
    assert len(words) == 300
    edited = list(words)
    for at in (25, 80, 140, 200, 260):
        edited[at] = "corrected"
    hidden = find_copies([doc(1, "Bridge repair contract signed", " ".join(words)),
                          doc(2, "Bridge repair contract signed | City Herald", " ".join(edited))])
    assert hidden == {2: 1}


def test_teaser_page_is_hidden_behind_the_full_article():
    title = "Tenants protest the rent rise in the northern quarter"
    full = article(5)
    teaser = full.split("\n\n")[0] + " Read the full story."
    hidden = find_copies([doc(1, title, teaser, url="https://city.example/t/1"),
                          doc(2, title, full, url="https://city.example/news/tenants-protest-rent-rise")])
    assert hidden == {1: 2}


def test_canonical_page_is_primary_over_its_amp_copy():
    body = article(6)
    amp = doc(1, "Night buses return", body, url="https://city.example/buses/amp")
    canonical = doc(2, "Night buses return", body, url="https://city.example/buses")
    assert find_copies([amp, canonical]) == {1: 2}


def test_three_copies_form_one_group():
    body = article(7)
    docs = [doc(5, "Heating pipes to be replaced", body, url="https://amp.city.example/pipes"),
            doc(3, "Heating pipes to be replaced", body, url="https://city.example/pipes?print=1"),
            doc(9, "Heating pipes to be replaced", body, url="https://city.example/pipes")]
    hidden = find_copies(docs)
    assert hidden == {5: 9, 3: 9}
    assert copies_by_primary(hidden) == {9: [3, 5]}
    assert find_copies(list(reversed(docs))) == hidden


def test_shorter_url_then_lower_docnum_decide_between_equals():
    body = article(8)
    assert find_copies([doc(1, "Park trees", body, url="https://city.example/news/park-trees"),
                        doc(2, "Park trees", body, url="https://city.example/p/1")]) == {1: 2}
    assert find_copies([doc(6, "Park trees", body, url="https://city.example/p/2"),
                        doc(5, "Park trees", body, url="https://city.example/p/1")]) == {6: 5}


@pytest.mark.parametrize(("title_a", "title_b"), [
    (FLOOD_TITLE, FARMERS_TITLE),
    (FLOOD_TITLE, FLOOD_TITLE),  # a reused headline does not make a copy
])
def test_two_stories_on_one_topic_stay_apart(title_a, title_b):
    assert find_copies([doc(1, title_a, FLOOD), doc(2, title_b, FARMERS)]) == {}


def test_articles_in_one_vocabulary_stay_apart():
    docs = [doc(n, f"City hall story number {n}", article(100 + n)) for n in range(30)]
    assert find_copies(docs) == {}


def test_translation_is_not_a_copy():
    assert find_copies([doc(1, FLOOD_TITLE, FLOOD), doc(2, FLOOD_RU_TITLE, FLOOD_RU, lang="ru")]) == {}
    # Even an identical text is kept when the two are tagged in different languages.
    body = article(9)
    assert find_copies([doc(1, "Budget vote", body), doc(2, "Budget vote", body, lang="ru")]) == {}


def test_shared_stub_under_different_titles_is_not_a_copy():
    stub = "This article is for subscribers only. Subscribe to read the whole story today."
    assert len(normalized_words(stub)) >= MIN_BODY_WORDS
    hidden = find_copies([doc(1, "Council sells the old tram depot", stub),
                          doc(2, "Union calls a strike of bus drivers", stub)])
    assert hidden == {}


def test_a_stale_fingerprint_asks_for_a_rebuild():
    broken = Copy(docnum=3, fingerprint=b"\x00" * 16, length=10, url="u", lang="en")
    with pytest.raises(IndexFormatError, match="rebuild"):
        find_copies([broken])
    old = bytearray(fingerprint("Title", article(10)))
    old[0] = 0
    with pytest.raises(IndexFormatError, match="rebuild"):
        find_copies([Copy(docnum=4, fingerprint=bytes(old), length=300, url="u", lang="en")])


@pytest.mark.parametrize(("url", "expected"), [
    ("https://city.example/news/budget", False),
    ("https://city.example/news/budget/amp", True),
    ("https://city.example/news/budget/amp/", True),
    ("https://city.example/amp/news/budget", True),
    ("https://city.example/news/budget.amp", True),
    ("https://city.example/news/budget.amp.html", True),
    ("https://city.example/news/budget?amp", True),
    ("https://city.example/news/budget?id=3&amp=1", True),
    ("https://city.example/news/budget?outputType=amp", True),
    ("https://amp.city.example/news/budget", True),
    ("https://city.example/print/news/budget", True),
    ("https://city.example/news/budget/print", True),
    ("https://city.example/news/budget?print", True),
    ("https://city.example/news/budget?print=1", True),
    ("https://city.example/news/ampere-law", False),
    ("https://city.example/news/blueprint", False),
    ("https://city.example/news/budget?a=1&amp;b=2", False),  # an HTML entity left in
    ("https://campus.example/news/budget", False),
])
def test_amp_and_print_urls(url, expected):
    assert is_amp_or_print(url) is expected


def test_copies_by_primary_inverts_and_sorts():
    assert copies_by_primary({8: 2, 3: 2, 7: 1}) == {1: [7], 2: [3, 8]}
    assert copies_by_primary({}) == {}
