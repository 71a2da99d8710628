"""Interface words in English and Russian, and dates in each language's format."""

from __future__ import annotations

import datetime as dt

from indexer import LANGUAGE_NAMES, RU_MONTH_GENITIVE, UNDATED_LABEL

UI_LANGUAGES = ("en", "ru")

TEXT = {
    "en": {
        "title": "kartoteka", "tagline": "English and Russian news archive search",
        "search": "Search", "placeholder": "Search in English or Russian…",
        "syntax": 'Words are combined with AND. Also: OR, NOT, -word, "exact phrase", '
                  "=word (this form only), title:word, author:name, word*",
        "results": "{total} articles", "result_one": "1 article", "took": "{ms} ms",
        "region": "Region", "author": "Author", "lang": "Language", "year": "Year",
        "show_all": "Show all {n}", "clear_all": "Clear all filters", "remove": "Remove filter",
        "show_more": "Show {m} more of {n}",
        "authors_unlisted": "… and {n} more with fewer hits: search author:name to find one",
        "sort": "Sort", "relevance": "Relevance", "newest": "Newest first",
        "oldest": "Oldest first", "from": "From", "to": "To", "apply": "Apply",
        "prev": "Previous", "next": "Next", "page": "Page {page} of {pages}",
        "empty": "No articles match this search.", "did_you_mean": "Did you mean",
        "also_searched": "Also searched:", "cross_off": "search only the words as typed",
        "cross_on": "Also search the words in the other language",
        "why_region": "region names", "why_name": "spellings of the name",
        "why_glossary": "glossary", "why_corpus": "from the archive's translations",
        "readings": "{word} was read as {forms}; the first ranks higher.",
        "exact_only": "Only the form {word}", "copies": "Same article also at",
        "copy_of": "A copy of",
        "empty_hint": "Check the spelling, remove a filter, or combine words with OR.",
        "error": "This search cannot be run", "original": "Original article",
        "translation": "Read this article in {lang}", "back": "Back to results",
        "regions_inferred": "regions inferred from the text", "no_title": "(untitled)",
        "no_date": "no date", "export": "Export", "counts": "Counts",
        "share": "Share of year", "share_hint": "hits as a share of all articles that year",
        "not_found": "No article with this id.", "no_index": "No index to search yet.",
        "index_unreadable": "This index was written by another version of kartoteka: rebuild it.",
        "all_years": "all years",
        "authors": "Authors", "date": "Date", "regions": "Regions", "source": "Source file",
        "topics": "Topics", "browse": "All articles",
    },
    "ru": {
        "title": "kartoteka", "tagline": "Поиск по архиву новостей на английском и русском",
        "search": "Найти", "placeholder": "Поиск на русском или английском…",
        "syntax": "Слова объединяются через И. Также: OR, NOT, -слово, «\"точная фраза\"», "
                  "=слово (только эта форма), заголовок:слово, автор:фамилия, слово*",
        "results": "Статей: {total}", "result_one": "1 статья", "took": "{ms} мс",
        "region": "Регион", "author": "Автор", "lang": "Язык", "year": "Год",
        "show_all": "Показать всех ({n})", "clear_all": "Сбросить все фильтры",
        "show_more": "Показать ещё {m} из {n}",
        "authors_unlisted": "… и ещё {n} с меньшим числом статей: ищите автор:фамилия",
        "remove": "Убрать фильтр", "sort": "Порядок", "relevance": "По релевантности",
        "newest": "Сначала новые", "oldest": "Сначала старые", "from": "С", "to": "По",
        "apply": "Применить", "prev": "Назад", "next": "Вперёд", "page": "Страница {page} из {pages}",
        "empty": "Ничего не найдено.", "did_you_mean": "Возможно, вы имели в виду",
        "also_searched": "Искали также:", "cross_off": "искать только набранные слова",
        "cross_on": "Искать слова и на другом языке",
        "why_region": "названия региона", "why_name": "написания имени",
        "why_glossary": "глоссарий", "why_corpus": "по переводам архива",
        "readings": "Слово {word} прочитано как {forms}; первое выше в выдаче.",
        "exact_only": "Только форма {word}", "copies": "Та же статья также по адресам",
        "copy_of": "Копия статьи",
        "empty_hint": "Проверьте написание, уберите фильтр или объедините слова через OR.",
        "error": "Этот запрос нельзя выполнить", "original": "Оригинал статьи",
        "translation": "Эта статья на языке: {lang}", "back": "К результатам",
        "regions_inferred": "регионы определены по тексту", "no_title": "(без заголовка)",
        "no_date": "без даты", "export": "Экспорт", "counts": "Число",
        "share": "Доля года", "share_hint": "доля найденных среди всех статей года",
        "not_found": "Статьи с таким идентификатором нет.", "no_index": "Индекс ещё не построен.",
        "index_unreadable": "Индекс записан другой версией kartoteka: постройте его заново.",
        "all_years": "все годы",
        "authors": "Авторы", "date": "Дата", "regions": "Регионы", "source": "Файл",
        "topics": "Темы", "browse": "Все статьи",
    },
}

# Names of the service's values come from the one table of them.
for _ui, _words in TEXT.items():
    _words.update({f"lang_{code}": name for code, name in LANGUAGE_NAMES[_ui].items()},
                  undated=UNDATED_LABEL[_ui])


def ui_language(value: str | None) -> str:
    """The interface language asked for, English when unknown."""
    return value if value in UI_LANGUAGES else "en"


def format_date(iso: str | None, ui: str) -> str:
    """"12 Mar 2012" in English, "12 марта 2012" in Russian; "" for no date."""
    if not iso:
        return ""
    date = dt.date.fromisoformat(iso)
    if ui == "ru":
        return f"{date.day} {RU_MONTH_GENITIVE[date.month - 1]} {date.year}"
    return f"{date.day} {date:%b} {date.year}"
