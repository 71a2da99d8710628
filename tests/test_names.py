"""Name keys: one name's spellings meet across scripts and romanizations, others do not."""

import random
import re

import pickle

import iuliia
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.text.analysis import analyze, author_analyzer
from indexer.text.names import (
    NameTableError,
    cross_script_pairs,
    first_names_with,
    full_name_key,
    is_name_like,
    is_person_key,
    name_key,
    person_word_key,
    read_aliases,
    read_first_names,
)


def index_terms(text):
    """Every index term the bilingual analyzer makes of text."""
    return set().union(*analyze(text))


SAME_NAME = [
    ["Tokayev", "Tokaev", "Токаев", "Tokayev's", "TOKAYEV", "Тоқаев", "Toqaev"],
    ["Mirziyoyev", "Mirziyoev", "Мирзиёев", "Мирзиеев"],
    ["Kucera", "Kuchera", "Kučera", "Kuc\u030cera", "Кучера"],
    ["Joshua", "Джошуа"],
    ["Japarov", "Zhaparov", "Жапаров"],
    ["Pashinyan", "Pashinian", "Пашинян"],
    ["Aliyev", "Aliev", "Алиев", "Əliyev"],
    ["Nazarbayev", "Nazarbaev", "Назарбаев"],
    ["Zelensky", "Zelenskyy", "Zelenskiy", "Zelenskii", "Zelenskij", "Зеленский", "Зеленський"],
    ["Saakashvili", "Саакашвили"],
    ["Lukashenko", "Лукашенко"],
    ["Tsikhanouskaya", "Tsikhanovskaya", "Ціханоўская"],
    ["Tikhanovskaya", "Тихановская"],
    ["Shavkat", "Шавкат"],
    ["Ilham", "Ильхам", "İlham"],
    ["Yerevan", "Erevan", "Ереван"],
    ["Bishkek", "Бишкек"],
    ["Gorbachev", "Gorbachyov", "Gorbatchev", "Горбачёв"],
    ["Shcherbakov", "Scherbakov", "Щербаков"],
    ["Berdymukhamedov", "Berdimuhamedow", "Бердымухамедов"],
    ["Kyrgyzstan", "Kirgizstan", "Кыргызстан"],
    ["Yulia", "Yuliya", "Iuliia", "Юлия"],
    ["Alexei", "Aleksei", "Alexey", "Алексей"],
    ["Clinton", "Клинтон"],
    ["Umarov", "Oumarov", "Умаров"],
    ["Anahit", "Анаит"],
    ["Bahodir", "Баходир"],
    ["Mikhail", "Mihail", "Михаил"],
    ["Korolyov", "Korolev", "Королёв", "Королев"],
    ["Vorobyov", "Vorobyev", "Vorobev", "Воробьёв", "Воробьев"],
    ["Pyotr", "Petr", "Пётр"],
]


@pytest.mark.parametrize("spellings", SAME_NAME, ids=lambda spellings: spellings[0])
def test_spellings_of_one_name_share_a_key(spellings):
    keys = {spelling: name_key(spelling) for spelling in spellings}
    assert len(set(keys.values())) == 1, keys


# A form of the name in running text, and another spelling: some index term of
# the text (a Porter2 stem, a pymorphy3 normal form) must share its key.
INDEX_TERM_AND_SPELLING = [
    ("Tokayev's", "Токаев"),
    ("Токаевым", "Tokayev"),
    ("Мирзиёева", "Mirziyoyev"),
    ("Mirziyoyev", "Мирзиёев"),
    ("Kučera", "Кучера"),
    ("Джошуа", "Joshua"),
    ("Жапарова", "Japarov"),
    ("Zhaparov", "Жапаров"),
    ("Пашиняна", "Pashinyan"),
    ("Алиева", "Aliyev"),
    ("Aliev", "Алиев"),
    ("Назарбаеву", "Nazarbayev"),
    ("Zelensky", "Зеленский"),
    ("Zelenskyy's", "Зеленский"),
    ("Зеленского", "Zelenskiy"),
    ("Саакашвили", "Saakashvili"),
    ("Лукашенко", "Lukashenko"),
    ("Шавката", "Shavkat"),
    ("Ильхаму", "Ilham"),
    ("Еревана", "Yerevan"),
    ("Yerevan's", "Ереван"),
    ("Бишкеке", "Bishkek"),
]


@pytest.mark.parametrize("text, spelling", INDEX_TERM_AND_SPELLING)
def test_index_terms_of_a_name_share_its_key(text, spelling):
    keys = {term: name_key(term) for term in index_terms(text)}
    assert name_key(spelling) in keys.values(), keys


DIFFERENT_NAMES = [
    ("Tokayev", "Tokmok"),
    ("Токаев", "Токмок"),
    ("Aliyev", "Alekseev"),
    ("Алиев", "Алексеев"),
    ("Kucera", "Kuchma"),
    ("Кучера", "Кучма"),
    ("Pashinyan", "Pashkov"),
    ("Пашинян", "Пашков"),
    # Jabarov (Джаббаров) is another surname, not a romanization of Japarov.
    ("Japarov", "Jabarov"),
    ("Жапаров", "Жабаров"),
    # Another person: a wife, a daughter.
    ("Ivanov", "Ivanova"),
    ("Zelensky", "Zelenska"),
    # Belarusian Ці- and Russian Ти- are two languages: join them with an alias.
    ("Tsikhanouskaya", "Тихановская"),
    ("Tsikhanouskaya", "Tikhanovskaya"),
]


@pytest.mark.parametrize("one, other", DIFFERENT_NAMES)
def test_different_names_have_different_keys(one, other):
    assert name_key(one) != name_key(other)


@pytest.mark.parametrize("one, other", [
    ("tokayev", "токмок"), ("aliyev", "алексеев"), ("kucera", "кучма"),
    ("pashinyan", "пашков"), ("japarov", "жабаров"), ("ivanov", "ivanova"),
])
def test_index_terms_of_different_names_have_different_keys(one, other):
    ones = {name_key(term) for term in index_terms(one)}
    others = {name_key(term) for term in index_terms(other)}
    assert not ones & others


@pytest.mark.parametrize("name", [
    "Джошуа Кучера", "JOSHUA KUČERA", "joshua  kucera", " Joshua Kucera. ", "joshua kučera",
    "Joshua\tKuchera",
])
def test_full_names_in_either_script_share_a_key(name):
    assert full_name_key(name) == full_name_key("Joshua Kucera")


@pytest.mark.parametrize("one, other", [
    ("Ильхам Алиев", "İlham Əliyev"),
    ("Шавкат Мирзиёев", "Shavkat Mirziyoyev"),
    ("Тер-Петросян", "Ter Petrosyan"),
    ("Касым-Жомарт Токаев", "Kassym-Jomart Tokayev"),
])
def test_full_names_with_other_letters_and_hyphens_share_a_key(one, other):
    assert full_name_key(one) == full_name_key(other)


@pytest.mark.parametrize("other", [
    "Kucera Joshua",  # order is kept: a different key
    "Joshua Kuchma",
    "J. Kucera",
    "Joshua",
])
def test_other_full_names_have_other_keys(other):
    assert full_name_key(other) != full_name_key("Joshua Kucera")


def test_a_name_without_letters_has_an_empty_key():
    assert full_name_key(" -- ") == ""


@pytest.mark.parametrize("word, expected", [
    ("Алиев", True),  # a surname
    ("Ереван", True),  # a place
    ("Джошуа", True),  # a first name
    ("Мирзиёев", True),
    ("Тихановская", True),  # unknown: pymorphy3 guesses
    ("Жапаров", True),
    ("мир", False),
    ("Мир", False),
    ("банк", False),
    ("он", False),
    ("выборы", False),
    ("mir", True),  # Latin words have no dictionary here
    ("bank", True),
    ("on", True),
    ("2024", False),
])
def test_is_name_like_keeps_common_russian_words_out(word, expected):
    assert is_name_like(word) is expected


BILINGUAL_TEXT = (
    "Токаев встретился с Токаевым. Алиева, Еревана, Зеленского, Жапарова, Пашиняна, "
    "Мирзиёева, Назарбаева. Банк, мир, он. "
    "Tokayev's visit: Aliyev, Yerevan, Zelensky, Japarov, Pashinyan, Mirziyoyev, Nazarbayev. "
    "A bank, the Mir card, on time."
)


@pytest.mark.parametrize("latin, cyrillic", [
    ("tokayev", "токаев"), ("aliyev", "алиев"), ("yerevan", "ереван"),
    ("zelenski", "зеленский"), ("japarov", "жапаров"), ("pashinyan", "пашинян"),
    ("mirziyoyev", "мирзиеев"), ("nazarbayev", "назарбаев"),
])
def test_cross_script_pairs_join_a_names_index_terms_both_ways(latin, cyrillic):
    pairs = cross_script_pairs(index_terms(BILINGUAL_TEXT))
    assert pairs[latin] == [cyrillic]
    assert pairs[cyrillic] == [latin]


@pytest.mark.parametrize("common_word", ["bank", "банк", "mir", "мир", "on", "он"])
def test_cross_script_pairs_leave_common_words_alone(common_word):
    assert common_word not in cross_script_pairs(index_terms(BILINGUAL_TEXT))


def test_cross_script_pairs_list_every_spelling_of_the_other_script_sorted():
    pairs = cross_script_pairs(["tokayev", "токаев", "tokaev", "ереван", "erevan", "yerevan"])
    assert pairs["токаев"] == ["tokaev", "tokayev"]
    assert pairs["ереван"] == ["erevan", "yerevan"]
    # Then the same script's other spellings, because the name is in both scripts.
    assert pairs["tokaev"] == ["токаев", "tokayev"]
    assert pairs["yerevan"] == ["ереван", "erevan"]


def test_same_script_spellings_pair_only_for_a_name_found_in_both_scripts():
    assert cross_script_pairs(["tokayev", "tokaev"]) == {}


def test_cross_script_pairs_skip_keys_shorter_than_min_key():
    assert cross_script_pairs(["ali", "али"]) == {}
    assert cross_script_pairs(["ali", "али"], min_key=3) == {"ali": ["али"], "али": ["ali"]}


def test_cross_script_pairs_without_matches_is_empty():
    assert cross_script_pairs(["tokayev", "bishkek", "ереван"]) == {}
    assert cross_script_pairs([]) == {}


def synthetic_vocabulary(size, seed=7):
    """Invented Cyrillic surnames and their Latin spellings: every key collides."""
    syllables = ["ка", "ра", "бек", "тур", "зан", "ол", "мир", "ша", "дов", "ал", "иб", "гул",
                 "нур", "тер", "вас", "лан", "ост", "че", "ко", "дар", "ян", "ев", "ус", "ма"]
    rng = random.Random(seed)
    cyrillic = set()
    while len(cyrillic) < size // 2:
        cyrillic.add("".join(rng.choices(syllables, k=rng.randint(2, 4))) + "ов")
    latin = {iuliia.WIKIPEDIA.translate(word) for word in cyrillic}
    return sorted(cyrillic | latin)


def test_cross_script_pairs_read_each_term_once_and_the_dictionary_only_for_cyrillic():
    """What keeps 200,000 terms to seconds (no timing here: speed is the benchmarks'):
    each term's key is made once, and only Cyrillic terms reach the dictionary."""
    terms = synthetic_vocabulary(20_000)
    name_key.cache_clear()
    is_name_like.cache_clear()
    pairs = cross_script_pairs(terms)
    assert len(pairs) > 15_000
    assert name_key.cache_info().misses <= len(terms)
    cyrillic = sum(1 for term in terms if re.search("[а-я]", term))
    assert is_name_like.cache_info().misses <= cyrillic


ALIASES = """\ufeff# People whose names transliteration cannot join
Bob Smith = Robert Smith = Роберт Смит

Sviatlana Tsikhanouskaya = Светлана Тихановская  # Belarusian and Russian forms
Gogi
  # an indented comment
Misha =   Mikheil   Saakashvili = Михаил Саакашвили
Sasha =
Kyiv = Kyiv
"""


def test_read_aliases_returns_groups_and_reports_lines_with_one_spelling(tmp_path):
    path = tmp_path / "aliases.txt"
    path.write_text(ALIASES, encoding="utf-8")
    groups, problems = read_aliases(path)
    assert groups == [
        ["Bob Smith", "Robert Smith", "Роберт Смит"],
        ["Sviatlana Tsikhanouskaya", "Светлана Тихановская"],
        ["Misha", "Mikheil Saakashvili", "Михаил Саакашвили"],
    ]
    assert [p.split(": ")[0] for p in problems] == [f"{path}:5", f"{path}:8", f"{path}:9"]
    assert all("spelling" in p for p in problems)


def test_read_aliases_joins_what_name_keys_cannot(tmp_path):
    path = tmp_path / "aliases.txt"
    path.write_text("Sviatlana Tsikhanouskaya = Светлана Тихановская\n", encoding="utf-8")
    [[english, russian]], _ = read_aliases(path)
    assert full_name_key(english) != full_name_key(russian)


def test_read_aliases_of_a_missing_file_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_aliases(tmp_path / "missing.txt")


# Forms of one Russian first name, as bylines write them: one person key.
FIRST_NAME_FORMS = [
    ["Надежда", "Nadezhda", "Nadia", "Nadya", "Надя"],
    ["Александр", "Alexander", "Aleksandr", "Alex"],
    ["Алексей", "Alexei", "Lyosha", "Лёша"],
    ["Дмитрий", "Dmitry", "Dmitri", "Dima", "Дима"],
    ["Екатерина", "Yekaterina", "Ekaterina", "Katya", "Катя"],
    ["Михаил", "Mikhail", "Misha", "Миша"],
    ["Наталья", "Natalia", "Natasha", "Наташа"],
]


@pytest.mark.parametrize("forms", FIRST_NAME_FORMS, ids=lambda forms: forms[1])
def test_forms_of_a_first_name_share_a_person_key(forms):
    keys = {form: person_word_key(form) for form in forms}
    assert len(set(keys.values())) == 1, keys


@pytest.mark.parametrize("one, other", [("Alexander", "Alexandra"), ("Alex", "Alexei"),
                                        ("Nadia", "Nina"), ("Moroz", "Morozova")])
def test_other_first_names_keep_their_own_person_keys(one, other):
    assert person_word_key(one) != person_word_key(other)


@pytest.mark.parametrize("one, other", [("Nadia Moroz", "Надежда Мороз"),
                                        ("Anahit Petrosyan", "Анаит Петросян"),
                                        ("Dima Orlov", "Дмитрий Орлов")])
def test_full_names_with_a_first_names_other_form_share_a_key(one, other):
    assert full_name_key(one) == full_name_key(other)


def test_full_names_keep_their_surnames_apart():
    assert full_name_key("Nadia Moroz") != full_name_key("Nadia Morozova")


def test_the_shipped_table_gives_no_form_to_two_names():
    owners = {}
    for group in read_first_names():
        for form in group:
            owners.setdefault(name_key(form), set()).add(group[0])
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}
    assert len(read_first_names()) >= 100


def test_a_table_without_its_header_is_refused(tmp_path):
    path = tmp_path / "names.tsv"
    path.write_text("Надежда\tNadia\n", encoding="utf-8")
    with pytest.raises(NameTableError, match="names.tsv:1"):
        read_first_names(path)


def test_single_word_aliases_extend_the_first_names():
    table = first_names_with([["Sasha", "Alexandra"], ["Bob Smith", "Robert Smith"]])
    assert full_name_key("Sasha Lind", table) == full_name_key("Александра Линд", table)
    assert full_name_key("Sasha Lind") != full_name_key("Александра Линд")


def test_the_author_analyzer_adds_one_person_key_per_word_and_pickles():
    analyzer = pickle.loads(pickle.dumps(author_analyzer()))
    tokens = [(t.text, t.pos) for t in analyzer("Надя Мороз", positions=True)]
    assert tokens[0] == ("надя", 0) and tokens[2] == ("мороз", 1)
    assert is_person_key(tokens[1][0]) and tokens[1][1] == 0
    nadia = [t.text for t in analyzer("Nadia")]
    assert nadia[1] == tokens[1][0]


# Consonant-led syllables, as surnames are made of: a run of bare vowels and
# glides (ей + ё) is no name, and its romanizations may legitimately differ.
RUSSIAN_SYLLABLES = ["ба", "ве", "го", "ду", "жа", "за", "ки", "ло", "ма", "не", "по", "ра",
                     "се", "ти", "фу", "ха", "це", "чи", "ша", "щу", "лё", "ню", "ря", "ов",
                     "бай", "хан", "дзе", "ян", "кей"]


@given(st.lists(st.sampled_from(RUSSIAN_SYLLABLES), min_size=2, max_size=5),
       st.sampled_from(sorted({form for group in FIRST_NAME_FORMS for form in group})))
def test_a_person_key_survives_transliteration_and_case(syllables, first_name):
    surname = "".join(syllables).capitalize()
    name = f"{first_name} {surname}"
    latin = iuliia.WIKIPEDIA.translate(name)
    assert full_name_key(latin) == full_name_key(name)
    assert full_name_key(name.upper()) == full_name_key(name)
    assert full_name_key(name.replace("ё", "е")) == full_name_key(name)
    assert person_word_key(latin.split()[1]) == person_word_key(surname)
