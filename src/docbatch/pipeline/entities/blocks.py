"""People and organisations in the parts of a filing that are not prose.

Letters, notices and signature pages name people and organisations in short lines that
the sentence patterns of :mod:`~docbatch.pipeline.entities.parties` do not see:

- a reference line naming this case: "Re: Christopher Mielo, et al v. Steak N Shake
  Operations Inc", "Re: Case No. 17-3994, Island Creek Coal Company v. Linda Hill, et al";
- a copy list: "cc: R. Bruce Carlson" and the names on the lines below it;
- an electronic signature: "/s/ Matthew P. Kralovec", "s/Caitlyn";
- a name on a line (or a tab-separated cell) of its own under an "Attorneys for" heading:
  "Steve Carter", with a firm "Foster & Long-Sharp" beside it;
- a law firm written as names joined by "&" on a line of its own ("Ogletree Deakins Nash
  Smoak & Stewart");
- an address block: the lines between a person's name and a street address name the
  person's firm or office ("Mr. William S. Mattingly / Jackson Kelly / 175 E. Main
  Street");
- a government department: "U.S. Department of Labor", "Office of Workers' Compensation
  Programs".

Names of a reference line are the parties of this case, so they are kept even where the
citation finder took the line for a cited case's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.bodies import names_a_holder
from docbatch.pipeline.entities.names import (
    NOT_NAME_WORDS,
    ORG_HEADS,
    ORG_SUFFIXES,
    display_name,
)
from docbatch.pipeline.entities.shapes import plausible_person

__all__ = ["AGENCY", "block_parties", "counsel_block", "counsel_names", "reference_parties"]

#: A capitalised word, accents included ("Angélica", "ANGÉLICA").
_CAP = (
    r"(?:[A-Z\u00c0-\u00de][a-z\u00df-\u00ff]+(?:[-'\u2019][A-Z][a-z\u00df-\u00ff]+)?"
    r"|[A-Z\u00c0-\u00de]{2,}(?:[-'\u2019][A-Z\u00c0-\u00de]{2,})?)"
)
_INITIAL = r"[A-Z]\."
#: "R. Bruce Carlson", "Maia Simone Fisher", "Dennis James Keenan, III".
_NAME = re.compile(
    rf"(?:{_INITIAL}[ ])?{_CAP}(?:[ ](?:{_INITIAL}|{_CAP})){{0,2}}[ ]{_CAP}"
    r"(?:,?[ ](?:Jr\.?|Sr\.?|II|III|IV|Esq\.))?"
)
_REFERENCE = re.compile(
    r"(?m)^[ \t]*(?:Re|RE)[ \t]*:[ \t]*(?:Case[ ]No\.?[ ]*[\w:-]+,[ \t]*)?"
    r"(?P<first>[^\n]{3,120}?)[ \t]+(?:v\.?|vs\.?|versus)[ \t]+(?P<second>[^\n]{3,120}?)"
    r"(?:,?[ \t]+et[ \t]+al\.?)?(?:,[ \t]*No\.[^\n]*)?[ \t]*$"
)
#: A petition for review of an agency's order: its caption is petitioner v. respondent.
_PETITION = re.compile(r"(?i:petition[ ]for[ ]review)|^[ \t]*Petitioners?:?[ \t]*$", re.MULTILINE)
_CC = re.compile(r"(?m)^[ \t]*(?:cc|CC|Copies[ ]to)[ \t]*:[ \t]*")
_HONORIFIC = re.compile(r"^(?:Mr\.|Ms\.|Mrs\.|Dr\.|Hon\.)[ ]+")
_FIRM = re.compile(
    rf"(?m)(?:^|(?<=\t)|(?<=[ ]{{3}}))[ \t]*(?P<firm>{_CAP}(?:,?[ ]{_CAP}){{0,4}}[ ]&[ ]{_CAP}"
    rf"(?:[ ]{_CAP})?)(?=[ \t]*$|\t|[ ]{{3}})"
)
#: "Office of the Clerk" and "Office of the Solicitor" are parts of a court or department.
#: Last words of an agency's name that may start a new line ("Health and Human\nServices").
_AGENCY_ENDS = (
    "Services|SERVICES|Affairs|AFFAIRS|Security|SECURITY|Development|DEVELOPMENT|Resources"
    "|RESOURCES|Protection|PROTECTION|Enforcement|ENFORCEMENT|Programs|PROGRAMS"
)
#: "Office of the Clerk" is a part of the court, not an organisation of its own.
_POSSESSIVE = r"[A-Z]{2,}['\u2019]S?|[A-Z][a-z]+['\u2019]s?"
AGENCY = re.compile(
    r"(?<![\w.])(?P<agency>(?:(?:U\.S\.|United[ ]States|UNITED[ ]STATES)[ ])?"
    # a name's head is capitalised: "the office of the county superintendent" is prose
    r"(?:Department|DEPARTMENT|Bureau|BUREAU|Commission|COMMISSION|Administration"
    r"|ADMINISTRATION|Office|OFFICE)[ ](?i:of)[ ]"
    r"(?!(?i:the[ ]clerk))(?:the[ ]|THE[ ])?"
    rf"(?:{_POSSESSIVE}|{_CAP})(?:(?:[ ]|(?<=['\u2019])[ ]*\n[ ]*)(?:and|&|AND|{_POSSESSIVE}"
    rf"|{_CAP})|[ ]*\n[ ]*(?:{_AGENCY_ENDS})){{0,4}})(?![ ][A-Z])(?![\w'\u2019])"
)
#: "U.S. Immigration and Customs Enforcement", "United States Postal Service".
FEDERAL_AGENCY = re.compile(
    r"(?<![\w.])(?:U\.S\.|United[ ]States)[ ](?:(?:and|&|[A-Z][a-z]+)[ ]){1,4}"
    r"(?:Service|Enforcement|Agency|Administration|Protection|Bureau|Commission|Department"
    r"|Office|Patrol|Marshals)(?![\w])"
)
#: Words that make a line a title or an address, not a name.
_NOT_IN_NAMES = frozenset(
    {"attorney", "attorneys", "general", "deputy", "solicitor", "indiana", "suite", "room",
     "floor", "esq", "bar", "fax", "telephone", "email", "manager", "enclosure"}
)  # fmt: skip


#: "/s/ Matthew P. Kralovec", "By: s/Caitlyn".
_SIGNATURE = re.compile(rf"(?<![\w/])/?s/[ \t]*(?P<name>{_NAME.pattern}|{_CAP})(?![\w])")


def block_parties(text: str) -> list[RawMention]:
    """Names in copy lists, signatures, firm lines and government departments."""
    return [
        *_copy_list(text), *_signatures(text), *_signed_lines(text), *_firms(text),
        *_agencies(text), *_address_firms(text),
    ]  # fmt: skip


#: An office held by the signer of a letter, opinion or decision.
_OFFICE = (
    r"(?i:(?:Assistant[ ]|Deputy[ ]|Chief[ ]Deputy[ ])?Attorney[ ]General|Chief|Director"
    r"|Secretary|Commissioner|General[ ]Counsel|Counsel|Clerk|Chair(?:man|person)?|President"
    r"|(?:[A-Z][a-z]+[ ]){0,3}Judge|Board[ ]Member|Member|Solicitor[ ]General)"
)
#: A signature line in capitals, alone or with the office after it: "STEVE MARSHALL
#: Attorney General.", "G. WARD BEESON, III Chief, Opinions Division.", "ANDY BESHEAR,
#: ATTORNEY GENERAL.", and "M. HYLAND" over a "Veterans Law Judge" line.
_SIGNED_LINE = re.compile(
    r"(?m)^[ 	]*(?P<name>(?:[A-Z]\.[ ])?[A-Z]{2,}(?:[-'\u2019][A-Z]{2,})?"
    r"(?:[ ](?:[A-Z]\.|[A-Z]{2,}(?:[-'\u2019][A-Z]{2,})?)){0,3}(?:,?[ ](?:JR\.|SR\.|II|III|IV))?)"
    rf"(?:,?[ ]+(?P<office>{_OFFICE})\b[^\n]*|[ \t]*\n(?:[ \t]*\n){{0,3}}[ \t]*"
    rf"(?P<below>{_OFFICE})[ \t]*$)"
)


def _signed_lines(text: str) -> Iterator[RawMention]:
    for match in _SIGNED_LINE.finditer(text):
        start, end = match.span("name")
        name = match["name"]
        if (name.count(" ") == 0 and "." not in name) or not _plausible(name):
            continue  # one word alone ("ORDER") is no signature
        office = match["office"] or match["below"]
        # a court's letterhead names its chief judge ("ROBERT A. KATZMANN / CHIEF JUDGE"),
        # who is no judge of the letter; a signature at the end is the decision's judge
        letterhead = text.count("\n", 0, start) < 10
        role = {"role": "judge"} if office.lower().endswith("judge") and not letterhead else {}
        yield replace(_mention(EntityType.PERSON, text, start, end, 0.8), attributes=role)


def _signatures(text: str) -> Iterator[RawMention]:
    for match in _SIGNATURE.finditer(text):
        start, end = match.span("name")
        if _plausible(match["name"]):
            yield _mention(EntityType.PERSON, text, start, end, 0.85)


def reference_parties(text: str) -> list[RawMention]:
    """The parties a "Re:" line names: this case's caption in a letter or notice.

    A caption names its parties in a fixed order, so the line gives their roles even
    without role words: petitioner and respondent where the document is about a petition
    for review (an agency's decision), otherwise plaintiff and defendant (a court of
    appeals keeps the order of the case below)."""
    roles = ("petitioner", "respondent") if _PETITION.search(text) else ("plaintiff", "defendant")
    found: list[RawMention] = []
    for match in _REFERENCE.finditer(text):
        for group, role in zip(("first", "second"), roles, strict=True):
            start, end = match.span(group)
            start, end = _strip(text, start, end)
            mention = _name_or_org(text, start, end, 0.9)
            if mention is not None:
                found.append(replace(mention, attributes={**mention.attributes, "role": role}))
    return found


def counsel_names(text: str, start: int, end: int) -> list[RawMention]:
    """Name-shaped cells between ``start`` and ``end`` (a counsel column): people."""
    found = []
    for cell in re.finditer(r"[^\t\n]+", text[start:end]):
        begin, stop = _strip(text, start + cell.start(), start + cell.end())
        piece = text[begin:stop]
        if _NAME.fullmatch(piece) and _plausible(piece):
            found.append(_mention(EntityType.PERSON, text, begin, stop, 0.8))
    return found


#: Words that make a run of capitals in a counsel block an organisation.
_ORG_WORDS = frozenset(
    {"foundation", "committee", "union", "office", "defender", "clinic", "project", "council",
     "center", "centre", "aid", "legal", "services", "society", "association", "institute",
     "department", "attorney", "firm", "group", "partners", "associates"}
) | frozenset(ORG_SUFFIXES) | frozenset(ORG_HEADS)  # fmt: skip
_CAPS_LINE = re.compile(
    r"[ \t]*(?P<words>[A-Z\u00c0-\u00de][A-Z\u00c0-\u00de'\u2019&,. -]*?)[ \t]*\d*[ \t]*$"
)


def counsel_block(text: str, start: int, end: int) -> list[RawMention]:
    """People and organisations of a counsel block (the lines above "Counsel for X"):
    a name line followed by an e-mail address, a "Bar No." or "Esq.", and runs of lines in
    capitals naming an office or firm ("AMERICAN CIVIL LIBERTIES / UNION FOUNDATION OF /
    NORTHERN CALIFORNIA")."""
    found: list[RawMention] = []
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*", text[start:end])]
    lines = [(start + a, start + b) for a, b in lines if b > a]
    run: list[tuple[int, int]] = []
    for index, (begin, stop) in enumerate(lines):
        piece = text[begin:stop].strip().rstrip("*").strip()
        following = (
            text[lines[index + 1][0] : lines[index + 1][1]] if index + 1 < len(lines) else ""
        )
        if (
            _NAME.fullmatch(piece) and _plausible(piece)
            and ("@" in following or re.search(r"Bar[ ]No|Esq\.", text[begin:stop] + following))
        ):  # fmt: skip
            first = begin + text[begin:stop].index(piece)
            found.append(_mention(EntityType.PERSON, text, first, first + len(piece), 0.8))
            run = []
            continue
        caps = _CAPS_LINE.fullmatch(text, begin, stop)
        if caps is not None and "@" not in piece:
            run.append(caps.span("words"))
            ends_run = caps["words"] != text[begin:stop].strip()  # a number ended it
        else:
            ends_run = True
        if ends_run and run:
            found += _caps_organisation(text, run)
            run = []
    if run:
        found += _caps_organisation(text, run)
    return found


def _caps_organisation(text: str, run: list[tuple[int, int]]) -> list[RawMention]:
    words = " ".join(text[a:b] for a, b in run).split()
    if len(words) < 2 or not any(w.strip(",.").lower() in _ORG_WORDS for w in words):
        return []
    if words[-1].lower() in ("of", "for", "and", "&", "the"):
        return []
    start, end = run[0][0], run[-1][1]
    return [_mention(EntityType.ORGANIZATION, text, start, end, 0.75)]


def _copy_list(text: str) -> Iterator[RawMention]:
    """ "cc: R. Bruce Carlson" and the names alone on the lines that follow."""
    for cue in _CC.finditer(text):
        offset = cue.end()
        while offset < len(text):
            end = text.find("\n", offset)
            end = len(text) if end < 0 else end
            begin, stop = _strip(text, offset, end)
            piece = text[begin:stop]
            if not (_NAME.fullmatch(piece) and _plausible(piece)):
                break
            yield _mention(EntityType.PERSON, text, begin, stop, 0.8)
            offset = end + 1


def _firms(text: str) -> Iterator[RawMention]:
    for match in _FIRM.finditer(text):
        start, end = match.span("firm")
        words = [w.strip(",").lower() for w in match["firm"].split()]
        if not any(w in NOT_NAME_WORDS for w in words if w != "&"):
            yield _mention(EntityType.ORGANIZATION, text, start, end, 0.75)


#: A person's name on a line of its own, one or two lines of a firm or office, then a street
#: address or a post-office box.
_ADDRESS_BLOCK = re.compile(
    r"(?m)^[ \t]*(?P<honorific>(?:Mr|Ms|Mrs|Dr|Hon)\.[ ]+)?"
    rf"(?P<name>{_NAME.pattern})[ \t]*,?[ \t]*\n"
    r"(?P<lines>(?:[ \t]*[A-Z][^\d\n@]{1,70}\n){1,2})"
    r"(?=[ \t]*(?:\d+[ ][A-Z0-9]|P\.?[ ]?O\.?[ ]Box|One[ ][A-Z]))"
)
#: A firm or office line: capitalised words, "&", "of", "the", a comma before a suffix.
_FIRM_LINE = re.compile(r"[A-Z][\w'\u2019.-]*(?:,?[ ](?:[A-Z&][\w'\u2019.&-]*|of|the|and|for))*")


def _address_firms(text: str) -> Iterator[RawMention]:
    for block in _ADDRESS_BLOCK.finditer(text):
        if not _plausible(block["name"]):
            continue
        offset = block.start("lines")
        for line in block["lines"].splitlines(keepends=True):
            begin, stop = _strip(text, offset, offset + len(line.rstrip("\n")))
            offset += len(line)
            piece = text[begin:stop]
            if not _FIRM_LINE.fullmatch(piece):
                continue  # a sentence
            if _NAME.fullmatch(piece) and not block["honorific"]:
                continue  # maybe a second person: only "Mr. X" over it marks a firm
            words = [w.strip(",.").lower() for w in piece.split()]
            distinctive = [w for w in words if w not in NOT_NAME_WORDS and w not in _NOT_IN_NAMES
                           and w not in ("&", "and", "of", "the", "for")]  # fmt: skip
            if distinctive and not (set(words) & {"suite", "floor", "room", "building"}):
                yield _mention(EntityType.ORGANIZATION, text, begin, stop, 0.75)


def _agencies(text: str) -> Iterator[RawMention]:
    for match in AGENCY.finditer(text):
        start, end = match.span("agency")
        if match["agency"].split()[-1].lower() == "court":
            continue  # "Office of Probate Court": a part of a court
        if names_a_holder(match["agency"]):
            continue  # "Office of Speaker Tim Moore": an office holder's staff, by name
        if re.search(r"[a-z]['\u2019]s$", match["agency"]):
            end -= 2  # "the Department of Law Enforcement's report"
        elif re.search(r"s['\u2019]$", match["agency"]):
            end -= 1  # "the Department of Veterans Affairs' rules"
        yield _mention(EntityType.ORGANIZATION, text, start, end, 0.8)
    for match in FEDERAL_AGENCY.finditer(text):
        yield _mention(EntityType.ORGANIZATION, text, match.start(), match.end(), 0.8)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim blanks, an honorific, a trailing comma and "et al." from a span."""
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    start += lead
    piece = piece.strip()
    honorific = _HONORIFIC.match(piece)
    if honorific:
        start += honorific.end()
        piece = piece[honorific.end() :]
    piece = re.sub(r"(?:,?[ ]+(?:et[ ]+al\.?|ET[ ]+AL\.?))?[ ,;]*$", "", piece)
    return start, start + len(piece)


def _plausible(name: str) -> bool:
    words = [w.strip(",.").lower() for w in name.split()]
    return plausible_person(name) and not any(w in _NOT_IN_NAMES for w in words)


def _name_or_org(text: str, start: int, end: int, confidence: float) -> RawMention | None:
    piece = text[start:end]
    last = piece.split()[-1].lower() if piece.split() else ""
    if last in ORG_SUFFIXES or last.rstrip(".") in ORG_SUFFIXES:
        return _mention(EntityType.ORGANIZATION, text, start, end, confidence)
    if _NAME.fullmatch(piece) and _plausible(piece):
        return _mention(EntityType.PERSON, text, start, end, confidence)
    return None


def _mention(kind: EntityType, text: str, start: int, end: int, confidence: float) -> RawMention:
    raw = text[start:end]
    return RawMention(kind, start, end, raw, display_name(raw), confidence)
