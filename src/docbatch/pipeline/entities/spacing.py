"""Double-spaced text, read as the single-spaced text it is.

A slip opinion typed double-spaced and turned into plain text keeps a blank line after
every line it wraps ("United States v. Williams, 68\\n\\nF.4th 304"; "Sergeant John\\n\\n
Wofford"). Read as written, every wrap looks like a paragraph's end and no citation, name
or caption line runs across it. Such a text is read through a view with those blank lines
taken out (not after a line that ends a sentence or is a rule, where a paragraph may end),
and every mention is mapped back to the text's own offsets.

A text is double-spaced when many of its single blank lines fall inside a sentence (the
line before ends with no sentence's end, the line after opens in lower case): in a text
with one paragraph to a line (HTML, most archives) that almost never happens.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from docbatch.pipeline.entities.base import RawMention

__all__ = ["is_double_spaced", "read_single_spaced"]

#: One blank line between two lines of text.
_BLANK_LINE = re.compile(r"(?<=\S)([ \t]*\n)[ \t]*\n(?=[ \t]*\S)")
#: A sentence's end at the end of a line: "... affirmed.", "Hernandez:", "(2017)."
_SENTENCE_END = re.compile(r"[.:;!?][\"\u201d')\]]*[ \t]*$")
#: How many single blank lines a text needs, and what share of them inside a sentence.
_MIN_BLANKS = 20
_MIN_SHARE = 0.3


def is_double_spaced(text: str) -> bool:
    """Whether ``text`` has a blank line after each wrapped line (see the module)."""
    blanks = inside = 0
    for match in _BLANK_LINE.finditer(text):
        blanks += 1
        line_start = text.rfind("\n", 0, match.start()) + 1
        after = text[match.end() : match.end() + 40].lstrip(" \t")
        if after[:1].islower() and not _SENTENCE_END.search(text, line_start, match.start()):
            inside += 1
    return blanks >= _MIN_BLANKS and inside >= _MIN_SHARE * blanks


#: A rule across the page: "_________________", "-----", "* * *".
_RULE = re.compile(r"[ \t]*(?:[_=\-]{5,}|\*(?:[ ]+\*){2,})[ \t]*$", re.MULTILINE)


def _wrapped(text: str, blank: re.Match[str]) -> bool:
    """Whether the blank line ``blank`` only follows a wrapped line: the line before ends
    with no sentence's end, and neither it nor the line after is a rule."""
    line_start = text.rfind("\n", 0, blank.start()) + 1
    if _SENTENCE_END.search(text, line_start, blank.start()) or _RULE.match(text, line_start):
        return False
    return _RULE.match(text, blank.end()) is None


def read_single_spaced(text: str, extract: Callable[[str], list[RawMention]]) -> list[RawMention]:
    """``extract`` run over ``text`` without its double spacing, the mentions mapped back
    to ``text``'s offsets (a mention's own text is ``text``'s, blank lines and all)."""
    pieces: list[str] = []
    index: list[int] = []  # for each character of the view, its offset in ``text``
    last = 0
    for match in _BLANK_LINE.finditer(text):
        if not _wrapped(text, match):
            continue  # a sentence's or a rule's end keeps its blank line: a paragraph may end
        keep_end = match.end(1)  # the first line break stays; the blank line goes
        pieces.append(text[last:keep_end])
        index.extend(range(last, keep_end))
        last = match.end()
    pieces.append(text[last:])
    index.extend(range(last, len(text)))
    index.append(len(text))
    view = "".join(pieces)
    mapped = []
    for mention in extract(view):
        start = index[mention.start]
        end = index[mention.end - 1] + 1 if mention.end > mention.start else start
        mapped.append(dataclasses.replace(mention, start=start, end=end, text=text[start:end]))
    return mapped
