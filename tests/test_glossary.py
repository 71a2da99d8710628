"""The bilingual glossary: the shipped file, lookups both ways, user files."""

import pytest

from indexer.text.analysis import normal_forms
from indexer.text.glossary import (
    GLOSSARY_FILE,
    Equivalent,
    Glossary,
    shipped_glossary,
    topic_key,
    topic_labels,
)

# The file's documented convention: "# subject: NAME" starts a subject's pairs.
SUBJECT_HEADER = "# subject:"
SUBJECTS = ["politics", "elections", "economy", "energy", "trade", "security", "conflict",
            "migration", "religion", "environment", "society", "law", "media"]


@pytest.fixture(scope="session")
def glossary():
    return shipped_glossary()


def texts_for(glossary, word):
    """What the glossary offers for one query word, over all its index terms."""
    found = []
    for term in normal_forms(word.lower()):
        found += [e.text for e in glossary.equivalents(term) if e.text not in found]
    return found


def write_user_file(tmp_path, text, name="mine.tsv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_glossary_loads_without_problems(glossary):
    assert glossary.problems == []
    assert len(glossary) >= 300
    assert shipped_glossary() is glossary


def test_every_subject_has_its_own_pairs():
    pairs_per_subject: dict[str, int] = {}
    subject = None
    for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith(SUBJECT_HEADER):
            subject = line.removeprefix(SUBJECT_HEADER).strip()
            pairs_per_subject[subject] = 0
        elif line.strip() and not line.startswith("#"):
            assert subject is not None, f"pair before any subject header: {line!r}"
            pairs_per_subject[subject] += 1
    for name in SUBJECTS:
        assert pairs_per_subject.get(name, 0) >= 20, name


@pytest.mark.parametrize("word, expected", [
    ("elections", "выборы"),
    ("Elected", "избирать"),
    ("refugees", "беженец"),
    ("pipeline", "газопровод"),
    ("pipelines", "нефтепровод"),
    ("sanctions", "санкция"),
    ("voted", "голосовать"),
    ("ceasefire", "перемирие"),
])
def test_an_english_word_finds_its_russian_equivalents(glossary, word, expected):
    assert expected in texts_for(glossary, word)


@pytest.mark.parametrize("word, expected", [
    ("выборах", "election"),
    ("выбор", "election"),
    ("беженцев", "refugee"),
    ("газопровода", "pipeline"),
    ("санкциями", "sanction"),
    ("голосовали", "vote"),
    ("пересчёта", "recount"),
    ("пересчета", "recount"),
])
def test_a_russian_word_finds_its_english_equivalents(glossary, word, expected):
    assert expected in texts_for(glossary, word)


def test_equivalents_are_in_the_other_language_only(glossary):
    assert {e.lang for e in glossary.equivalents("elect")} == {"ru"}
    assert {e.lang for e in glossary.equivalents("выбор")} == {"en"}


def test_an_unknown_term_has_no_equivalents(glossary):
    assert glossary.equivalents("zzyzx") == []
    # Lookups take index terms: the word as typed is not one.
    assert glossary.equivalents("elections") == []


def test_a_multi_word_equivalent_comes_analyzed_by_position(glossary):
    assert Equivalent("gas pipeline", "en", (("gas",), ("pipelin",))) \
        in glossary.equivalents("газопровод")
    assert Equivalent("прекращение огня", "ru", (("прекращение",), ("огонь",))) \
        in glossary.equivalents("ceasefir")


def test_a_multi_word_side_is_not_looked_up_by_one_of_its_words(glossary):
    # "gas" alone is газ, not every phrase that has "gas" in it.
    assert texts_for(glossary, "gas") == ["газ"]
    assert "natural gas" not in texts_for(glossary, "природный")


def test_a_user_file_extends_the_shipped_glossary(glossary, tmp_path):
    mine = write_user_file(tmp_path, "# subject: bees\n\nbeekeeping\tпчеловодство\n"
                                     "election\tплебисцит\n")
    extended = Glossary.load([mine])
    assert extended.problems == []
    assert len(extended) == len(glossary) + 2
    assert texts_for(extended, "beekeeping") == ["пчеловодство"]
    assert texts_for(extended, "пчеловодства") == ["beekeeping"]
    # Shipped pairs first, then the user's.
    assert texts_for(extended, "elections") == texts_for(glossary, "elections") + ["плебисцит"]


def test_one_equivalent_is_offered_once(glossary, tmp_path):
    mine = write_user_file(tmp_path, "poll\tголосование\npolling\tголосование\n"
                                     "poll\tголосование\n")
    extended = Glossary.load([mine])
    assert len(extended) == len(glossary) + 2  # the repeated line counts once
    assert texts_for(extended, "polls").count("голосование") == 1


def test_a_windows_saved_user_file_loads(glossary, tmp_path):
    mine = tmp_path / "windows.tsv"
    mine.write_bytes("\ufeffbeekeeping\tпчеловодство\r\nhive\tулей\r\n".encode("utf-8"))
    extended = Glossary.load([mine])
    assert extended.problems == []
    assert texts_for(extended, "beekeeping") == ["пчеловодство"]
    assert texts_for(extended, "пчеловодства") == ["beekeeping"]
    assert texts_for(extended, "ульи") == ["hive"]


def test_malformed_lines_are_reported_and_skipped(glossary, tmp_path):
    mine = tmp_path / "typos.tsv"
    lines = [
        "# my words",
        "beekeeping\tпчеловодство",
        "beekeeping пчеловодство",
        "выборы\tголосование",
        "electiоn\tвыборы",  # a Cyrillic "о" in the English side
        "\tвыборы",
        "выборы\telection",
        "hive\tулей\tулья",
        "hive\tулей",
        "queen\tматкa",  # a Latin "a" in the Russian side
    ]
    not_utf8 = "swarm\tрой".encode("cp1251")
    mine.write_bytes("\n".join(lines).encode("utf-8") + b"\n" + not_utf8 + b"\n")
    loaded = Glossary.load([mine])
    assert loaded.problems == [
        f"{mine}:3: no tab between the English and the Russian side",
        f"{mine}:4: both sides are Russian",
        f"{mine}:5: English side 'electiоn' is not in Latin script",
        f"{mine}:6: empty English side",
        f"{mine}:7: sides swapped: expected english<TAB>russian",
        f"{mine}:8: more than one tab: expected english<TAB>russian",
        f"{mine}:10: Russian side 'маткa' is not in Cyrillic script",
        f"{mine}:11: not valid UTF-8",
    ]
    assert len(loaded) == len(glossary) + 2
    assert texts_for(loaded, "hives") == ["улей"]
    assert texts_for(loaded, "beekeeping") == ["пчеловодство"]


def test_a_missing_user_file_is_an_error(tmp_path):
    missing = tmp_path / "nowhere.tsv"
    with pytest.raises(FileNotFoundError, match="nowhere.tsv"):
        Glossary.load([missing])


# Section names of both editions that are one topic, and ones that are not.
ONE_TOPIC = [("Politics", "Политика"), ("politics", "ПОЛИТИКА"), ("Economy", "Экономика"),
             ("Security", "Безопасность"), ("Environment", "Экология"),
             ("Arts and Culture", "Культура"), ("Human rights", "Права человека")]
OTHER_TOPICS = [("Politics", "Экономика"), ("Economy", "Society"), ("Политика", "Политолог"),
                ("Security", "Environment")]


@pytest.mark.parametrize("english, russian", ONE_TOPIC)
def test_a_topics_names_in_both_languages_share_a_key(glossary, english, russian):
    assert topic_key(english, glossary) == topic_key(russian, glossary)


@pytest.mark.parametrize("one, other", OTHER_TOPICS)
def test_other_topics_keep_their_own_keys(glossary, one, other):
    assert topic_key(one, glossary) != topic_key(other, glossary)


def test_a_topic_is_labelled_in_each_language_even_when_the_corpus_has_one(glossary):
    assert topic_labels(["Политика", "Politics"], glossary) == {"en": "Politics", "ru": "Политика"}
    assert topic_labels(["Security"], glossary) == {"en": "Security", "ru": "Безопасность"}
    assert topic_labels(["Экономика"], glossary) == {"en": "Economy", "ru": "Экономика"}
    # A section the glossary lacks keeps its own name in both.
    assert topic_labels(["Long reads"], glossary) == {"en": "Long reads", "ru": "Long reads"}


def test_a_user_file_joins_topics_the_shipped_glossary_does_not(glossary, tmp_path):
    own = tmp_path / "sections.tsv"
    own.write_text("long reads\tлонгриды\n", encoding="utf-8")
    assert topic_key("Long reads", glossary) != topic_key("Лонгриды", glossary)
    extended = Glossary.load([own])
    assert topic_key("Long reads", extended) == topic_key("Лонгриды", extended)
