"""Page furniture in English and Russian: lines that are no part of an article.

Menus, skip links, share rows, ad markers, credits, "Read more" lists and
footers look alike on every outlet's pages, whether saved as text or as
HTML, so the words that give them away are listed once, here, for both
readers (``dump_reader`` and ``html_reader``).
"""

from __future__ import annotations

import re

MENU_END = re.compile(
    r"^(you can search using keywords to narrow down the list\.?|"
    r"вы можете искать по ключевым словам.*)$", re.I)
# Section headings that start a list of other stories: chrome above the
# article, the end of it below.
LIST_HEADING = (
    r"popular|most popular|most read|related( articles| stories| news)?|read more|"
    r"(read|see) also|also read:?|more on (this|the) topic|latest news|top stories|"
    r"trending|comments?( \(\d+\))?|tags:?|популярное|самое читаемое|читайте также|"
    r"смотрите также|по теме|ещё по теме|еще по теме|другие новости|новости по теме|"
    r"последние новости|главное|главные новости|лента новостей|комментарии( \(\d+\))?|"
    r"теги:?|метки:?|breaking news|срочные новости:?")
LIST_HEADING_LINE = re.compile(rf"^({LIST_HEADING})$", re.I)
FOOTER_START = re.compile(
    rf"^({LIST_HEADING}|to read the full story.*|чтобы прочитать статью полностью.*|"
    r"sign up for .*newsletter.*|подпишитесь на .*рассылку.*|support \w+:.*|поддержите .*|"
    r"this post is also available in.*|back to top( button)?|(the )?(views|opinions) expressed .*|"
    r"мнени[ея],? (высказанн|выраженн).*|точка зрения (автора|редакции) .*|"
    r".{0,60}(©|\(c\)|copyright) ?\d{4}.*)$", re.I)
CHROME = re.compile(
    r"^(skip to (main )?(content|navigation|search)|skip navigation|jump to (main )?content|"
    r"accessibility links|перейти к (основному )?содержанию|перейти к (основной )?навигации|"
    r"перейти к поиску|ссылки для входа|доступность ссылок|site logo( site logo)*|"
    r"(main |главное )?menu|меню|главное меню|close|закрыть|search( for)?:?|поиск|найти|"
    r"log ?in|log ?out|sign ?in|sign ?up|register|my account|subscribe( now)?|войти|вход|"
    r"выйти|регистрация|личный кабинет|подписаться|подписка|share( this( article| story)?)?|"
    r"print( this article)?|print version|e-?mail|tweet|copy link|поделиться|печать|"
    r"версия для печати|распечатать|скопировать ссылку|font size|text size|размер шрифта|"
    r"advertisement|advertising|sponsored( content)?|ad|реклама|на правах рекламы|"
    r"партн[её]рский материал|новости партн[её]ров|continue reading|читать далее|подробнее|"
    r"читать полностью|support( us)?|поддержать|listen( to (this )?(article|story))?|слушать|"
    r"escucha esta nota( aquí)?|artikel (anhören|vorlesen)|прослушать( статью)?|"
    r"loading\.*|загрузка\.*|наверх|placeholder canvas|your browser doesn.t support html5|"
    r"home|главная|главная страница|weather|погода|accept( all)?( cookies)?|принять)$", re.I)
CHROME_PATTERNS = [re.compile(p, re.I) for p in (
    r"^(version|версия|ver\.?|v)\s*:?\s*\d+(\.\d+)+\b",         # "Version: 0.1.0"
    r"^\d+(\.\d+){2,}$",
    r"^(срочно|молния|breaking|urgent|экстренно)\s*[:!]",      # a news ticker's item
    r"(cookies?|cookie-файл\w*|файл\w* cookie|куки).{0,120}(accept|agree|consent|policy|"
    r"settings|принять|согла|политик)|(we use|мы используем).{0,60}(cookies?|куки)",
    r"^(tags?|теги|метки|темы|ключевые слова|keywords)\s*:",   # a tag line
    r"^(home|главная|главная страница|басты бет|башкы бет)\s*[/>»›→|•]",  # breadcrumbs
    r"\s[>»›→]\s.*\s[>»›→]\s",
    r"^(просмотр\w*|views?|прочитано)\s*:?\s*[\d\s]+$|^[\d\s]+(просмотр\w*|views?)$",
    r"^(\d+ (мин\w*|min)\.? (на )?(чтени\w*|read)|читается за \d+ минут\w*|"
    r"время чтения:? ?\d+ мин\w*)$",
    r"^(читайте|читать|подписывайтесь( на)?|следите за|follow) .{0,40}\b(telegram|дзен|вконтакте|"
    r"twitter|facebook|instagram|whatsapp)\b.{0,30}$",
)]
SHARE_WORDS = re.compile(
    r"facebook|twitter|telegram|whatsapp|vkontakte|вконтакте|одноклассники|linkedin|"
    r"messenger|viber|pinterest|reddit|flipboard|vk-black|vk|ok|x|e-?mail|copy|print|share|"
    r"link|ссылка|копировать|поделиться|печать", re.I)
CURRENCY = re.compile(r"^(USD|EUR|RUB|KZT|KGS|UZS|GEL|AMD|AZN|CNY|TJS|TMT|BYN|UAH|MDL)$")
# A gallery's picture counter: "1 / 12", "3 из 10", "Фото 2 из 8", "Photo 4 of 9".
GALLERY_COUNTER = re.compile(r"^((фото|photo|слайд|slide|image)\s*)?\d{1,3}\s*(/|из|of)\s*"
                             r"\d{1,3}$", re.I)
CREDIT = re.compile(
    r"^\(?(photos?|image|picture|credit|photo credit|illustration|фото|снимок|иллюстрация|"
    r"коллаж|кадр|источник фото)\b.{0,80}$|^©.{0,80}$|"
    r"^[^.]{0,60}[/|]\s*(afp|reuters|ap|epa|getty images|ria novosti|tass|sputnik|"
    r"риа новости|тасс|спутник)\)?$", re.I)
CREDIT_TAIL = re.compile(r"\s*[(\[]?\s*((photo|фото|снимок|image|credit)\s*(:|/|—|–|-|by)|©)"
                         r"\s*[^.()]{0,80}[)\]]?\s*$", re.I)
DOMAIN = re.compile(r"\b[\w-]+\.(kg|kz|uz|tj|tm|ru|ge|am|az|by|ua|md|com|net|org|news|media)\b")
CAPTION = re.compile(r"(^|[\s(])(photos?|фото|снимок|image|credit)\s*[:/]|"
                     r"^(на фото|на снимке|in the photo|pictured)\b", re.I)
PHOTO_CREDIT_AFTER = re.compile(r"[.,;]?\s+(фото|photos?|иллюстрац\w*|видео|video)\s*:.*$", re.I)
BYLINE_LABEL = re.compile(r"^(by|автор[ыа]?|текст|author|text|written by)\s*:?\s+", re.I)
# Paragraphs that are furniture on any site, in the languages of the archive and
# of the pages it is measured on, each under the rule (``rules.py``) that names it.
PARAGRAPH_RULES = {rule: re.compile(pattern, re.I) for rule, pattern in (
    ("read-more-line", r"^(?:read (?:more|also|next)|see also|related(?: articles?| stories)?|"
                       r"explore further|also read|more on this|lesen sie (?:auch|mehr)|"
                       r"auch lesen|mehr zum thema|lire aussi|à lire aussi|lea (?:también|más)|"
                       r"lea|vea también|ver también|читайте (?:также|еще|ещё)|смотрите также|"
                       r"по теме|подробнее)\s*[:.…»]|^(?:ähnliche beiträge|related posts|"
                       r"похожие (?:статьи|материалы|записи))\s*:?$"),
    ("share", r"^(?:share|share this(?: article| story)?|teilen(?: mit)?|partager|compartir|"
              r"поделиться)\s*:?$"),
    ("credit", r"^(?:crédits? photos?|photo credits?|bildnachweis|фото|foto|photo)\s*:"),
    ("tags", r"^(?:tags|schlagwörter|schlagworte|теги|метки)\s*:"),
    ("byline", r"^(?:by|von|par|por|автор:?|текст:?)\s+\S+(?:\s+\S+){0,7}$"),
    ("link-row", r"^[^|]{1,40}(?:\s\|\s[^|]{1,40}){2,}$"),  # "Blog | Archive | Contact"
    ("paywall", r"\b(?:comments are (?:moderated|closed)|to (?:view|read) the full "
                r"(?:story|article),? (?:please )?(?:subscribe|log ?in)|already a subscriber|"
                r"first-time subscribers|submit your letter|sign up (?:for|to) (?:our|the)\b"
                r".{0,40}newsletter|subscribe to (?:our|the)\b.{0,40}newsletter|"
                r"подпишитесь на (?:наш|нашу))"),
    ("chrome", r"^(?:wird geladen|loading)\s*(?:\.\.\.|…)?$"),
)}


def furniture_rule(paragraph: str) -> str | None:
    """The rule (``rules.py``) that names a paragraph of a page furniture, or None."""
    for rule, pattern in PARAGRAPH_RULES.items():
        if pattern.search(paragraph):
            return rule
    if CHROME.match(paragraph) or any(pattern.search(paragraph) for pattern in CHROME_PATTERNS):
        return "chrome"
    return None


def is_furniture(paragraph: str) -> bool:
    """Whether a paragraph of a page's text is furniture rather than the article's."""
    return furniture_rule(paragraph) is not None
