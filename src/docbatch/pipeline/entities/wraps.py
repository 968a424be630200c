"""Names broken over a line break: a person's given name ending a line of prose and the
surname opening the next ("that Allison\nFeldman was found", "attorney, Scott Thomas\nMorro,
filed"), and an organisation's head on the next line or its first words ending the line
before ("the Corpus Christi Police\nDepartment", "newly designed Gang\nSuppression Force").
"""

from __future__ import annotations

import re
from dataclasses import replace

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.names import (
    GIVEN_NAMES,
    LEADING_NOISE,
    NOT_NAME_WORDS,
    display_name,
)
from docbatch.pipeline.entities.shapes import _INIT, _SURNAME, _TW, _person, plausible_person

__all__ = ["over_line_break", "wrapped_people"]

#: The head noun that ends an organisation's name on the next line: "the Corpus Christi Police\n
#: Department".
_HEAD_ON_NEXT_LINE = re.compile(
    r"[ \t]*\n[ \t]*(?:Department|Office|Division|Bureau|Service|Commission|Board|Authority"
    r"|Agency|Council|Committee|Company|Corporation)(?![\w])(?![ ]+(?:of|for)[ ]+(?:the[ ]+)?[A-Z])"
)
#: Capitalised words ending the line before an organisation's name: "Haiti's newly designed
#: Gang\nSuppression Force" (after a word in lower case, so no sentence's first word).
_NAME_ENDING_LINE = re.compile(
    r"(?<=[a-z,][ ])(?P<words>(?:[A-Z][a-z]+[ ]){0,2}[A-Z][a-z]+)[ \t]*\n[ \t]*\Z"
)


def over_line_break(text: str, mention: RawMention) -> RawMention:
    """An organisation's name broken over a line break: its head on the next line, or its
    first words at the end of the line before."""
    if mention.type is not EntityType.ORGANIZATION:
        return mention
    start, end = mention.start, mention.end
    head = _HEAD_ON_NEXT_LINE.match(text, end)
    if head is not None:
        end = head.end()
    line_start = text.rfind("\n", 0, start) + 1
    first = mention.text.split()[0] if mention.text.split() else ""
    if not text[line_start:start].strip() and not first.isupper():
        before = _NAME_ENDING_LINE.search(text, max(0, line_start - 80), start)
        prose = (
            before is not None
            and len(
                re.findall(
                    r"(?<![\w'\u2019])[a-z]+\b",
                    text[text.rfind("\n", 0, before.start()) + 1 : before.start()],
                )
            )
            >= 3
        )  # a line of running text, not a letterhead's or a signature's line of names
        if (
            prose
            and before is not None
            and not any(
                w.lower() in LEADING_NOISE
                or w.lower() in NOT_NAME_WORDS
                or w.lower() in GIVEN_NAMES
                for w in before["words"].split()
            )
        ):
            start = before.start("words")
    if (start, end) == (mention.start, mention.end):
        return mention
    raw = text[start:end]
    return replace(
        mention, start=start, end=end, text=raw, normalized=display_name(" ".join(raw.split()))
    )


#: A known given name ending a line of prose and its surname opening the next, the
#: sentence going on after it: "that Allison\nFeldman was found", "and Sarah\nMcAmis,",
#: with a middle name or initial ("attorney, Scott Thomas\nMorro, filed") or a possessive
#: ("Plaintiff Darryl\nHarris's complaint").
_WRAPPED_PERSON = re.compile(
    rf"(?<=[a-z,][ ])(?P<name>{_TW}(?:[ ](?:{_INIT}|{_TW}))?[ \t]*\n[ \t]*{_SURNAME})"
    r"(?=[,;]|[ ][a-z]|['\u2019]s[ ][a-z])"
)


def wrapped_people(text: str) -> list[RawMention]:
    """A given name and a surname on two lines of running text (0.6)."""
    found: list[RawMention] = []
    for match in _WRAPPED_PERSON.finditer(text):
        start, end = match.span("name")
        words = text[start:end].split()
        if len(words) == 3 and words[0].lower() not in GIVEN_NAMES:
            # the word before the given name is none of the name's: "Plaintiff Darryl\nHarris"
            start = text.index(words[1], start + len(words[0]))
        name = " ".join(text[start:end].split())
        before = text[max(0, start - 30) : start].split()
        if (
            len(name.split()) == 3
            and not re.fullmatch(_INIT, name.split()[1])
            and (
                text[end : end + 1] == " "
                or (before and before[-1][:1].isupper() and before[-1].lower() not in LEADING_NOISE)
            )
        ):
            # with a middle name, only a name the sentence goes on after with a comma or a
            # possessive: "Judge William Keith Watkins\nReferred to" is a name and a verb
            continue
        if name.split()[0].lower() in GIVEN_NAMES and plausible_person(name):
            found.append(_person(text, start, end, 0.6, ""))
    return found
