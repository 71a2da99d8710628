"""Plain-text page dumps: menus, bylines, captions, paywalls and footers, any outlet's."""

import datetime as dt
from pathlib import Path

import pytest

from indexer.ingest.dump_reader import read_page_dump

DUMPS = Path(__file__).parent / "fixtures" / "dumps"

MENU = """Skip to main content

Sample Wire

Main Menu

  • Regions
  • Topics
  • русский
X

Caucasus

Armenia
Georgia

Central Asia

Kyrgyzstan
X
You can search using keywords to narrow down the list.
"""

FOOTER = """Dana Imanova is a journalist based in Almaty.

Sign up for Sample Wire's\xa0free weekly newsletter. Support Sample Wire: reporting costs money.

Popular

Camel races return to the steppe
Ivan Roe
A new bridge over the Amu Darya
Lola Karimova

Sample Wire © 2021
"""

BODY = """Farmers in the north gathered more wheat than in any year since independence.

Prices at the elevators fell by a tenth, and traders expect them to fall further."""


def test_seed_shaped_dump_gives_title_byline_and_body_only():
    text = f"{MENU}\nWheat harvest breaks a record\n\nDana Imanova Aug 30, 2015\n\n{BODY}\n\n{FOOTER}"
    article = read_page_dump(text)
    assert article.title == "Wheat harvest breaks a record"
    assert article.authors == ["Dana Imanova"]
    assert article.date == dt.date(2015, 8, 30)
    assert article.body == BODY
    assert article.lang == "en"


def test_footer_bio_newsletter_popular_and_copyright_are_not_body():
    body = read_page_dump(f"{MENU}\nTitle here\n\nDana Imanova Aug 30, 2015\n\n{BODY}\n\n{FOOTER}").body
    for footer_text in ("journalist based", "newsletter", "Camel races", "©", "Main Menu"):
        assert footer_text not in body


def test_russian_byline_with_two_authors():
    text = ("Урожай пшеницы стал рекордным\n\nАйгерим Садыкова и Олжас Бек 30 августа 2015\n\n"
            "Фермеры на севере Казахстана собрали больше зерна, чем когда-либо.\n\n"
            "Популярное\n\nЧто-то другое\n")
    article = read_page_dump(text)
    assert article.title == "Урожай пшеницы стал рекордным"
    assert article.authors == ["Айгерим Садыкова", "Олжас Бек"]
    assert article.date == dt.date(2015, 8, 30)
    assert article.body == "Фермеры на севере Казахстана собрали больше зерна, чем когда-либо."
    assert article.lang == "ru"


def test_dump_without_menu_title_then_photo_caption_then_body():
    text = ("Wheat harvest breaks a record\n\n"
            "Combines at work near Kostanay. (Photo: Dana Imanova)\n\n" + BODY)
    article = read_page_dump(text)
    assert article.title == "Wheat harvest breaks a record"
    # The caption is indexed as text; its credit is not.
    assert article.body == "Combines at work near Kostanay.\n\n" + BODY
    assert article.date is None and article.authors == []


def test_body_only_dump_is_indexed_with_what_it_has():
    article = read_page_dump(BODY + "\n")
    assert article.title == ""
    assert article.body == BODY


def test_paywall_teaser_stops_at_the_full_story_line():
    text = (f"Wheat harvest breaks a record\n\nDana Imanova Aug 30, 2015\n\n{BODY}\n\n"
            "To read the full story, subscribe.\n\n"
            "Dana Imanova is a freelance writer based in Almaty.\n\n"
            "Wheat harvest breaks a record\n\n1\n\n2\n\nNext ›\n")
    article = read_page_dump(text)
    assert article.body == BODY


def test_closing_author_bio_is_dropped_even_without_a_footer():
    text = (f"Title\n\nDana Imanova Aug 30, 2015\n\n{BODY}\n\n"
            "Dana Imanova is a journalist based in Almaty.\n")
    assert read_page_dump(text).body == BODY


# Saved-text pages of the region's outlets (layouts as their pages print them,
# article text invented): fixture, a file-name slug as a reader might have
# saved it, then the title, date and authors the dump must give.
OUTLETS = [
    ("eurasianet_en", "kyrgyzstan-herders-in-naryn-move-flocks-early-as-pastures-dry-out",
     "Kyrgyzstan: Herders in Naryn move flocks early as pastures dry out",
     dt.date(2025, 9, 15), ["Daniyar Seitkaliev"]),
    ("eurasianet_ru", "kazakhstan-v-aktau-opresnitelnyj-zavod-ne-spravlyaetsya-s-letnim-sprosom",
     "Казахстан: в Актау опреснительный завод не справляется с летним спросом",
     dt.date(2025, 9, 15), ["Асель Нурланова"]),
    ("azattyk", "31645237", "Депутаты Жогорку Кенеша одобрили поправки о сельских пастбищах",
     dt.date(2022, 1, 10), ["Бурулай Асанова"]),
    ("azattyq", "Паводки в Актюбинской области - Азаттык",
     "Паводки в Актюбинской области: жители Уила просят пересчитать ущерб",
     dt.date(2024, 4, 21), ["Жаннур Касымова"]),
    ("ozodi", "32301234", "В Душанбе подорожал проезд в городских автобусах",
     dt.date(2023, 3, 3), []),
    ("kommersant", "5162234", "Ташкент и Бишкек договорились о совместном водохранилище",
     dt.date(2022, 1, 12), ["Кирилл Кривцов"]),
    ("ria", "kirgiziya-2058000000", "В Киргизии открыли первую солнечную станцию на Иссык-Куле",
     dt.date(2025, 11, 27), []),
    ("tass", "25012345", "Таджикистан и Узбекистан запустят новый пассажирский поезд",
     dt.date(2025, 9, 15), []),
    ("fergana", "v-samarkande-restavratory-zakonchili-raboty-na-medrese-sherdor",
     "В Самарканде реставраторы закончили работы на медресе Шердор",
     dt.date(2022, 1, 10), ["Севара Юлдашева"]),
    ("kunuz", "v-namangane-postroyat-novyy-most-cherez-naryn",
     "В Намангане построят новый мост через Нарын", dt.date(2025, 2, 26), []),
    ("civilge", "580112", "Tbilisi City Hall Unveils Plan to Restore Old Town Balconies",
     dt.date(2024, 3, 19), []),
    ("jamnews", "gyumri-weavers-revive-a-forgotten-carpet-pattern",
     "Gyumri weavers revive a forgotten carpet pattern", dt.date(2024, 3, 12),
     ["Anna Hakobyan"]),
    ("vestikg", "v-oshe-otkroyut-pervuyu-gorodskuyu-biblioteku-dlya-slabovidyaschih",
     "В Оше откроют первую городскую библиотеку для слабовидящих", dt.date(2022, 1, 10),
     ["Айжан Токтосунова"]),
    ("24kg", "369100_tsenyi_na_ugol_v_bishkeke_vyirosli_pered_otopitelnyim_sezonom",
     "Цены на уголь в Бишкеке выросли перед отопительным сезоном", dt.date(2022, 1, 10),
     ["Анара Жакыпова"]),
]

# Per fixture: lines of the page around the article that must not be indexed,
# and the photo caption that must be (without its credit).
AROUND_AND_CAPTION = {
    "eurasianet_en": (["Main Menu", "Regions", "Popular", "freelance journalist",
                       "newsletter", "(Photo:"],
                      "Sheep crossing a river on the way to the summer pastures above Kochkor."),
    "eurasianet_ru": (["Skip to main content", "Главное меню", "Армения", "Популярное",
                       "журналист из Актау", "Фото: Асель"],
                      "Очередь к водовозке в одном из микрорайонов Актау."),
    "azattyk": (["Ссылки для входа", "Перейти к поиску", "Поделиться", "XS", "Telegram",
                 "подземный переход"], "Пастбище в Ат-Башинском районе. Архивное фото."),
    "azattyq": (["Доступность ссылок", "site logo", "Срочные новости", "Караганде",
                 "HTML5", "Форум", "Токаев"],
                "Жители Уила у затопленного дома на окраине села. 20 апреля 2024 года"),
    "ozodi": (["Ссылки для входа", "Тоҷикӣ", "Прямой эфир", "Фото: Радио Озоди", "MD",
               "Комментарии"], "Городской автобус на проспекте Рудаки."),
    "kommersant": (["Газета «Коммерсантъ»", "Фото: Reuters", "Кирилл Кривцов", "Читать далее",
                    "Популярное", "Все права защищены", "Войти"], None),
    "ria": (["16:32", "Читать ria.ru", "© РИА Новости", "Подписаться", "Энергетика",
             "Лента новостей"], "Солнечные панели в Иссык-Кульской области. Архивное фото"),
    "tass": (["Международная панорама", "Обновлено", "/ТАСС\n", "Шамиль Ахмадов", "Теги",
              "Перейти к основному"], None),
    "fergana": (["Главная > Новости", "10:42", "Текст:", "Версия для печати", "Реклама",
                 "Теги:", "Читайте также", "Юнусабадскую"],
                "На фото: леса у главного портала медресе Шердор"),
    "kunuz": (["22:45", "3650", "минуты на чтение", "Фото: Kun.uz", "Теги:",
               "Последние новости", "новый парк"], None),
    "civilge": (["Skip to content", "Search for", "Version: 0.1.0", "Placeholder canvas",
                 "LinkedIn", "Also Read", "Election Code", "also available", "Back to top"],
                None),
    "jamnews": (["fbpx", "arrow icon", "Support Us", "Latest News", "Border talks",
                 "vk-black", "is a journalist based", "Opinions expressed", "Photo: JAMnews"],
                "Weavers at the workshop in Gyumri."),
    "vestikg": (["Погода", "87.47", "Просмотров", "Фото: vesti.kg", "Реклама", "Автор:",
                 "Одноклассники", "Новости партнеров"], None),
    "24kg": (["17:47", "USD", "Лента новостей", "Главное", "Анара Жакыпова",
              "Фото иллюстративное", "Бизнес", "четверг"], None),
}


def read_fixture(name: str, slug: str | None = None):
    return read_page_dump((DUMPS / f"{name}.txt").read_text(encoding="utf-8"), slug=slug)


@pytest.mark.parametrize("with_slug", [True, False], ids=["slug", "no-slug"])
@pytest.mark.parametrize("fixture, slug, title, date, authors", OUTLETS,
                         ids=[o[0] for o in OUTLETS])
def test_outlet_dumps_give_title_date_and_authors(fixture, slug, title, date, authors,
                                                  with_slug):
    article = read_fixture(fixture, slug if with_slug else None)
    assert (article.title, article.date, article.authors) == (title, date, authors)


@pytest.mark.parametrize("fixture", sorted(AROUND_AND_CAPTION))
def test_outlet_chrome_is_not_body_and_the_caption_is(fixture):
    around, caption = AROUND_AND_CAPTION[fixture]
    article = read_fixture(fixture)
    body = article.body + "\n"
    for text in around:
        assert text not in body, text
    assert article.title not in body
    if caption:
        assert caption in body.split("\n\n")[0]


def test_every_outlet_fixture_is_in_the_table():
    assert {p.stem for p in DUMPS.glob("*.txt")} == {o[0] for o in OUTLETS}


def test_drop_cap_is_joined_to_its_word():
    assert read_fixture("fergana").body.split("\n\n")[1].startswith("Реставраторы в Самарканде")
    assert read_fixture("vestikg").body.startswith("Следующей весной в Оше")


@pytest.mark.parametrize("closing, author", [
    ("Jane Doe is a freelance writer based in Almaty.", "Jane Doe"),
    ("Иван Петров — журналист из Бишкека.", "Иван Петров"),
    ("Иван Петров", "Иван Петров"),
    ("Автор: Иван Петров", "Иван Петров"),
])
def test_closing_bio_or_signature_names_the_author_when_no_byline_does(closing, author):
    article = read_page_dump(f"Wheat harvest breaks a record\n\n{BODY}\n\n{closing}\n")
    assert article.authors == [author]
    assert article.body == BODY


def test_a_byline_wins_over_a_closing_bio():
    text = (f"Wheat harvest breaks a record\n\nDana Imanova Aug 30, 2015\n\n{BODY}\n\n"
            "Jane Doe is a freelance writer based in Almaty.\n")
    assert read_page_dump(text).authors == ["Dana Imanova"]


@pytest.mark.parametrize("chrome", [
    "X", "Skip to main content", "Ссылки для входа", "Перейти к основному содержанию",
    "Accessibility links", "Latest News", "Последние новости", "Главное", "Version: 0.1.0",
    "10:42", "Share", "Поделиться", "Версия для печати", "A A A", "Реклама", "Advertisement",
    "Home / News / Politics", "Главная > Новости > Общество", "Tags: Kazakhstan, Oil",
    "Казахстан, Нефть, Атырау, Экономика", "Log in", "Войти", "Search", "Поиск",
    "We use cookies to improve your experience. Accept",
])
def test_interface_chrome_above_the_title_is_never_the_title_nor_body(chrome):
    text = f"{chrome}\n\nWheat harvest breaks a record\n\nDana Imanova Aug 30, 2015\n\n{BODY}\n"
    article = read_page_dump(text)
    assert article.title == "Wheat harvest breaks a record"
    assert article.body == BODY


def test_bare_date_line_is_the_date_not_the_title():
    article = read_page_dump(f"Главная > Новости\n\n10:42 10.01.2022\n\n"
                             f"Урожай пшеницы стал рекордным\n\n{BODY}\n")
    assert article.title == "Урожай пшеницы стал рекордным"
    assert article.date == dt.date(2022, 1, 10)


def test_menu_run_at_the_top_is_skipped_without_the_search_hint():
    menu = "\n".join(["Regions", "Topics", "Media", "About", "Kazakhstan", "Kyrgyzstan"])
    article = read_page_dump(f"Sample Wire\n{menu}\n\nWheat harvest breaks a record in the north"
                             f"\n\n{BODY}\n")
    assert article.title == "Wheat harvest breaks a record in the north"
    assert article.body == BODY


@pytest.mark.parametrize("slug, title", [
    ("tarify-na-elektrichestvo-snova-vyrastut", "Тарифы на электричество снова вырастут"),
    ("fermery-chuyskoy-doliny-zhdut-ranney-vesny", "Фермеры Чуйской долины ждут ранней весны"),
    ("Фермеры Чуйской долины ждут - Вести", "Фермеры Чуйской долины ждут ранней весны"),
])
def test_slug_picks_the_title_among_equally_placed_headlines_in_either_script(slug, title):
    text = ("Тарифы на электричество снова вырастут\n\n12.03.2024\n\n"
            "Фермеры Чуйской долины ждут ранней весны\n\n"
            "Фермеры на севере Кыргызстана готовят поля к посеву раньше обычного "
            "из-за теплой зимы.\n")
    assert read_page_dump(text, slug=slug).title == title


def test_a_date_deep_in_the_body_is_not_the_articles_date():
    text = ("Wheat harvest breaks a record\n\n" + BODY + "\n\n"
            "The last record was set on Aug 30, 2009, when the rains came early in the season.\n")
    assert read_page_dump(text).date is None


def test_the_date_nearest_the_title_wins():
    text = ("Aug 1, 2015\n\nMenu item about something else\n\nSome other heading here too\n\n"
            "Wheat harvest breaks a record\n\nAug 30, 2015\n\n" + BODY)
    article = read_page_dump(text)
    assert article.title == "Wheat harvest breaks a record"
    assert article.date == dt.date(2015, 8, 30)
