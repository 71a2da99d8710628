"""A reproducible synthetic bilingual corpus, written as JSON Lines.

Word forms are drawn with Zipf-distributed ranks from a vocabulary built
from the sample corpus (its own word frequencies, function words included),
widened for Russian with other forms of the same lexemes and with words from
pymorphy3's dictionary, and for both languages with invented proper names, so
that the long tail of a real archive exists. Metadata: the 25 regions,
hundreds of authors, dates over 20 years.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import re
from collections import Counter
from pathlib import Path

from indexer.ingest.corpus import read_corpus
from indexer.model import Article
from indexer.text.analysis import morph_analyzer
from indexer.text.regions import REGIONS

SAMPLE_CORPUS = Path(__file__).resolve().parent.parent / "sample_corpus"
RECORDS_PER_FILE = 1000
WORDS_PER_ARTICLE = (350, 650)  # ~500 on average
ZIPF_EXPONENT = 1.05
FIRST_YEAR, LAST_YEAR = 2005, 2024
AUTHORS = 400
SEED = 2024  # the benchmarks' corpus

WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
CYRILLIC = re.compile(r"[а-яё]", re.I)

SYLLABLES = {
    "en": ["ka", "ra", "bek", "tur", "zan", "ol", "mir", "sha", "dov", "al", "ib", "gul",
           "nur", "ter", "vas", "lan", "ost", "che", "ko", "dar", "yan", "ev", "us", "ma"],
    "ru": ["ка", "ра", "бек", "тур", "зан", "ол", "мир", "ша", "дов", "ал", "иб", "гул",
           "нур", "тер", "вас", "лан", "ост", "че", "ко", "дар", "ян", "ев", "ус", "ма"],
}
FIRST_NAMES = {
    "en": ["Aigul", "Bakyt", "Dana", "Farid", "Gulnara", "Irakli", "Lena", "Murat", "Nino",
           "Oleg", "Rustam", "Saule", "Timur", "Vera", "Zarina", "Arman", "Elmira", "Giorgi"],
    "ru": ["Айгуль", "Бакыт", "Дана", "Фарид", "Гульнара", "Ираклий", "Лена", "Мурат", "Нино",
           "Олег", "Рустам", "Сауле", "Тимур", "Вера", "Зарина", "Арман", "Эльмира", "Георгий"],
}


class Vocabulary:
    """Word forms of one language with Zipf sampling over their ranks."""

    def __init__(self, forms: list[str], rng: random.Random):
        self.forms = forms
        weights = [1 / (rank ** ZIPF_EXPONENT) for rank in range(1, len(forms) + 1)]
        self.cumulative = list(itertools.accumulate(weights))
        self.rng = rng

    def words(self, n: int) -> list[str]:
        """``n`` words drawn by Zipf rank."""
        return self.rng.choices(self.forms, cum_weights=self.cumulative, k=n)


def _sample_counts() -> dict[str, Counter]:
    counts = {"en": Counter(), "ru": Counter()}
    for item in read_corpus([SAMPLE_CORPUS]):
        if isinstance(item, Article):
            counts[item.lang].update(WORD.findall(item.title + " " + item.body))
    return counts


def _invented_names(lang: str, n: int, rng: random.Random) -> list[str]:
    names = set()
    while len(names) < n:
        parts = rng.choices(SYLLABLES[lang], k=rng.randint(2, 4))
        names.add("".join(parts).capitalize())
    return sorted(names)


def _russian_tail(seen: set[str], n: int, rng: random.Random) -> list[str]:
    """Other forms of the sample's lexemes and dictionary words, shuffled."""
    morph = morph_analyzer()
    extra: list[str] = []
    for word in sorted(seen):
        parse = morph.parse(word.lower())[0]
        if parse.is_known:
            extra.extend(f.word for f in parse.lexeme[:12])
    letters = "абвгдежзиклмнопрстуфхцчшэюя"
    for a, b in itertools.product(letters, repeat=2):
        for parse in itertools.islice(morph.iter_known_word_parses(a + b), 25):
            extra.append(parse.word)
    extra = sorted(set(extra) - seen)
    rng.shuffle(extra)
    return extra[:n]


def build_vocabularies(seed: int) -> dict[str, Vocabulary]:
    """English and Russian vocabularies: sample frequencies first, then the tail."""
    rng = random.Random(seed)
    counts = _sample_counts()
    vocab = {}
    for lang in ("en", "ru"):
        head = [w for w, _ in counts[lang].most_common()]
        tail = _invented_names(lang, 8000, rng)
        if lang == "ru":
            tail = _russian_tail(set(head), 40000, rng) + tail
        rng.shuffle(tail)
        vocab[lang] = Vocabulary(head + tail, random.Random(seed + len(lang)))
    return vocab


def _authors(rng: random.Random) -> list[tuple[str, str]]:
    """(language, name) pairs; about half write in both languages."""
    people = []
    for i in range(AUTHORS):
        surname_en = _invented_names("en", 1, random.Random(seed_for(i)))[0] + "ova"
        first = rng.randrange(len(FIRST_NAMES["en"]))
        en = f"{FIRST_NAMES['en'][first]} {surname_en}"
        ru = f"{FIRST_NAMES['ru'][first]} {_translit(surname_en)}"
        people.append((en, ru))
    return people


def authors(seed: int = SEED) -> list[tuple[str, str]]:
    """The corpus's authors as (English, Russian) bylines, most frequent first: the
    draw ``generate`` makes with a fresh ``Random(seed)``."""
    return _authors(random.Random(seed))


def seed_for(i: int) -> int:
    return 7919 * (i + 1)


def _translit(name: str) -> str:
    table = {"sh": "ш", "ch": "ч", "ya": "я", "ev": "ев", "a": "а", "b": "б", "d": "д",
             "e": "е", "g": "г", "i": "и", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о",
             "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "z": "з", "y": "й"}
    out, i, low = [], 0, name.lower()
    while i < len(low):
        for size in (2, 1):
            piece = low[i:i + size]
            if piece in table:
                out.append(table[piece])
                i += size
                break
        else:
            out.append(low[i])
            i += 1
    return "".join(out).capitalize()


def _sentences(words: list[str], rng: random.Random) -> str:
    sentences, i = [], 0
    while i < len(words):
        n = rng.randint(8, 22)
        chunk = words[i:i + n]
        sentences.append(chunk[0].capitalize() + " " + " ".join(chunk[1:]) + ".")
        i += n
    paragraphs, i = [], 0
    while i < len(sentences):
        n = rng.randint(2, 5)
        paragraphs.append(" ".join(sentences[i:i + n]))
        i += n
    return "\n\n".join(paragraphs)


def ensure_corpus(work: Path, docs: int, seed: int = SEED) -> Path:
    """The corpus of ``docs`` articles under ``work``, generated once and reused."""
    corpus = work / f"corpus-{docs}"
    if not (corpus / ".complete").exists():
        import shutil
        import sys

        shutil.rmtree(corpus, ignore_errors=True)
        print(f"generating {docs} articles in {corpus} …", file=sys.stderr)
        generate(corpus, docs, seed=seed)
        (corpus / ".complete").touch()
    return corpus


def generate(out_dir: Path, docs: int, seed: int = SEED) -> Path:
    """Write ``docs`` articles (half Russian) as JSON Lines files under ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    vocab = build_vocabularies(seed)
    people = _authors(rng)  # first draws of rng, as ``authors(seed)`` makes them
    author_weights = [1 / (r ** 0.8) for r in range(1, len(people) + 1)]
    region_weights = [1 / (r ** 0.7) for r in range(1, len(REGIONS) + 1)]
    start = dt.date(FIRST_YEAR, 1, 1).toordinal()
    end = dt.date(LAST_YEAR, 12, 31).toordinal()
    handle = None
    for i in range(docs):
        if i % RECORDS_PER_FILE == 0:
            if handle:
                handle.close()
            handle = open(out_dir / f"part-{i // RECORDS_PER_FILE:04}.jsonl", "w", encoding="utf-8")
        lang = "ru" if i % 2 else "en"
        words = vocab[lang].words(rng.randint(*WORDS_PER_ARTICLE))
        title_words = vocab[lang].words(rng.randint(5, 10))
        regions = rng.choices([r.slug for r in REGIONS], weights=region_weights,
                              k=rng.choice((1, 1, 1, 2, 2, 3)))
        authors = rng.choices(people, weights=author_weights, k=rng.choice((1, 1, 1, 1, 2)))
        record = {
            "id": f"synthetic/{i:06}",
            "url": f"https://bench.example/{'ru/' if lang == 'ru' else ''}{i:06}",
            "lang": lang,
            "title": " ".join(title_words).capitalize(),
            "authors": list(dict.fromkeys(p[1] if lang == "ru" else p[0] for p in authors)),
            "date": dt.date.fromordinal(rng.randint(start, end)).isoformat(),
            "regions": list(dict.fromkeys(regions)),
            "topics": [rng.choice(["Politics", "Economy", "Society", "Security"])],
            "body": _sentences(words, rng),
        }
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    if handle:
        handle.close()
    return out_dir
