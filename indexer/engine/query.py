"""Turn a researcher's query string into a Whoosh query.

Syntax: words are ANDed; ``OR``, ``NOT``, ``-word``, ``"a phrase"``,
``title:word``, ``author:name`` (also ``заголовок:``, ``автор:``), ``word*``,
and parentheses. Every word goes through its field's analyzer, the same one
used at index time; the alternatives that analyzer gives for one ambiguous
word are ORed, and a word that splits into several ("Nagorno-Karabakh") must
match them in sequence.
"""

from __future__ import annotations

from whoosh import query
from whoosh.fields import TEXT
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    MultifieldPlugin,
    PhrasePlugin,
    PlusMinusPlugin,
    QueryParser,
    WildcardPlugin,
)
from whoosh.qparser.plugins import PhrasePlugin as _BasePhrasePlugin

from ..errors import QueryError
from ..text.analysis import fold_yo, normal_forms
from .schema import FIELD_BOOSTS, SEARCH_FIELDS

MIN_WILDCARD_PREFIX = 2
MAX_QUERY_CHARS = 1000
MAX_NESTING = 10  # levels of parentheses


class StarOnlyWildcardPlugin(WildcardPlugin):
    """Only ``*`` is a wildcard: a pasted "Кыргызстан?" stays a word."""

    qmarks = ""
    expr = "(?P<text>[*])"


class MorphPhrasePlugin(PhrasePlugin):
    """Quoted phrases analyzed like single words: alternatives per position."""

    class PhraseNode(_BasePhrasePlugin.PhraseNode):
        def query(self, parser):
            fieldname = self.fieldname or parser.fieldname
            return parser.phrase_query(fieldname, self.text, self.slop, self.boost)

    class PhraseTagger(_BasePhrasePlugin.PhraseTagger):
        def create(self, parser, match):
            slop = int(match.group("slop")) if match.group("slop") else 1
            return MorphPhrasePlugin.PhraseNode(match.group("text"), match.start("text"), slop)

    def taggers(self, parser):
        return [(self.PhraseTagger(self.expr), 0)]


class KartotekaParser(QueryParser):
    """The query parser over title and body, with morphology-aware terms."""

    def __init__(self, schema):
        super().__init__(None, schema, group=AndGroup)
        self.add_plugin(MultifieldPlugin(list(SEARCH_FIELDS), fieldboosts=FIELD_BOOSTS))
        self.remove_plugin_class(WildcardPlugin)
        self.remove_plugin_class(PhrasePlugin)
        self.add_plugin(StarOnlyWildcardPlugin())
        self.add_plugin(MorphPhrasePlugin())
        # "-word" excludes only at the start of a word: "Nagorno-Karabakh" is a
        # name. "+" is not an operator: words are required anyway.
        self.add_plugin(PlusMinusPlugin(r"(?!)", r"(?<![^\s(])-"))
        self.add_plugin(FieldAliasPlugin({"title": ["заголовок"],
                                          "author": ["автор", "authors", "by"]}))

    def _positions(self, fieldname: str, text: str) -> list[list[str]]:
        analyzer = self.schema[fieldname].analyzer
        positions: dict[int, list[str]] = {}
        for t in analyzer(text, mode="query", positions=True):
            alternatives = positions.setdefault(t.pos, [])
            if t.text not in alternatives:
                alternatives.append(t.text)
        return [positions[p] for p in sorted(positions)]

    def _sequence(self, fieldname, positions, slop, boost):
        parts = [query.Term(fieldname, alts[0]) if len(alts) == 1
                 else query.Or([query.Term(fieldname, a) for a in alts])
                 for alts in positions]
        if len(parts) == 1:
            parts[0].boost = boost
            return parts[0]
        if all(len(alts) == 1 for alts in positions):
            return query.Phrase(fieldname, [a[0] for a in positions], slop=slop, boost=boost)
        return query.Sequence(parts, slop=slop, boost=boost)

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True,
                   removestops=True):
        field = self.schema[fieldname] if fieldname in self.schema else None
        if not isinstance(field, TEXT):
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        if not tokenize:
            return self._pattern_query(fieldname, text, termclass, boost)
        positions = self._positions(fieldname, text)
        return self._sequence(fieldname, positions, 1, boost) if positions else None

    def phrase_query(self, fieldname, text, slop, boost):
        """A quoted phrase: its words in order, each in any of its forms."""
        positions = self._positions(fieldname, text)
        return self._sequence(fieldname, positions, slop, boost) if positions else None

    def _pattern_query(self, fieldname, text, termclass, boost):
        pattern = fold_yo(text.lower())
        literal = pattern.split("*", 1)[0]
        if len(literal) < MIN_WILDCARD_PREFIX:
            raise QueryError(
                f"{text + '*' if termclass is query.Prefix else text!r}: "
                f"put at least {MIN_WILDCARD_PREFIX} letters before '*'")
        if termclass is not query.Prefix:
            return query.Wildcard(fieldname, pattern, boost=boost)
        # Index terms are normal forms: also try the normal form of the prefix,
        # so "elections*" and "Кыргызстане*" find what a reader expects.
        prefixes = [literal]
        if self.schema[fieldname].analyzer.has_morph():
            prefixes += [f for f in normal_forms(literal) if f not in prefixes]
        options = [query.Prefix(fieldname, p, boost=boost) for p in prefixes]
        return options[0] if len(options) == 1 else query.Or(options)


def _check_balance(text: str) -> None:
    if text.count('"') % 2:
        raise QueryError('a quotation mark is not closed: phrases go in "double quotes"')
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise QueryError("a ')' has no matching '('")
        if depth > MAX_NESTING:
            raise QueryError(f"parentheses nested more than {MAX_NESTING} deep")
    if depth:
        raise QueryError("a '(' is not closed with ')'")


def parse_query(schema, text: str, parser: "KartotekaParser | None" = None):
    """The Whoosh query for ``text``; ``None`` when the text is empty.

    Pass a ``parser`` made once for the schema to save building one per call.
    Raises ``QueryError`` with a one-line explanation for text that cannot
    be read.
    """
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    _check_balance(text)
    try:
        q = (parser or KartotekaParser(schema)).parse(text)
    except QueryError:
        raise
    except Exception as error:  # Whoosh's parser has no error type of its own
        hint = ("inside parentheses, exclude words with NOT instead of '-'"
                if "Minus" in repr(error) or "Plus" in repr(error) else repr(error))
        raise QueryError(f"cannot read the query: {hint}") from None
    if q is query.NullQuery or not list(q.iter_all_terms()) and not _has_patterns(q):
        raise QueryError("the query has no words to search for "
                         "(only operators or very common words)")
    return q


def _has_patterns(q) -> bool:
    return isinstance(q, query.PatternQuery) or any(
        _has_patterns(child) for child in q.children())
