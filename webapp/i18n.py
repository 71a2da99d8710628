"""Interface words in English and Russian, and dates in each language's format."""

from __future__ import annotations

import datetime as dt
import re

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
        "why_glossary": "glossary", "why_learned": "from the archive's translations",
        "why_dictionary": "dictionary",
        "readings": "{word} was read as {forms}; the first ranks higher.",
        "counted_typed": "{n} as typed", "counted_readings": "{n} only as {forms}",
        "counted_translations": "{n} only in the other language ({words})",
        "counted_only_typed": "Counted: only articles with the words as typed or their "
                              "likely reading",
        "counted_only_readings": "Counted: only articles found through another reading",
        "counted_only_translations": "Counted: only articles found through the other "
                                    "language",
        "counted_all": "count them all", "counted_lead": "Of these:",
        "mode_typed": "Counted: the words as typed and their likely reading.",
        "mode_readings": "Counted: only articles found through another reading.",
        "mode_translations": "Counted: only articles found through the other language.",
        "mode_all": "Counted: the words as typed, their other readings and the other "
                    "language's equivalents.",
        "mode_to_all": "Count other readings and translations too",
        "mode_to_typed": "Count only the words as typed",
        "counted_title": "What this total counted",
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
        "index_unavailable": "The search cluster cannot answer in full just now:",
        "all_years": "all years",
        "authors": "Authors", "date": "Date", "regions": "Regions", "source": "Source file",
        "topics": "Topics", "browse": "All articles",
        "topic": "Topic", "langs": "Languages", "filters": "Filters",
        "interface_language": "Interface language", "active_filters": "Active filters",
        "more_no_hits": "Show {n} more with no hits",
        "all_region": "All regions…", "all_author": "All authors…", "all_topic": "All topics…",
        "all_lang": "All languages…", "topics_unlisted": "… and {n} more with fewer hits",
        "outlet": "Outlet", "outlets": "Outlets", "all_outlet": "All outlets…",
        "outlets_unlisted": "… and {n} more with fewer hits",
        "facet_hint": "Articles of the current search; a value adds or removes that filter.",
        "find_value": "Part of a name", "filter_values": "Filter",
        "by_count": "By number of articles", "by_name": "A–Z", "values_shown": "{shown} of {total}",
        "no_values": "No value contains “{find}”.", "no_facet": "No such facet.",
        "hit_of": "{n} of {total}", "hit_nav": "Hits of the search", "whole_year": "all of {year}",
        "quoted": "“{q}”", "fmt_year": "YYYY", "fmt_day": "YYYY-MM-DD",
        "past_end": "There is no page {page}: this search has {pages}.",
        "last_page": "Go to the last page ({page})",
        "page_not_found": "There is no page at this address.",
        "json": "JSON", "empty_for": "No articles match {q}.",
        "empty_filters": "Filters in force (each link removes one):",
        "remove_filter": "remove", "bad_date": "Remove this date",
        "bad_dates": "Remove the dates",
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
        "why_glossary": "глоссарий", "why_learned": "по переводам архива",
        "why_dictionary": "словарь",
        "readings": "Слово {word} прочитано как {forms}; первое выше в выдаче.",
        "counted_typed": "{n} как набрано", "counted_readings": "{n} только как {forms}",
        "counted_translations": "{n} только на другом языке ({words})",
        "counted_only_typed": "Учтены только статьи с набранными словами или их "
                              "вероятным прочтением",
        "counted_only_readings": "Учтены только статьи, найденные по другому прочтению",
        "counted_only_translations": "Учтены только статьи, найденные на другом языке",
        "counted_all": "учесть все", "counted_lead": "Из них:",
        "mode_typed": "Учтены набранные слова и их вероятное прочтение.",
        "mode_readings": "Учтены только статьи, найденные по другому прочтению.",
        "mode_translations": "Учтены только статьи, найденные на другом языке.",
        "mode_all": "Учтены набранные слова, их другие прочтения и соответствия на "
                    "другом языке.",
        "mode_to_all": "Учесть также другие прочтения и переводы",
        "mode_to_typed": "Учесть только набранные слова",
        "counted_title": "Что учтено в этом числе",
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
        "index_unavailable": "Поисковый кластер сейчас не может ответить полностью:",
        "all_years": "все годы",
        "authors": "Авторы", "date": "Дата", "regions": "Регионы", "source": "Файл",
        "topics": "Темы", "browse": "Все статьи",
        "topic": "Тема", "langs": "Языки", "filters": "Фильтры",
        "interface_language": "Язык интерфейса", "active_filters": "Выбранные фильтры",
        "more_no_hits": "Показать ещё {n} без совпадений",
        "all_region": "Все регионы…", "all_author": "Все авторы…", "all_topic": "Все темы…",
        "all_lang": "Все языки…", "topics_unlisted": "… и ещё {n} с меньшим числом статей",
        "outlet": "Издание", "outlets": "Издания", "all_outlet": "Все издания…",
        "outlets_unlisted": "… и ещё {n} с меньшим числом статей",
        "facet_hint": "Статьи текущего поиска; значение добавляет или убирает фильтр.",
        "find_value": "Часть названия", "filter_values": "Отобрать",
        "by_count": "По числу статей", "by_name": "По алфавиту", "values_shown": "{shown} из {total}",
        "no_values": "Ни одно значение не содержит «{find}».", "no_facet": "Такого фильтра нет.",
        "hit_of": "{n} из {total}", "hit_nav": "Результаты поиска", "whole_year": "весь {year} год",
        "quoted": "«{q}»", "fmt_year": "ГГГГ", "fmt_day": "ГГГГ-ММ-ДД",
        "past_end": "Страницы {page} нет: у этого поиска {pages}.",
        "last_page": "Перейти на последнюю страницу ({page})",
        "page_not_found": "По этому адресу страницы нет.",
        "json": "JSON", "empty_for": "По запросу {q} ничего не найдено.",
        "empty_filters": "Действующие фильтры (ссылка убирает фильтр):",
        "remove_filter": "убрать", "bad_date": "Убрать эту дату",
        "bad_dates": "Убрать даты",
    },
}

# Names of the service's values come from the one table of them.
for _ui, _words in TEXT.items():
    _words.update({f"lang_{code}": name for code, name in LANGUAGE_NAMES[_ui].items()},
                  undated=UNDATED_LABEL[_ui])

# "How this page was read" (webapp/read_page.py): an article's file read again.
READ_WORDS = {
    "en": {
        "read_link": "How this page was read", "read_title": "How this page was read",
        "read_back": "Back to the article", "read_format": "Format",
        "read_line": "line {n}", "read_record": "record {n}",
        "read_intro": "The article's file, read again by the reader the index was built "
                      "with: each field and where it came from, the body as indexed, and "
                      "every paragraph left out of it with the rule that left it out.",
        "read_changed": "The file has changed since the index was built: this is how it "
                        "reads now, not exactly what was indexed.",
        "read_problems": "Problems", "read_fields": "Fields", "read_field": "Field",
        "read_value": "Value", "read_from": "Where it came from",
        "read_body": "Body ({n} paragraphs)", "read_dropped": "Left out of the body ({n})",
        "read_rule": "Rule", "read_none_dropped": "Nothing was left out.",
        "read_cli": "The same on the command line:",
        "read_gone": "The file this article was read from is no longer there: it was moved "
                     "or deleted since the index was built.",
        "read_gone_changed": "The file this article was read from no longer holds it: it "
                             "changed since the index was built.",
        "read_field_id": "Id", "read_field_title": "Title", "read_field_outlet": "Outlet",
        "read_field_translation": "Translation", "read_field_url": "URL",
    },
    "ru": {
        "read_link": "Как прочитана эта страница", "read_title": "Как прочитана эта страница",
        "read_back": "К статье", "read_format": "Формат",
        "read_line": "строка {n}", "read_record": "запись {n}",
        "read_intro": "Файл статьи, прочитанный заново той же программой чтения, что и при "
                      "построении индекса: каждое поле и откуда оно взято, текст в том виде, "
                      "в каком он проиндексирован, и каждый абзац, не вошедший в текст, с "
                      "правилом, по которому он пропущен.",
        "read_changed": "Файл изменился после построения индекса: так он читается сейчас, "
                        "а проиндексировано могло быть иное.",
        "read_problems": "Проблемы", "read_fields": "Поля", "read_field": "Поле",
        "read_value": "Значение", "read_from": "Откуда взято",
        "read_body": "Текст (абзацев: {n})", "read_dropped": "Не вошло в текст ({n})",
        "read_rule": "Правило", "read_none_dropped": "Ничего не пропущено.",
        "read_cli": "То же в командной строке:",
        "read_gone": "Файла, из которого прочитана статья, больше нет на месте: его "
                     "перенесли или удалили после построения индекса.",
        "read_gone_changed": "В файле, из которого прочитана статья, её больше нет: файл "
                             "изменился после построения индекса.",
        "read_field_id": "Идентификатор", "read_field_title": "Заголовок",
        "read_field_outlet": "Издание", "read_field_translation": "Перевод",
        "read_field_url": "Адрес",
    },
}
for _ui, _words in READ_WORDS.items():
    TEXT[_ui].update(_words)


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


def format_number(n: int, ui: str) -> str:
    """12,345 in English, 12 345 in Russian."""
    text = f"{n:,}"
    return text.replace(",", "\u00a0") if ui == "ru" else text


# Nouns counted on the tools' pages: English one/other; Russian one/few/many.
NOUNS = {
    "en": {"article": ("article", "articles"), "occurrence": ("occurrence", "occurrences"),
           "page": ("page", "pages")},
    "ru": {"article": ("статья", "статьи", "статей"), "page": ("страница", "страницы", "страниц"),
           "occurrence": ("вхождение", "вхождения", "вхождений")},
}


def counted(n: int, noun: str, ui: str) -> str:
    """"1 article", "3 articles"; «1 статья», «3 статьи», «5 статей», «21 статья»."""
    forms = NOUNS[ui][noun]
    if ui == "ru":
        last, tens = n % 10, n % 100
        form = forms[0] if last == 1 and tens != 11 else (
            forms[1] if 2 <= last <= 4 and not 12 <= tens <= 14 else forms[2])
    else:
        form = forms[0] if n == 1 else forms[1]
    return f"{format_number(n, ui)} {form}"


# The researcher's tools: the timeline and the concordance (webapp/workbench.py).
WORKBENCH = {
    "en": {
        "timeline": "Timeline", "timeline_title": "Articles per period for each query",
        "timeline_intro": "Compare up to five queries over time: counts, or shares of all "
                          "articles of each period. Click a point to see its articles.",
        "timeline_point": "{query} — {period}: {count} of {total} ({share}%)",
        "timeline_query": "Query {n}", "by_year": "by year", "by_month": "by month",
        "norm_count": "counts", "norm_share": "share of all articles",
        "split_lang": "a line per language (shares of each language's articles)",
        "draw": "Draw", "period": "Period", "count": "Articles", "total": "All articles",
        "share_col": "Share", "data_table": "The chart's data",
        "axis_year": "Year", "axis_month": "Month", "axis_count": "Articles found",
        "axis_share": "Share of all the period's articles",
        "axis_share_lang": "Share of the period's articles in that language",
        "timeline_caption": "A point's tooltip and the table give its count and the "
                            "period's total.",
        "timeline_empty": "Periods without any article under these filters: {n} of "
                          "{periods}. They have no point, and no line crosses them.",
        "kwic": "Concordance", "kwic_intro": "Every occurrence of the query's words in "
                                             "context, inflected forms as written.",
        "kwic_summary": "{lines} in {articles}",
        "kwic_cut": "showing the first {shown}; the CSV has them all",
        "kwic_cut_all": "the first {lines} occurrences only",
        "order_text": "in search order", "order_left": "by the word before",
        "order_right": "by the word after", "before": "Before", "word": "Word",
        "after": "After", "article": "Article", "show": "Show",
        "tools": "Tools", "back_to_search": "Back to the search",
        "compare_over_time": "Compare with other queries over time",
    },
    "ru": {
        "timeline": "Динамика", "timeline_title": "Статьи по периодам для каждого запроса",
        "timeline_intro": "Сравните до пяти запросов во времени: число статей или доля от "
                          "всех статей периода. Нажмите на точку, чтобы увидеть статьи.",
        "timeline_point": "{query} — {period}: {count} из {total} ({share}%)",
        "timeline_query": "Запрос {n}", "by_year": "по годам", "by_month": "по месяцам",
        "norm_count": "число статей", "norm_share": "доля от всех статей",
        "split_lang": "линия на каждый язык (доли статей этого языка)",
        "draw": "Построить", "period": "Период", "count": "Статей", "total": "Всего статей",
        "share_col": "Доля", "data_table": "Данные графика",
        "axis_year": "Год", "axis_month": "Месяц", "axis_count": "Найдено статей",
        "axis_share": "Доля от всех статей периода",
        "axis_share_lang": "Доля от статей периода на этом языке",
        "timeline_caption": "Подсказка у точки и таблица показывают число статей и "
                            "сколько всего статей в периоде.",
        "timeline_empty": "Периодов без единой статьи с этими фильтрами: {n} из "
                          "{periods}. Там нет точек, и линии через них не проходят.",
        "kwic": "Конкорданс", "kwic_intro": "Все вхождения слов запроса в контексте, "
                                            "словоформы — как в тексте.",
        "kwic_summary": "{lines}, {articles}",
        "kwic_cut": "показаны первые {shown}; в CSV — все",
        "kwic_cut_all": "только первые {lines} вхождений",
        "order_text": "в порядке поиска", "order_left": "по слову слева",
        "order_right": "по слову справа", "before": "Слева", "word": "Слово",
        "after": "Справа", "article": "Статья", "show": "Показать",
        "tools": "Инструменты", "back_to_search": "Назад к поиску",
        "compare_over_time": "Сравнить с другими запросами во времени",
    },
}
for _ui, _words in WORKBENCH.items():
    TEXT[_ui].update(_words)


# The search core explains a request it cannot read in English; the Russian
# interface says the same in Russian. Each pattern is one message of the core
# (engine/query.py, search/, text/dates.py, text/regions.py, webapp/params.py).
ERRORS_RU = [(re.compile(pattern), russian) for pattern, russian in (
    (r'^a quotation mark is not closed', 'кавычка не закрыта: фраза пишется в "двойных кавычках"'),
    (r"^a '\)' has no matching '\('", "у скобки ')' нет парной '('"),
    (r"^a '\(' is not closed with '\)'", "скобка '(' не закрыта"),
    (r"^parentheses nested more than (\d+) deep", r"скобки вложены глубже \1 уровней"),
    (r"^the query is longer than (\d+) characters", r"запрос длиннее \1 знаков"),
    (r"^cannot read the query: inside parentheses.*", ("запрос не читается: внутри скобок "
                                                        "исключайте слова через NOT, а не '-'")),
    (r"^cannot read the query: (.*)", r"запрос не читается: \1"),
    (r"^the query has no words to search for.*", "в запросе нет слов для поиска (только операторы)"),
    (r"^the query only excludes words.*", "запрос только исключает слова: добавьте слово для поиска"),
    (r"^'(\w+):' cannot be searched in the query.*",
     (r"'\1:' нельзя искать в запросе: ищите в title:, author: или body:, а регион, автора, "
      "язык, год и тему выбирайте фильтрами")),
    (r"^the phrase has too many readings for the search cluster.*",
     ("у фразы слишком много прочтений для поискового кластера: возьмите в кавычки меньше "
      "слов или напишите неоднозначные в точной форме (=слово)")),
    (r"^the search cluster cannot (?:search|run) (.*)",
     r"поисковый кластер не может выполнить эту часть запроса: \1"),
    (r"^(.*): put at least (\d+) letters before '\*'", r"\1: перед '*' нужно не меньше \2 букв"),
    (r"^(.*): matches more than (\d+) words; add letters before '\*'",
     r"\1: подходит больше \2 слов; добавьте буквы перед '*'"),
    (r"^unknown sort '(.*)': use one of (.*)", r"неизвестный порядок '\1': возможны \2"),
    (r"^page numbers start at 1", "страницы нумеруются с 1"),
    (r"^page size must be between 1 and (\d+)", r"на странице может быть от 1 до \1 статей"),
    (r"^unknown language '(.*)': use en or ru", r"неизвестный язык '\1': возможны en и ru"),
    (r"^the 'from' date is after the 'to' date", "дата «с» позже даты «по»"),
    (r"^cannot read the date '(.*)': use YYYY, YYYY-MM or YYYY-MM-DD",
     r"дата '\1' не читается: пишите ГГГГ, ГГГГ-ММ или ГГГГ-ММ-ДД"),
    (r"^'(.*)' is not a real date", r"даты '\1' не бывает"),
    (r"^unknown region '(.*)': 'kartoteka regions' lists the names",
     r"неизвестный регион '\1': список названий выводит 'kartoteka regions'"),
    (r"^'(\w+)' must be a whole number, not (.*)", r"'\1' должно быть целым числом, а не \2"),
    (r"^'(\w+)' must be 1 \(or 0\), not (.*)", r"'\1' может быть только 1 (или 0), а не \2"),
    (r"^'(\w+)' must be one of (.*), not (.*)", r"'\1' может быть одним из: \2, а не \3"),
    (r"^'split' must be lang, not (.*)", r"'split' может быть только lang, а не \1"),
    (r"^give at least one query.*", "задайте хотя бы один запрос (q=…)"),
    (r"^compare 1 to (\d+) queries at once, not (\d+)",
     r"сравнивать можно от 1 до \1 запросов сразу, а не \2"),
    (r"^unknown period '(.*)': use year or month", r"неизвестный период '\1': год или месяц"),
    (r"^unknown order '(.*)': use one of (.*)", r"неизвестный порядок '\1': возможны \2"),
    (r"^a concordance needs words to look for", "для конкорданса нужны слова запроса"),
    (r"^unknown column '(.*)': the optional columns are (.*)",
     r"неизвестный столбец '\1': дополнительные столбцы — \2"),
)]


def error_message(message: str, ui: str) -> str:
    """The core's explanation of an unreadable request, in the interface language."""
    if ui != "ru":
        return message
    for pattern, russian in ERRORS_RU:
        match = pattern.match(message)
        if match:
            return match.expand(russian)
    return message
