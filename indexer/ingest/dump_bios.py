"""The end of a saved page's article: a closing bio or signature names the author.

After the article's last paragraph, pages print who wrote it ("Joanna Doe is
a freelance writer who covers Central Asia.", «Иван Петров — журналист из
Бишкека.», "Иван Петров"), then trailers: the headline again, a gallery's
"1 / 12" counters, share rows, a section label. The trailers other rules
already name are gone by the time this runs; what is left is read from the
end, and each line leaves the body only under a rule that names it.
"""

from __future__ import annotations

import re

from ..model import Dropped
from .dump_lines import SENTENCE_END, person_names
from .page_chrome import BYLINE_LABEL
from .rules import dropped

BIO = re.compile(
    r"^(?P<name>([A-ZА-ЯЁ][\w'’.-]+ ){1,3})(is|was) (a|an|the|[A-Z][\w.-]*['’]s)\b.{0,200}"
    r"(writer|journalist|reporter|editor|correspondent|author|analyst|researcher|"
    r"based in|fellow|contributor|photographer|columnist)"
    r"|^(?P<ru_name>([А-ЯЁ][\w'’.-]+ ){1,3})[–—-] .{0,200}"
    r"(журналист|корреспондент|редактор|автор|аналитик|исследовател|обозревател|фотограф|"
    r"колумнист)", re.I)
MAX_BIO_WORDS = 60
MAX_SIGNATURE_WORDS = 8
MAX_FRAGMENT_WORDS = 4


def closing_attribution(body: list[str], authors: list[str]
                        ) -> tuple[list[str], list[str], str, list[Dropped]]:
    """Drop the closing bios, signatures and stray fragments after the last sentence.

    Returns the body left, the names the first bio or signature gives, which
    of the two gave them ("closing bio", "closing signature" or ""), and what
    was dropped, in page order.
    """
    named: list[str] = []
    how = ""
    gone: list[Dropped] = []
    while len(body) > 1:
        last = re.sub(r"^[–—-]\s*", "", body[-1])
        if (names := bio_names(last, authors)) is not None:
            rule = "bio"
            if not named and names:
                named, how = names, "closing bio"
        elif len(last.split()) <= MAX_SIGNATURE_WORDS and (
                names := person_names(BYLINE_LABEL.sub("", last))):
            rule = "signature"  # "Кирилл Кривошеев" or "Автор: Кирилл Кривошеев"
            if not named:
                named, how = names, "closing signature"
        elif len(last.split()) <= MAX_FRAGMENT_WORDS and not last.endswith(SENTENCE_END):
            rule = "stray-fragment"  # a sidebar's heading or a section label
        else:
            break
        gone.insert(0, dropped(body[-1], rule))
        body = body[:-1]
    return body, named, how, gone


def bio_names(text: str, authors: list[str]) -> list[str] | None:
    """The person a closing bio is about; [] for a bio of a byline's author
    ("Jane Doe is …"); None when the line is not a bio."""
    if len(text.split()) > MAX_BIO_WORDS:
        return None
    if (bio := BIO.match(text)) and (
            names := person_names(bio.group("name") or bio.group("ru_name") or "")):
        return names
    if any(text.startswith((f"{name} is ", f"{name} — ")) for name in authors):
        return []
    return None
