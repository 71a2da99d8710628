"""The archive's region taxonomy, label lookups and region inference.

The taxonomy is the site's own menu: five groups of countries and
territories. Each region has a slug, an English and a Russian label, and the
variant names people write in either language. Names are matched through
the same analyzer as the text, so every inflected form counts
("в Киргизии" is Kyrgyzstan, "Нагорного Карабаха" is Nagorno-Karabakh).

Inference rule, used only when a page names no regions itself: a region is
inferred when one of its names appears in the title, or at least twice in
the body. At most three regions are kept, the most mentioned first (a title
mention counts as two).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .analysis import analyze, normal_forms

MAX_INFERRED = 3
TITLE_WEIGHT = 2
MIN_WEIGHT = 2


@dataclass(frozen=True)
class Region:
    slug: str
    group: str
    en: str
    ru: str
    names: tuple[str, ...] = ()

    def label(self, lang: str = "en") -> str:
        """The region's name in ``lang`` (``en`` or ``ru``)."""
        return self.ru if lang == "ru" else self.en


@dataclass(frozen=True)
class RegionGroup:
    slug: str
    en: str
    ru: str

    def label(self, lang: str = "en") -> str:
        """The group's name in ``lang`` (``en`` or ``ru``)."""
        return self.ru if lang == "ru" else self.en


GROUPS = (
    RegionGroup("caucasus", "Caucasus", "Кавказ"),
    RegionGroup("central-asia", "Central Asia", "Центральная Азия"),
    RegionGroup("conflict-zones", "Conflict Zones", "Зоны конфликтов"),
    RegionGroup("eastern-europe", "Eastern Europe", "Восточная Европа"),
    RegionGroup("eurasian-fringe", "Eurasian Fringe", "Окрестности Евразии"),
)

REGIONS = (
    Region("armenia", "caucasus", "Armenia", "Армения"),
    Region("azerbaijan", "caucasus", "Azerbaijan", "Азербайджан"),
    Region("georgia", "caucasus", "Georgia", "Грузия", ("Sakartvelo",)),
    Region("kazakhstan", "central-asia", "Kazakhstan", "Казахстан"),
    Region("kyrgyzstan", "central-asia", "Kyrgyzstan", "Кыргызстан",
           ("Kirghizia", "Kirgizia", "Kyrgyz Republic", "Киргизия",
            "Киргизстан")),
    Region("tajikistan", "central-asia", "Tajikistan", "Таджикистан",
           ("Tadjikistan",)),
    Region("turkmenistan", "central-asia", "Turkmenistan", "Туркменистан",
           ("Туркмения",)),
    Region("uzbekistan", "central-asia", "Uzbekistan", "Узбекистан"),
    Region("abkhazia", "conflict-zones", "Abkhazia", "Абхазия"),
    Region("nagorno-karabakh", "conflict-zones", "Nagorno Karabakh",
           "Нагорный Карабах", ("Karabakh", "Artsakh", "Карабах", "Арцах")),
    Region("south-ossetia", "conflict-zones", "South Ossetia", "Южная Осетия",
           ("Tskhinvali region",)),
    Region("transnistria", "conflict-zones", "Transnistria", "Приднестровье",
           ("Transdniestria", "Pridnestrovie", "Приднестровская Молдавская Республика")),
    Region("belarus", "eastern-europe", "Belarus", "Беларусь",
           ("Belorussia", "Byelorussia", "Белоруссия")),
    Region("moldova", "eastern-europe", "Moldova", "Молдова",
           ("Moldavia", "Молдавия")),
    Region("russia", "eastern-europe", "Russia", "Россия",
           ("Russian Federation", "Российская Федерация")),
    Region("the-baltics", "eastern-europe", "The Baltics", "Прибалтика",
           ("Baltics", "Baltic states", "Latvia", "Lithuania", "Estonia",
            "Балтия", "страны Балтии", "Латвия", "Литва", "Эстония")),
    Region("ukraine", "eastern-europe", "Ukraine", "Украина"),
    Region("afghanistan", "eurasian-fringe", "Afghanistan", "Афганистан"),
    Region("china", "eurasian-fringe", "China", "Китай", ("КНР",)),
    Region("eu", "eurasian-fringe", "EU", "ЕС",
           ("European Union", "Евросоюз", "Европейский союз")),
    Region("iran", "eurasian-fringe", "Iran", "Иран"),
    Region("mongolia", "eurasian-fringe", "Mongolia", "Монголия"),
    Region("turkey", "eurasian-fringe", "Turkey", "Турция", ("Türkiye", "Turkiye")),
    Region("united-kingdom", "eurasian-fringe", "United Kingdom", "Великобритания",
           ("UK", "Britain", "Great Britain", "Британия")),
    Region("united-states", "eurasian-fringe", "United States", "США",
           ("USA", "United States of America", "Соединенные Штаты",
            "Соединенные Штаты Америки")),
)

REGIONS_BY_SLUG = {r.slug: r for r in REGIONS}
GROUPS_BY_SLUG = {g.slug: g for g in GROUPS}


def region_label(slug: str, lang: str = "en") -> str:
    """The label of a region or group slug; the slug itself when unknown."""
    item = REGIONS_BY_SLUG.get(slug) or GROUPS_BY_SLUG.get(slug)
    return item.label(lang) if item else slug


def group_of(slug: str) -> str | None:
    """The group slug of a region slug."""
    region = REGIONS_BY_SLUG.get(slug)
    return region.group if region else None


def expand_region_filter(values) -> set[str]:
    """Region slugs that a filter on ``values`` admits: slugs of regions or
    groups, or any of their names in either language ("Киргизия", "Кавказ").

    Raises ``ValueError`` naming an unknown region.
    """
    wanted: set[str] = set()
    for value in values:
        slug = region_slug(value)
        if slug in REGIONS_BY_SLUG:
            wanted.add(slug)
        elif slug in GROUPS_BY_SLUG:
            wanted.update(r.slug for r in REGIONS if r.group == slug)
        else:
            raise ValueError(f"unknown region {value!r}")
    return wanted


def region_slug(value: str) -> str | None:
    """The slug of a region or group given by slug or by any of its names."""
    text = value.strip()
    if text in REGIONS_BY_SLUG or text in GROUPS_BY_SLUG:
        return text
    if text.lower() in REGIONS_BY_SLUG or text.lower() in GROUPS_BY_SLUG:
        return text.lower()
    if found := region_for_label(text):
        return found
    positions = analyze(text)
    for group in GROUPS:
        for name in (group.en, group.ru):
            pattern = tuple(frozenset(p) for p in analyze(name))
            if len(pattern) == len(positions) and _matches_at(positions, 0, pattern):
                return group.slug
    return None


@functools.cache
def name_terms() -> dict[str, tuple[str, frozenset[str]]]:
    """Each one-word region name's most likely index term → (slug, the region's
    other such terms): "кыргызстан" → ("kyrgyzstan", {"kyrgyzstan", "киргизия", …}).

    What a query word that names a region is also searched as, in both scripts.
    """
    by_slug: dict[str, set[str]] = {}
    for region in REGIONS:
        for name in (region.en, region.ru, *region.names):
            words = analyze(name)
            if len(words) == 1:
                by_slug.setdefault(region.slug, set()).add(
                    normal_forms(name.lower().replace("ё", "е"))[0])
    return {term: (slug, frozenset(terms - {term}))
            for slug, terms in by_slug.items() for term in terms}


def region_names(slug: str) -> list[str]:
    """A region's names as people write them, in both languages."""
    region = REGIONS_BY_SLUG[slug]
    return list(dict.fromkeys((region.en, region.ru, *region.names)))


@functools.cache
def _name_patterns() -> tuple[tuple[str, tuple[frozenset[str], ...]], ...]:
    """Every name of every region, analyzed: (slug, terms per position)."""
    patterns = []
    for region in REGIONS:
        for name in (region.en, region.ru, region.slug.replace("-", " "), *region.names):
            terms = tuple(frozenset(p) for p in analyze(name))
            if terms:
                patterns.append((region.slug, terms))
    return tuple(patterns)


@functools.cache
def _group_patterns() -> tuple[tuple[frozenset[str], ...], ...]:
    return tuple(
        tuple(frozenset(p) for p in analyze(name))
        for g in GROUPS for name in (g.en, g.ru)
    )


def _matches_at(positions: list[set[str]], start: int, pattern) -> bool:
    if start + len(pattern) > len(positions):
        return False
    return all(positions[start + i] & terms for i, terms in enumerate(pattern))


@functools.cache
def _patterns_by_first_term() -> dict[str, tuple[tuple[str, tuple[frozenset[str], ...]], ...]]:
    """The region name patterns by each term their first word may take."""
    by_term: dict[str, list] = {}
    for slug, pattern in _name_patterns():
        for term in pattern[0]:
            by_term.setdefault(term, []).append((slug, pattern))
    return {term: tuple(found) for term, found in by_term.items()}


def count_mentions(text: str) -> dict[str, int]:
    """How many times each region is named in ``text``, in any form.

    Overlapping names of one region ("Нагорный Карабах" and "Карабах") count
    as one mention. Only the names whose first word a position holds are
    tried there: an article is read once, not once per name.
    """
    positions = analyze(text)
    by_first = _patterns_by_first_term()
    spans: dict[str, set[tuple[int, int]]] = {}
    for start, terms in enumerate(positions):
        for term in terms:
            for slug, pattern in by_first.get(term, ()):
                if _matches_at(positions, start, pattern):
                    spans.setdefault(slug, set()).add((start, start + len(pattern)))
    return {slug: _count_disjoint(list(found)) for slug, found in spans.items()}


def _count_disjoint(spans: list[tuple[int, int]]) -> int:
    count, end = 0, -1
    for start, stop in sorted(spans):
        if start >= end:
            count += 1
        end = max(end, stop)
    return count


@functools.lru_cache(maxsize=4096)  # a site's tags recur on every page
def region_for_label(label: str) -> str | None:
    """The region slug a tag label names exactly ("Киргизия" → kyrgyzstan)."""
    positions = analyze(label)
    for slug, pattern in _name_patterns():
        if len(pattern) == len(positions) and _matches_at(positions, 0, pattern):
            return slug
    return None


@functools.lru_cache(maxsize=4096)
def is_group_label(label: str) -> bool:
    """Whether a tag label names a region group ("Central Asia", "Кавказ")."""
    positions = analyze(label)
    return any(
        len(p) == len(positions) and _matches_at(positions, 0, p)
        for p in _group_patterns()
    )


def infer_regions(title: str, body: str) -> list[str]:
    """Regions an article is about, by the rule in this module's docstring."""
    weights: dict[str, int] = {}
    for slug, n in count_mentions(title).items():
        weights[slug] = weights.get(slug, 0) + TITLE_WEIGHT * n
    for slug, n in count_mentions(body).items():
        weights[slug] = weights.get(slug, 0) + n
    order = {r.slug: i for i, r in enumerate(REGIONS)}
    ranked = sorted(
        (s for s, w in weights.items() if w >= MIN_WEIGHT),
        key=lambda s: (-weights[s], order[s]),
    )
    return ranked[:MAX_INFERRED]
