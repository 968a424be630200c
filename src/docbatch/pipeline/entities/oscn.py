"""The case pages of the Oklahoma State Courts Network (OSCN), a state trial court's docket
in a fixed layout::

    STATE OF OKLAHOMA VS. KILE, MELISSA MAE      No. CF-2022-00029
    (Criminal Felony)
    Judge: KIRKLEY, DOUGLAS
    Parties
    KILE, MELISSA MAE, Defendant
    BENNETT, JOHN, DISTRICT ATTORNEY
    Attorneys
    Attorney	Represented Parties
    MARTINO,  JOHN  F (Bar #32175)
    512 NW 12TH ST
    RECORD,   RHETT  STEVEN

People are written "LAST, FIRST MIDDLE"; each line of "Parties" ends with the party's
role; an attorney's row of "Attorneys" ends with the parties it represents, written as in
"Parties". :func:`oscn_parties` reads the page into mentions: parties with their ``role``,
the judge (``role`` ``"judge"``) and counsel (``counsel_for``); the mentions other
finders made of the same spans give way. A text that is no OSCN page is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.names import ORG_SUFFIXES, display_name

__all__ = ["oscn_parties"]

#: An OSCN page: its notice cites the Open Records Act; its sections are headed so.
_PAGE = re.compile(r"Oklahoma[ ]Open[ ]Records[ ]Act")
_SECTION = re.compile(r"(?m)^[ \t]*(?P<name>Parties|Attorneys|Events|Counts|Docket)[ \t]*$")
#: A line of "Parties": the name, then its role after the last comma.
_PARTY_LINE = re.compile(
    r"(?m)^[ \t]*(?P<name>[^\n]+?),[ \t]*(?P<role>[A-Za-z][A-Za-z .-]*?)[ \t]*$"
)
_PARTY_ROLES = {
    "plaintiff": "plaintiff", "defendant": "defendant", "petitioner": "petitioner",
    "respondent": "respondent", "appellant": "appellant", "appellee": "appellee",
    "intervenor": "intervenor", "garnishee": "garnishee", "creditor": "creditor",
    "debtor": "debtor",
}  # fmt: skip
#: The caption line: "STATE OF OKLAHOMA VS. KILE, MELISSA MAE<tab>No. CF-2022-00029".
_CAPTION = re.compile(
    r"(?m)^[ \t]*(?P<first>[A-Z][^\t\n]*?)[ ]+(?:VS\.|vs\.|V\.|v\.)[ ]+"
    r"(?P<second>[A-Z][^\t\n]*?)[ \t]+No\.[ ]"
)
_JUDGE = re.compile(
    r"(?m)^[ \t]*Judge:[ \t]*(?P<name>[A-Za-z'-]+,[^\S\n]*[A-Za-z .'\u00a0-]+?)[ \t]*$"
)
#: An attorney's row of the table: "MARTINO,  JOHN  F (Bar #32175)".
_ATTORNEY = re.compile(
    r"(?m)^[ \t]*(?P<name>[A-Za-z'-]+,[^\S\n]+[A-Za-z .'\u00a0-]+?)[^\S\n]*\(Bar[ ]#\d+\)"
)
_GOVERNMENT = re.compile(r"(?i)state[ ]of[ ]oklahoma")


def oscn_parties(text: str, people: Sequence[RawMention]) -> list[RawMention]:
    """``people`` with an OSCN page's parties, judge and counsel read from its layout."""
    if _PAGE.search(text) is None:
        return list(people)
    sections = {m["name"]: m for m in _SECTION.finditer(text)}
    found: list[RawMention] = []
    written: dict[str, str] = {}  # a party as written in "Parties" -> its display name
    parties = sections.get("Parties")
    if parties is not None:
        end = _section_end(text, parties.end())
        for line in _PARTY_LINE.finditer(text, parties.end(), end):
            mention = _party(text, line)
            if mention is not None:
                found.append(mention)
                written[" ".join(line["name"].split())] = mention.normalized
    caption = _CAPTION.search(text)
    if caption is not None and not any(m.attributes.get("role") == "plaintiff" for m in found):
        first = " ".join(caption["first"].split())
        if _GOVERNMENT.fullmatch(first):  # "STATE OF OKLAHOMA VS. X": the prosecution
            found.append(_named(text, *caption.span("first"), EntityType.ORGANIZATION,
                                "State of Oklahoma", "plaintiff"))  # fmt: skip
    judge = _JUDGE.search(text)
    if judge is not None:
        found.append(_inverted(text, *judge.span("name"), role="judge"))
    attorneys = sections.get("Attorneys")
    if attorneys is not None:
        found += _counsel(text, attorneys.end(), _section_end(text, attorneys.end()), written)
    if not found:
        return list(people)
    # the tables' other lines (addresses: "OKC, OK 73103") are no one's name
    tables = [(s.end(), _section_end(text, s.end())) for s in (parties, attorneys) if s]
    kept = [
        m for m in people
        if not any(m.start < f.end and f.start < m.end for f in found)
        and not any(start <= m.start < end for start, end in tables)
    ]  # fmt: skip
    return kept + found


def _section_end(text: str, start: int) -> int:
    following = _SECTION.search(text, start)
    return following.start() if following is not None else len(text)


def _party(text: str, line: re.Match[str]) -> RawMention | None:
    role = _PARTY_ROLES.get(line["role"].strip().lower(), "")
    start, end = line.span("name")
    name = " ".join(line["name"].split())
    if any(w.strip(",.").lower() in ORG_SUFFIXES for w in name.split()):
        # "CAVALRY SPV I, LLC": a company, its form after a comma
        return _named(text, start, end, EntityType.ORGANIZATION, display_name(name), role)
    if "," in name:  # "KILE, MELISSA MAE"
        return _inverted(text, start, end, role=role)
    if _GOVERNMENT.fullmatch(name):
        return _named(text, start, end, EntityType.ORGANIZATION, "State of Oklahoma", role)
    # a name with no comma is an agency's or a company's: "EDMOND PD", "ACME LLC"
    return _named(text, start, end, EntityType.ORGANIZATION, display_name(name), role)


def _counsel(text: str, start: int, end: int, written: dict[str, str]) -> list[RawMention]:
    """The attorneys of the table, each counsel for the parties its row names."""
    found = []
    rows = list(_ATTORNEY.finditer(text, start, end))
    for index, row in enumerate(rows):
        stop = rows[index + 1].start() if index + 1 < len(rows) else end
        lines = (" ".join(line.split()) for line in text[row.end() : stop].split("\n"))
        clients = [written[line] for line in lines if line in written]
        mention = _inverted(text, *row.span("name"), role="")
        if clients:
            attributes = {**mention.attributes, "counsel_for": clients[0]}
            mention = RawMention(mention.type, mention.start, mention.end, mention.text,
                                 mention.normalized, mention.confidence, attributes)  # fmt: skip
        found.append(mention)
    return found


def _inverted(text: str, start: int, end: int, *, role: str) -> RawMention:
    """A person written "LAST, FIRST MIDDLE": "Melissa Mae Kile"."""
    last, _, given = " ".join(text[start:end].split()).partition(",")
    name = display_name(f"{given.strip()} {last.strip()}".upper())
    if not text[start:end].isupper():  # "Oakes, Martha": the page's own case
        name = f"{given.strip()} {last.strip()}"
    attributes = {"role": role} if role else {}
    return RawMention(EntityType.PERSON, start, end, text[start:end], name, 0.9, attributes)


def _named(text: str, start: int, end: int, kind: EntityType, name: str, role: str) -> RawMention:
    attributes = {"role": role} if role else {}
    return RawMention(kind, start, end, text[start:end], name, 0.9, attributes)
