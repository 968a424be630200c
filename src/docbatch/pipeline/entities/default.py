"""The default extractor: eyecite plus docbatch's own offline rules, no model.

It runs every finder over the whole text and settles their overlaps:

- our statute and regulation patterns win over eyecite's law citations, and over a case
  citation it reads in a statute ("21 O.S. 1531" is no Ohio State report), for the same
  text (eyecite drops subsections and cuts C.F.R. sections short);
- a date inside a citation's own parenthetical is citation metadata, not a date;
- a case number inside a citation ("No. 12-cv-1, 2001 WL 12345") stays a case number;
- people and organisations are never reported inside a cited case's name;
- then :func:`~docbatch.pipeline.entities.roles.mark_roles` marks judges, counsel, the
  filing date and the document's court for the relate stage.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.citations import find_citations, own_parenthetical
from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.dates import find_dates
from docbatch.pipeline.entities.money import find_money
from docbatch.pipeline.entities.parties import find_parties
from docbatch.pipeline.entities.patterns import DIVISION_NUMBER, find_case_numbers
from docbatch.pipeline.entities.roles import mark_roles
from docbatch.pipeline.entities.rules import find_court_rules
from docbatch.pipeline.entities.spacing import is_double_spaced, read_single_spaced
from docbatch.pipeline.entities.statutes import find_regulations, find_statutes

__all__ = ["DefaultExtractor", "create_default"]

_FALSE = {"0", "false", "no", "off"}


class DefaultExtractor:
    """eyecite citations plus rule-based courts, numbers, rules, laws, dates, money, parties.

    ``use_hyperscan`` picks eyecite's Hyperscan tokenizer when the package is importable
    (the result is the same; only the speed differs).
    """

    name = "default"

    def __init__(self, *, use_hyperscan: bool = True) -> None:
        self.use_hyperscan = use_hyperscan

    def extract(self, text: str) -> list[RawMention]:
        """Every mention the default rules find in ``text`` (a double-spaced text read as
        the single-spaced text it is)."""
        if is_double_spaced(text):
            return read_single_spaced(text, self._extract)
        return self._extract(text)

    def _extract(self, text: str) -> list[RawMention]:
        # A line break inside a citation ("499 F.2d\n125") hides it from eyecite; a space
        # in its place keeps every offset, and the mentions keep the document's own text.
        scan = find_citations(text.replace("\n", " "), use_hyperscan=self.use_hyperscan)
        scan = dataclasses.replace(
            scan,
            mentions=[dataclasses.replace(m, text=text[m.start : m.end]) for m in scan.mentions],
        )
        laws = find_statutes(text) + find_regulations(text)
        law_spans = [(m.start, m.end) for m in laws]
        eyecite_laws = [
            m
            for m in scan.mentions
            if m.type is not EntityType.CITATION and not _overlaps(m, law_spans)
        ]
        markers = [match.span() for match in _PAGE_MARKER.finditer(text)]
        # "6 Div. 870." alone on its line: an Alabama case number, not a reporter's page
        markers += [match.span("num") for match in DIVISION_NUMBER.finditer(text)]
        citations = [
            m for m in scan.mentions
            if m.type is EntityType.CITATION and not _footnote_page(text, m)
            and not _overlaps(m, markers)
            # a statute eyecite took for a reporter ("21 O.S. 1531" is no Ohio State report)
            and not _overlaps(m, law_spans)
        ]  # fmt: skip
        case_numbers = find_case_numbers(text)
        courts = find_courts(text)
        parentheticals = _citation_parentheticals(text, citations)
        parentheticals += _docket_parentheticals(text, case_numbers)
        parentheticals += _court_parentheticals(text, courts)
        dates = [m for m in find_dates(text) if not _overlaps(m, parentheticals)]
        found = [
            *citations,
            *laws,
            *eyecite_laws,
            *courts,
            *case_numbers,
            *find_court_rules(text),
            *dates,
            *find_money(text),
            *find_parties(text, scan.case_name_spans),
        ]
        return mark_roles(text, found)


#: A page that opens a line and is followed by a sentence: "352 U.S." ends a page and
#: "4 There is no support ..." is footnote 4 below it, not the page cited.
_FOOTNOTE_AFTER = re.compile(r"\n[ \t]*\d{1,3}[ \t]+[A-Z][a-z]")


#: A reporter's page marker on a line of its own: "[944 N.E.2d 1120 , 919 N.Y.S.2d 481]"
#: (the Caselaw Access Project's texts mark where another reporter's page begins): no
#: citation of another case.
_PAGE_MARKER = re.compile(
    r"(?m)^[ \t]*\[\d{1,4}[ ][A-Z][A-Za-z0-9. ]{1,20}[ ]\d{1,5}"
    r"(?:[ ]?,[ ]\d{1,4}[ ][A-Z][A-Za-z0-9. ]{1,20}[ ]\d{1,5})*\][ \t]*$"
)


def _footnote_page(text: str, mention: RawMention) -> bool:
    page = mention.attributes.get("page", "")
    if mention.attributes.get("form") != "full" or not page:
        return False
    start = mention.end - len(page)
    newline = text.rfind("\n", mention.start, start)
    return newline >= 0 and _FOOTNOTE_AFTER.match(text, newline, mention.end + 4) is not None


def _citation_parentheticals(text: str, citations: list[RawMention]) -> list[tuple[int, int]]:
    """Spans from each full citation's end to the end of its own "(court date)"."""
    spans = []
    starts = sorted(m.start for m in citations)
    for mention in citations:
        if mention.attributes.get("form") != "full":
            continue
        limit = next((s for s in starts if s > mention.start), len(text))
        parenthetical = own_parenthetical(text, mention.end, limit)
        if parenthetical is not None:
            # up to its own closing bracket: "2007 VT 95 [Filed 31-Aug-2007]" is a clerk's
            # stamp in square brackets, and what follows it is no parenthetical
            spans.append((mention.end, parenthetical.end))
    return spans


#: A case cited by its docket number has its court and date after it: "No. S-14054, slip
#: op. (Alaska Oct. 29, 2010)".
_DOCKET_PARENTHETICAL = re.compile(
    r"(?:,\s*slip\s+op\.)?(?:,?\s*at\s+\d+)?,?\s*"
    r"\((?!(?:Filed|Entered|Decided|Dated)\b)[A-Z][^()\n]{0,40}?(?:1[6-9]|20)\d\d\)"
)


def _docket_parentheticals(text: str, numbers: list[RawMention]) -> list[tuple[int, int]]:
    """Spans of the "(court date)" after each case number cited by number."""
    spans = []
    for mention in numbers:
        match = _DOCKET_PARENTHETICAL.match(text, mention.end)
        if match is not None:
            spans.append(match.span())
    return spans


def _court_parentheticals(text: str, courts: list[RawMention]) -> list[tuple[int, int]]:
    """A citation's "(court date, history)" that opens with its court: "(Tex. App.\u2014San
    Antonio Jan. 14, 2026, no pet.)" (the day a cited case was decided, no date of this one)."""
    spans = []
    for mention in courts:
        if mention.start > 0 and text[mention.start - 1] == "(":
            close = text.find(")", mention.end, mention.end + 120)
            if close >= 0 and re.search(r"(?:1[6-9]|20)\d\d", text[mention.end : close]):
                spans.append((mention.start - 1, close + 1))
    return spans


def _overlaps(mention: RawMention, spans: list[tuple[int, int]]) -> bool:
    return any(mention.start < end and start < mention.end for start, end in spans)


def create_default(params: Mapping[str, str]) -> DefaultExtractor:
    """Build the default extractor; ``hyperscan=false`` forces eyecite's own tokenizer."""
    return DefaultExtractor(use_hyperscan=params.get("hyperscan", "true").lower() not in _FALSE)
