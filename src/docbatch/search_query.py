"""The search query language, parsed once and written for SQLite FTS5 or PostgreSQL.

A query is a sequence of terms joined by operators::

    motion dismiss                  both words (AND is the default)
    "summary judgment"              a phrase
    suppress*                       a prefix
    Brightline OR Holloway          either
    1983 NOT habeas, 1983 -habeas   the first without the second

NOT binds tighter than AND, and AND tighter than OR, as in both engines, so the flat
sequence means the same thing in each. Words are reduced to letters and digits; a query
with no word is refused with :class:`QueryError`, as is one that starts or ends with an
operator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docbatch.errors import ConfigError

__all__ = ["QueryError", "SearchQuery", "Term", "parse_query"]

_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+)')
_WORD = re.compile(r"\w+")
_OPERATORS = frozenset({"AND", "OR", "NOT"})


class QueryError(ConfigError):
    """The search query cannot be parsed."""

    code = "bad_query"


@dataclass(frozen=True, slots=True)
class Term:
    """One term: ``words`` (one for a word, several for a phrase) and its operator.

    ``operator`` joins the term to the one before it (``AND``, ``OR`` or ``NOT``; the
    first term has ``AND``).
    """

    words: tuple[str, ...]
    prefix: bool = False
    operator: str = "AND"


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed query: its terms in order."""

    terms: tuple[Term, ...]

    def fts5(self) -> str:
        """The query in SQLite FTS5's syntax."""
        parts: list[str] = []
        for index, term in enumerate(self.terms):
            if index:
                parts.append(term.operator)
            text = '"' + " ".join(w.replace('"', '""') for w in term.words) + '"'
            parts.append(text + ("*" if term.prefix else ""))
        return " ".join(parts)

    def tsquery(self) -> str:
        """The query in PostgreSQL's ``to_tsquery`` syntax."""
        symbols = {"AND": "&", "OR": "|", "NOT": "& !"}
        parts: list[str] = []
        for index, term in enumerate(self.terms):
            if index:
                parts.append(symbols[term.operator])
            lexemes = [f"'{w.replace(chr(39), chr(39) * 2)}'" for w in term.words]
            if term.prefix:
                lexemes[-1] += ":*"
            parts.append(lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")")
        return " ".join(parts)


def parse_query(text: str) -> SearchQuery:
    """Parse ``text`` (see the module docstring) or raise :class:`QueryError`."""
    terms: list[Term] = []
    pending: str | None = None
    for match in _TOKEN.finditer(text):
        phrase, word = match["phrase"], match["word"]
        if word in _OPERATORS:
            if pending is not None or not terms:
                raise QueryError(f"search query {text!r}: {word} needs a term before it")
            pending = word
            continue
        operator = pending or "AND"
        pending = None
        prefix = False
        if phrase is None:
            if word.startswith("-") and len(word) > 1:
                if not terms:
                    raise QueryError(f"search query {text!r}: it cannot start with a NOT")
                operator, word = "NOT", word[1:]
            prefix = word.endswith("*")
            phrase = word
        words = tuple(_WORD.findall(phrase.lower()))
        if words:
            terms.append(Term(words, prefix, operator))
    if pending is not None:
        raise QueryError(f"search query {text!r} ends with {pending}")
    if not terms:
        raise QueryError(f"search query {text!r} has no word to look for")
    return SearchQuery(tuple(terms))
