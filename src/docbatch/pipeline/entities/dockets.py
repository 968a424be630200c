"""The party table of a court's docket report: who the parties are and who represents them.

A CM/ECF docket report lists each party under a heading line of its role, and the
party's attorneys in a column headed "represented by"::

    Plaintiff
    Acme Insurance Company <tab>represented by<tab>Jane Q. Roe
    Roe & Doe LLP
    1 Main Street
    Anchorage, AK 99503
    LEAD ATTORNEY
    ATTORNEY TO BE NOTICED
    John Smith
    (See above for address)
    PRO HAC VICE
    V.
    Defendant
    Zenith Corp.

:func:`docket_parties` reads such a table into mentions: each party with its ``role``,
each attorney (a person, named on the line after the previous attorney's designations)
with ``counsel_for`` the party, and each attorney's firm (the lines between the name and
the address) as an organisation, ``counsel_for`` the party when it is a law firm. The
table is read only in a text that has a "represented by" column, so a complaint's caption
("Plaintiff," under a name) is never taken for one.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.bodies import BODY_WORDS
from docbatch.pipeline.entities.docket_statutes import COUNT_CODE
from docbatch.pipeline.entities.names import (
    BUILDING_BY_NUMBER,
    BUILDING_HEAD,
    ORG_HEADS,
    ORG_SUFFIXES,
    display_name,
)

__all__ = ["docket_parties", "ecf_filers", "receipt_spans", "title_sides"]

# A court of appeals' CM/ECF docket lists each party above its role, and the first
# attorney beside the role; each attorney's row gives a phone line, a bracketed
# designation and the firm::
#
#     UNITED STATES OF AMERICA
#     Plaintiff - Appellee \t Samuel R. Fitzpatrick
#     Direct: 865-545-4167
#     [COR NTC Government]
#     Office of the U.S. Attorney
#     Firm: 865-545-4167
#     800 Market Street
#     v.
#     RICARDO ALVARADO (#20575-509)
#     Defendant - Appellant \t Colter Lawrence Paulson
#     ...
#     Ricardo Alvarado
#     [NTC Pro Se]
#
# (a party appearing for itself, "[NTC Pro Se]", is no counsel).

_ROLE_HEADING = re.compile(
    r"(?P<role>Plaintiff|Defendant|Petitioner|Respondent|Appellant|Appellee|Intervenor"
    r"|Intervenor[ ]Plaintiff|Intervenor[ ]Defendant|Movant|Debtor|Creditor|Claimant"
    r"|Counter[ -]Claimant|Counter[ -]Defendant|Cross[ -]Claimant|Cross[ -]Defendant"
    r"|Third[ -]Party[ ]Plaintiff|Third[ -]Party[ ]Defendant|Interested[ ]Party|Notice[ ]Party"
    # a bankruptcy docket's "U.S. Trustee" and "Creditor Committee"
    r"|Trustee|U\.S\.[ ]Trustee|Creditor[ ]Committee|Joint[ ]Debtor"
    # (and a debtor company's "Responsible Ind", the individual who answers for it)
    r"|Bankruptcy[ ]Admin\.|Responsible[ ]Ind(?:ividual|\.)?"
    # an amicus has counsel but is no party ("amicus" is no party role)
    r"|Amicus|Amicus[ ]Curiae|Amici)s?"
    r"(?:[ \t]+\(\d{1,3}\))?"  # a criminal docket numbers its defendants: "Defendant (6)"
)
#: Lines between a party's name and its "represented by" cell: a criminal docket's
#: "TERMINATED: 04/15/2010" and the aliases under "also known as".
_PARTY_NOTE = re.compile(
    r"(?:TERMINATED:.*|also[ ]known[ ]as|doing[ ]business[ ]as|formerly[ ]known[ ]as"
    r'|"[^"\n]{1,60}")'
)
#: A note whose next line is another name of the party (an alias, a trade name).
_ALIAS_NOTE = re.compile(r"also[ ]known[ ]as|doing[ ]business[ ]as|formerly[ ]known[ ]as")
#: The last line of an attorney's address block; a name after it is the next attorney.
_EMAIL = re.compile(r"Email:.*")
#: A line that may end an attorney's block where no e-mail or designation follows (a
#: bankruptcy docket's): a phone or fax number, "(See above for address)".
_BLOCK_END = re.compile(
    r"(?:(?:Fax|Phone|Tel)[ ]?:[ ]?)?\(?\d{3}\)?[ -]?\d{3}-\d{4}.*|\(See[ ]above[ ]for[ ]address\)"
)
#: A government party by its name or initials: "USA", "United States of America".
_GOVERNMENT = re.compile(
    r"(?:USA|U\.[ ]?S\.[ ]?A\.|United[ ]States(?:[ ]of[ ]America)?"
    # a state or a place by its government: "STATE OF HAWAII", "Commonwealth of Virginia"
    r"|(?:State|Commonwealth|Territory|City|County|Town|Village|Government|Republic)[ ]of[ ]"
    r"(?:the[ ])?[A-Z][\w.'-]*(?:[ ][A-Z][\w.'-]*){0,3})"
)
#: The plural nouns of a group that appears together, as amici or as a class: "EPISCOPAL
#: BISHOPS", "CONSTITUTIONAL LAW SCHOLARS", "ALI PLAINTIFFS", "MUSLIM ADVOCATES".
_GROUP_NOUNS = frozenset(
    {"scholars", "professors", "advocates", "organizations", "organisations", "universities",
     "colleges", "officials", "plaintiffs", "bishops", "employees", "members", "students",
     "physicians", "lawyers", "leaders", "groups", "survivors", "citizens", "residents",
     "veterans", "families", "parents", "teachers", "workers", "historians", "economists",
     "experts", "researchers", "legislators", "institutions", "businesses", "companies",
     "alliances", "unions", "states", "cities", "counties", "municipalities", "agencies",
     "nations", "tribes", "churches", "hospitals", "retailers", "manufacturers"}
)  # fmt: skip
_REPRESENTED = re.compile(r"[^\S\n]*\brepresented[^\S\n]+by\b[^\S\n]*")
#: The lines under an attorney's name that say how they appear, not who they are.
_DESIGNATION = re.compile(
    r"(?:LEAD[ ]ATTORNEY|ATTORNEY[ ]TO[ ]BE[ ]NOTICED|PRO[ ]HAC[ ]VICE|TERMINATED:.*"
    r"|Designation:.*|Bar[ ]Status:.*|PRO[ ]SE|NOTICING[ ]ATTORNEY|Government[ ]Attorney"
    r"|CJA[ ]Appointment|Retained|Public[ ]Defender[ ]or[ ]Community[ ]Defender[ ]Appointment)"
)
#: Where the firm's name ends: a street number, a box, a phone, an e-mail, a city line.
_ADDRESS = re.compile(
    r"(?:\d|P\.?[ ]?O\.?[ ](?i:box|drawer)|Suite\b|Email:|Fax[ ]?:|Phone:|\(\d{3}\)|\(See[ ]above"
    r"|Tel(?:ephone)?:|UNDELIVERABLE|[A-Z][A-Za-z .]+,[ ]+[A-Z]{2}[ ]+\d{5}"
    rf"|{BUILDING_BY_NUMBER}"
    # a building by its name: "PJKK Federal Building", "Prince Kuhio Federal Building"
    # (and a room in it: "U. S. Courthouse, Room 233")
    rf"|(?:[A-Z][\w.'\u2019-]*[ ]){{1,4}}{BUILDING_HEAD}"
    r"(?:,[ ]+(?i:Room|Rm\.?|Suite|Ste\.?|Floor)[ ][^\n]*)?[ \t]*$)"
)
#: A line that ends the party table: the next side ("V."), the entries' header, a rule.
_TABLE_END = re.compile(
    r"(?:[Vv]\.?|Date[ ]Filed\b.*|_{5,}.*|-{5,}.*"
    # a criminal docket's counts under the defendant's attorneys
    r"|Pending[ ]Counts|Terminated[ ]Counts|Highest[ ]Offense[ ]Level.*|Complaints)"
)
#: Legal forms compared without periods ("PC", "P.C.", "LLP").
_SUFFIXES = frozenset(key.replace(".", "") for key in ORG_SUFFIXES)
#: An attorney's title after the name: "Christopher T. Clark AUSA", "James D. Durham, AUSA".
_TITLE_AFTER = re.compile(r",?[ ]+(?:AUSA|SAUSA|Esq\.?)$")
_NAME_LINE = re.compile(r"[A-Z][\w.'\u2019!-]*,?(?:[ ]+[\w.'\u2019&,!-]+){0,8}")  # "Yahoo! Inc"
#: What a party's line says of it after its name: "Markair, Inc., an AK corporation".
_DESCRIPTION = re.compile(r",[ ]+an?[ ][A-Za-z ]{2,40}$")
_FIRM_WORDS = frozenset({"law", "attorneys", "lawyers", "&"})
#: Words of a public office where an attorney works, which is not their client's firm.
_OFFICE_WORDS = frozenset(
    {"office", "department", "division", "agency", "state", "county", "city", "united"}
)


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


#: A district docket report's case title, on the first line after its heading: "CIVIL
#: DOCKET FOR CASE #: 1:11-cv-10230-MLW" / "Arkansas Teacher Retirement System v. State
#: Street Corporation et al".
_DOCKET_TITLE = re.compile(
    r"(?m)^[ \t]*(?:CIVIL|CRIMINAL)[ ]DOCKET[ ]FOR[ ]CASE[ ]#:[^\n]*\n(?:[ \t]*\n)*"
    r"[ \t]*(?P<title>[^\n]{5,250}?)[ \t]*$"
)
_ET_AL = re.compile(r",?[ ]et[ ]al\.?$")
#: The filer an ECF docket entry ends with, surname first: "... (Franklin, Yvonne)
#: (Entered: 06/06/2018)".
_ECF_FILER = re.compile(
    r"\((?P<last>[A-Z][A-Za-z'\u2019-]+(?:[ ][A-Z][A-Za-z'\u2019-]+)?),[ ]"
    r"(?P<first>[A-Z][a-z]+(?:[ ][A-Z]\.?)?)\)[ \t]*(?=\(Entered:)"
)


def ecf_filers(text: str) -> list[RawMention]:
    """The attorneys who filed a docket's entries, named surname first before "(Entered:
    ...)": "(Franklin, Yvonne)" is Yvonne Franklin."""
    found = []
    for match in _ECF_FILER.finditer(text):
        start, end = match.start("last"), match.end("first")
        name = display_name(f"{match['first']} {match['last']}")
        found.append(RawMention(EntityType.PERSON, start, end, text[start:end], name, 0.85))
    return found


def title_sides(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The sides of the case title ``text[start:end]`` ("X v. Y", "X v. Y et al"), each
    with its role: the first the plaintiff (in a criminal case the United States), the
    second the defendant; none unless the title has one "v."."""
    sides = list(re.finditer(r"\s+v\.?\s+", text[start:end]))
    if len(sides) != 1:
        return []
    middle = sides[0]
    tail = _ET_AL.search(text, start, end)
    return [
        (start, start + middle.start(), "plaintiff"),
        (start + middle.end(), tail.start() if tail else end, "defendant"),
    ]


def _title_parties(text: str, people: Sequence[RawMention]) -> list[RawMention]:
    """A docket report with no party table: the parties of its case title."""
    match = _DOCKET_TITLE.search(text)
    sides = title_sides(text, *match.span("title")) if match else []
    if not sides:
        return list(people)
    found = [_named(text, start, end, role=role) for start, end, role in sides]
    kept = [m for m in people if not any(m.start < f.end and f.start < m.end for f in found)]
    return kept + found


def docket_parties(text: str, people: Sequence[RawMention]) -> list[RawMention]:
    """``people`` with the parties, attorneys and firms of a docket's party table: the
    mentions inside the table are replaced by the table's own (a report without a table:
    the parties of its case title)."""
    # an offence's words are no party: "18:371.F CONSPIRACY TO DEFRAUD THE UNITED STATES"
    people = [m for m in people if not _COUNT_LINE.match(text, text.rfind("\n", 0, m.start) + 1)]
    if _REPRESENTED.search(text) is None:
        if _APPELLATE_DESIGNATION.search(text) is not None:
            return _appellate_parties(text, people)
        return _title_parties(text, people)
    lines = _lines(text)
    found: list[RawMention] = []
    covered: list[tuple[int, int]] = []
    for index, line in enumerate(lines):
        heading = _ROLE_HEADING.fullmatch(line.text)
        if heading is None or index + 1 >= len(lines):
            continue
        role = " ".join(heading["role"].lower().split()).replace("admin.", "administrator")
        covered.append((line.start, line.end))  # "Creditor Committee": a heading, no body
        party, counsel = _party_rows(lines, index + 1)
        if party is None:
            continue
        name = _strip_mention(text, party.start, party.end)
        if name is not None and (tag := _OFFICE_TAG.search(text, *name)) is not None:
            name = (name[0], tag.start())  # "United States Trustee (RS)", "... Trustee / SF"
        if name is None or not _NAME_LINE.fullmatch(text[name[0] : name[1]]):
            continue
        described = _DESCRIPTION.search(text, *name)
        if described is not None:
            name = (name[0], described.start())
        client = ""
        # "Putative Intervenor": a party the court removed, named by its role alone
        if not _ROLE_HEADING.fullmatch(re.sub(r"(?i)^(?:putative|proposed)[ ]+", "", party.text)):
            party_mention = _named(text, *name, role=role)
            found.append(party_mention)
            client = party_mention.text
        covered.append((party.start, party.end))
        for row in counsel:
            covered.append((row.start, row.end))
            found.extend(_counsel_rows(text, row, client))
    if not found:
        return list(people)
    found += _named_again(text, found, covered)
    kept = [m for m in people if not any(m.start < e and s < m.end for s, e in covered)]
    parties = {m.text for m in found if m.type is EntityType.PERSON and "role" in m.attributes}
    return [_cut_at_party(text, m, parties) for m in kept] + found


def _cut_at_party(text: str, mention: RawMention, parties: set[str]) -> RawMention:
    """A person an entry names run into the next words, cut after the party's name the
    table gives: "as to Daniel Roe Troy K. Stabenow" names Daniel Roe."""
    if mention.type is not EntityType.PERSON:
        return mention
    for party in parties:
        end = mention.start + len(party)
        if end < mention.end and text[mention.start : end] == party and text[end] == " ":
            return _mention(EntityType.PERSON, text, mention.start, end)
    return mention


#: A court office's tag after a party's name: "United States Trustee (RS)", "Office of the
#: U.S. Trustee / SF".
_OFFICE_TAG = re.compile(r"[ ]+(?:\([A-Z]{1,4}\)|/[ ]?[A-Z]{1,4})$")
#: A criminal docket's count line, opened by title and section: "18:371.F CONSPIRACY".
_COUNT_LINE = re.compile(
    rf"[ \t]*(?:Count[ ]\d{{1,3}}[ \t]+)?{COUNT_CODE}"
    r"(?:\.[FMP]\b|[ \t]+-[ ])"  # "Count 1 18:371 - Conspiracy to ..."
)


#: The bracketed designation under an appellate attorney's name: "[COR LD NTC Retained]".
_APPELLATE_DESIGNATION = re.compile(r"(?m)^[ \t]*\[(?:COR|NTC|LD)\b[^\]\n]*\][ \t]*$")
_APPELLATE_ROLE_WORD = (
    r"(?:Plaintiff|Defendant|Petitioner|Respondent|Appellant|Appellee|Intervenor|Movant"
    r"|Debtor|Creditor|Claimant|Trustee|Amicus[ \u00a0]Curiae|Interested[ \u00a0]Party"
    r"|Cross[ -]Appellant|Cross[ -]Appellee)s?"
)
_APPELLATE_ROLE = re.compile(
    # (an intervenor whose motion is pending: "Intervenor - Pending,")
    rf"(?P<role>{_APPELLATE_ROLE_WORD})"
    rf"(?:[ \u00a0]*-[ \u00a0]*(?:(?P<second>{_APPELLATE_ROLE_WORD})|Pending))?"
    # (the Ninth Circuit puts a comma after the role: "Plaintiff - Appellee, \t Donna Kalama")
    r",?(?:[ \t\u00a0]+(?P<attorney>\S[^\t\n]*))?"
)
#: A line of an attorney's row that is not a name: phone, designation, firm phone, address.
_APPELLATE_DETAIL = re.compile(r"(?:Direct:|Firm:|Fax:|Email:|\[|\(see[ ]above\))")
#: An alias after a party's name: "Brian Broussard, also known as Lil Brian".
_ALIAS = re.compile(r",?[ \t]+(?:also[ ]known[ ]as|a/k/a|aka)\b.*$", re.IGNORECASE)
#: A title after an attorney's name: "Andre' Robert Belanger, Esq.", "Camille Ann Domingue,
#: Assistant U.S. Attorney" (a generation, "Jr." or "III", is part of the name).
_TITLE_AFTER_COMMA = re.compile(r",[ ]+(?!(?:Jr|Sr|II|III|IV)\b)[^,\n]+$")
#: A party's termination under its name on an appellate docket.
_TERMINATED = re.compile(r"Terminated:[ ]*\d{1,2}/\d{1,2}/\d{2,4}")
#: A description after a party's name: ", a U.S. Citizen of Yemeni Descent".
_DESCRIBED = re.compile(r",[ ]+an?[ ][^,\n]*$")
#: An inmate number after a party's name: "RICARDO ALVARADO (#20575-509)".
_INMATE = re.compile(r"[ \t]*\(#[\d-]+\)[ \t]*$")


def _appellate_parties(text: str, people: Sequence[RawMention]) -> list[RawMention]:
    """The parties and counsel of a court of appeals' docket (see the comment above)."""
    lines = _lines(text)
    found: list[RawMention] = []
    covered: list[tuple[int, int]] = []
    for index, line in enumerate(lines):
        match = _APPELLATE_ROLE.fullmatch(line.text)
        if match is None or index == 0 or not lines[index - 1].text:
            continue
        above = lines[index - 1]
        if _TERMINATED.fullmatch(above.text) and index > 1 and lines[index - 2].text:
            above = lines[index - 2]  # "ALI PLAINTIFFS\nTerminated: 04/21/2017\nIntervenor"
        if _TABLE_END.fullmatch(above.text) or _APPELLATE_ROLE.fullmatch(above.text):
            continue
        # (a description after the name: "T. A., a U.S. Citizen of Yemeni Descent")
        bare = _DESCRIBED.sub("", _INMATE.sub("", _ALIAS.sub("", above.text)))
        end = above.start + len(bare)
        office = _OFFICE_AFTER_NAME.match(text, above.start, end)
        if office is not None:  # "GORDON J. MACDONALD, New Hampshire Attorney General"
            end = office.end("name")
        name = _strip_mention(text, above.start, end)
        if name is None or not _NAME_LINE.fullmatch(text[name[0] : name[1]]):
            continue
        word = (match["second"] or match["role"]).split()[-1].lower()
        role = "amicus" if "amicus" in match[0].lower() else word.rstrip("s")
        party = _named(text, *name, role=role)
        found.append(party)
        covered.append((above.start, above.end))
        if match["attorney"]:
            first = line.start + match.start("attorney")
            found += _appellate_counsel(text, lines, index, first, party.text)
            covered.append((line.start, _row_end(lines, index)))
    if not found:
        return list(people)
    kept = [m for m in people if not any(m.start < e and s < m.end for s, e in covered)]
    return kept + found


#: A party's office or capacity after its name on an appellate docket's party line:
#: "JEFFERSON B. SESSIONS, III, Attorney General", "PATRICIA CONWAY, Rockingham County
#: Attorney, in her official capacity".
_OFFICE_AFTER_NAME = re.compile(
    r"(?P<name>[^,\n]+?(?:,[ ](?:Jr\.?|Sr\.?|JR\.?|SR\.?|II|III|IV))?),[ ]"
    r"(?=[^\n]*\b(?i:attorney|judge|general|secretary|commissioner|director|capacity|officer"
    r"|warden|sheriff|chief|governor|mayor|clerk|superintendent|administrator)\b)"
)


def _row_end(lines: list[_Line], index: int) -> int:
    """Where a party's attorneys end: before the next party, "v.", a rule or a blank line."""
    end = lines[index].end
    for position in range(index + 1, len(lines)):
        line = lines[position]
        following = lines[position + 1].text if position + 1 < len(lines) else ""
        if not line.text or _TABLE_END.fullmatch(line.text) or _APPELLATE_ROLE.fullmatch(following):
            break
        end = line.end
    return end


def _appellate_counsel(
    text: str, lines: list[_Line], index: int, first: int, client: str
) -> list[RawMention]:
    """The attorneys (a name over a "Direct:" or a designation line) and their firms (the
    line after the designation) of one party's rows."""
    found: list[RawMention] = []
    names = [(first, lines[index].end)]
    stop = _row_end(lines, index)
    rows = [position for position in range(index + 1, len(lines)) if lines[position].end <= stop]
    for position in rows:
        line = lines[position]
        following = lines[position + 1].text if position + 1 < len(lines) else ""
        if (
            not _APPELLATE_DETAIL.match(line.text)
            and not _ADDRESS.match(line.text)
            and _APPELLATE_DETAIL.match(following)
            and not following.startswith("Firm:")
            and "Pro Se" not in following
        ):
            names.append((line.start, line.end))
    for start, end in names:
        title = _TITLE_AFTER_COMMA.search(text, start, end)
        name = _strip_mention(text, start, title.start() if title else end)
        if name is not None and _NAME_LINE.fullmatch(text[name[0] : name[1]]):
            found.append(_mention(EntityType.PERSON, text, *name, counsel_for=client))
    for position in rows:
        designation = lines[position].text
        if not _APPELLATE_DESIGNATION.fullmatch(designation) or position + 1 not in rows:
            continue
        if "Pro Se" in designation:
            continue  # the party's own address: "[NTC Pro Se] / Tallahatchie County ..."
        firm = lines[position + 1]
        if _APPELLATE_DETAIL.match(firm.text) or _ADDRESS.match(firm.text):
            continue
        words = {w.strip(",.").lower() for w in firm.text.split()}
        if words & _OFFICE_WORDS:
            found.append(_mention(EntityType.ORGANIZATION, text, firm.start, firm.end))
        else:
            found.append(
                _mention(EntityType.ORGANIZATION, text, firm.start, firm.end, counsel_for=client)
            )
    return found


def _named_again(
    text: str, found: list[RawMention], covered: list[tuple[int, int]]
) -> list[RawMention]:
    """The table's organisations where the docket entries name them again ("served on
    Communications Equipment and Service, LLC on 12/30/08"): the whole name, which the
    entries' own reading may cut ("Service, LLC"). Their spans join ``covered``."""
    again = []
    for party in found:
        if party.type is not EntityType.ORGANIZATION or "role" not in party.attributes:
            continue
        last = party.text.split()[-1].lower()
        # "Service, LLC." ends a sentence of the table; "Medicines Inc." keeps its period
        name = party.text if last in ORG_SUFFIXES else party.text.rstrip(".")
        for match in re.finditer(re.escape(name), text):
            span = match.span()
            if any(s < span[1] and span[0] < e for s, e in covered):
                continue
            covered.append(span)
            again.append(_mention(EntityType.ORGANIZATION, text, *span))
    return again


def _lines(text: str) -> list[_Line]:
    """Every line, stripped, with the offsets of its stripped text."""
    lines = []
    position = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        start = position + (len(raw) - len(raw.lstrip()))
        lines.append(_Line(start, start + len(stripped), stripped))
        position += len(raw) + 1
    return lines


@dataclass(frozen=True)
class _Row:
    """One attorney of the table: the lines from their name to their last designation."""

    start: int
    end: int
    name: tuple[int, int]
    firm: tuple[int, int] | None


def _party_rows(lines: list[_Line], first: int) -> tuple[_Line | None, list[_Row]]:
    """The party's line and its attorneys' rows, from the line after the role heading."""
    line = lines[first]
    if not line.text or _ROLE_HEADING.fullmatch(line.text) or _TABLE_END.fullmatch(line.text):
        return None, []
    party = line
    # the "represented by" cell may sit beside the party's notes, lines below its name
    # (after "also known as" or "doing business as", the next line is another name): a
    # capacity ("District Attorney, 23rd Judicial District of Louisiana") or a
    # description ("on behalf of himself and all other similarly situated consumers")
    notes = 0
    while (split := _REPRESENTED.search(line.text)) is None:
        alias = _ALIAS_NOTE.fullmatch(line.text.strip()) is not None
        if first + 1 >= len(lines) or not (alias or _is_note(lines[first + 1].text)):
            return party, []
        following = lines[first + 1].text
        # an address under the name (a bankruptcy docket's) is no free note
        notes += not (
            alias or _PARTY_NOTE.match(following) or _ADDRESS.match(following)
            or _BLOCK_END.fullmatch(following) or following.startswith("Tax ID")
        )  # fmt: skip
        if notes > _MAX_NOTES:
            return party, []
        first += 1
        line = lines[first]
    if line is party:
        party = _Line(line.start, line.start + split.start(), line.text[: split.start()])
    attorney = line.start + split.end()
    rows: list[_Row] = []
    names: list[tuple[int, int]] = [(attorney, line.end)]
    body: list[_Line] = []
    for below in lines[first + 1 :]:
        ends = (
            not below.text
            or _ROLE_HEADING.fullmatch(below.text)
            or _TABLE_END.fullmatch(below.text)
        )
        if ends:
            break
        if (
            body
            and (
                _DESIGNATION.fullmatch(body[-1].text)
                or _EMAIL.fullmatch(body[-1].text)
                or _BLOCK_END.fullmatch(body[-1].text)
            )
            and not _DESIGNATION.fullmatch(below.text)
            and not _ADDRESS.match(below.text)
        ):
            rows.append(_row(names[-1], body))
            names.append((below.start, below.end))
            body = []
            continue
        body.append(below)
    rows.append(_row(names[-1], body))
    return party, rows


#: Lines of free notes (a capacity, a description) a party's cell may hold before its
#: "represented by" cell.
_MAX_NOTES = 3


def _is_note(text: str) -> bool:
    """A line of a party's cell under its name: a note ("TERMINATED: ...", an alias, a
    capacity or a description), not the next row, the next heading or the table's end."""
    if _PARTY_NOTE.match(text):
        return True
    return bool(text) and not (
        _ROLE_HEADING.fullmatch(text) or _TABLE_END.fullmatch(text) or _EMAIL.fullmatch(text)
    )


def _row(name: tuple[int, int], body: list[_Line]) -> _Row:
    firm_lines: list[_Line] = []
    for line in body:
        if _ADDRESS.match(line.text) or _DESIGNATION.fullmatch(line.text):
            break
        firm_lines.append(line)
    firm = (firm_lines[0].start, firm_lines[-1].end) if firm_lines else None
    end = body[-1].end if body else name[1]
    return _Row(name[0], end, name, firm)


def _counsel_rows(text: str, row: _Row, client: str) -> list[RawMention]:
    """The attorney of a row (a person, counsel for ``client``) and their firm."""
    found = []
    own = False
    name = _strip_mention(text, *row.name)
    if name is not None and (title := _TITLE_AFTER.search(text, name[0], name[1])):
        name = (name[0], title.start())
    if name is not None and _NAME_LINE.fullmatch(text[name[0] : name[1]]):
        words = {w.strip(",.").lower() for w in text[name[0] : name[1]].split()}
        if "attorney" in words and not words & _OFFICE_WORDS:
            return []  # "U S Attorney CR": a placeholder in the attorney's slot
        # an office listed as the attorney: "St. Louis Fed Public Defender"
        office = words & (_OFFICE_WORDS | {"defender", "defenders"})
        kind = EntityType.ORGANIZATION if office else EntityType.PERSON
        own = (
            bool(client)
            and " ".join(text[name[0] : name[1]].split()).casefold() == client.casefold()
        )
        # a party pro se is its own attorney, nobody's counsel
        found.append(_mention(kind, text, *name, counsel_for="" if own else client))
    if row.firm is not None and not own:
        # (a party pro se: the lines under its name are its own address, a prison's name)
        firm = _strip_mention(text, *row.firm)
        if firm is not None and _OWN_PRACTICE.search(text, firm[0], firm[1]):
            firm = None  # "ANDREW J. SOTTILE, ATTORNEY AT LAW": the attorney, not a firm
        if firm is not None:
            words = {w.strip(",.").lower() for w in text[firm[0] : firm[1]].split()}
            if "court" in words and not {w.replace(".", "") for w in words} & _SUFFIXES:
                pass  # "UTAH COURT OF APPEALS": an attorney now on the bench; a court
            elif words & _OFFICE_WORDS:
                found.append(_mention(EntityType.ORGANIZATION, text, *firm))
            elif {w.replace(".", "") for w in words} & _SUFFIXES or words & _FIRM_WORDS:
                found.append(_mention(EntityType.ORGANIZATION, text, *firm, counsel_for=client))
            elif words & ORG_HEADS:
                found.append(_mention(EntityType.ORGANIZATION, text, *firm))
            elif _FIRM_BY_PLACE.fullmatch(text[firm[0] : firm[1]]):
                # the line between an attorney's name and the address is the firm, named by
                # its partners alone: "LeClair Ryan"
                found.append(_mention(EntityType.ORGANIZATION, text, *firm, counsel_for=client))
    return found


#: A sole practitioner's line: the attorney's name and "Attorney at Law".
_OWN_PRACTICE = re.compile(r",?\s+(?i:attorneys?[ ]at[ ]law)[ \t]*$")
#: A firm's line by its place in an attorney's row: capitalised words with no digit,
#: not a title of the attorney's own ("Attorney at Law").
_FIRM_BY_PLACE = re.compile(
    r"(?!Attorney[ ]at[ ]Law\b|Attorneys?\b|Counsel\b|[^\n]*\bEsq\b)"
    # (partners' names with commas and "and": "Sheppard, Mullin, Richter and Hampton")
    r"(?:[A-Z][A-Za-z'\u2019.-]+,?[ ]?(?:(?:&|and)[ ])?){1,5}(?<![ ,])"
)


def _strip_mention(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start] in " \t\n,":
        start += 1
    while end > start and text[end - 1] in " \t\n,":
        end -= 1
    return (start, end) if end - start >= 3 else None


#: Words of the press and of carriers that name no person: the movants of a docket
#: ("Deseret News", "Salt Lake Tribune", "Associated Press").
_PRESS_WORDS = frozenset(
    {"press", "news", "tribune", "times", "journal", "herald", "gazette", "media",
     "broadcasting", "publishing", "newspapers", "transportation", "transport"}
)  # fmt: skip


#: Particles of a person's surname, no words of their own.
_PARTICLES = frozenset({"de", "la", "del", "della", "van", "von", "der", "den", "di", "da", "du",
                        "le", "dos", "das"})  # fmt: skip
#: Words of a party's name that make it a body or a business, not a person: the public
#: bodies' head nouns, and "Maritime Administration", "Miki Manufacturing of California",
#: "Worldwide Distribution".
_BODY_WORDS = BODY_WORDS | frozenset(
    {"trustees", "academy", "administration", "administrator", "district", "service",
     "services", "manufacturing", "distribution", "distributors", "exchange", "imports",
     "trading", "apparel", "fashions", "stores", "textiles", "products", "international"}
)  # fmt: skip


def _named(text: str, start: int, end: int, *, role: str) -> RawMention:
    """A party named on its line: an organisation when a word says so, else a person."""
    words = {w.strip(",.").lower() for w in text[start:end].split()}
    first = text[start:end].split()[0]
    organisation = (
        # a legal form, also inside the name ("Marine Corp. Exchange")
        bool({w.replace(".", "") for w in words} & _SUFFIXES)
        or bool(words & ORG_HEADS or words & _PRESS_WORDS)
        or bool(words & _BODY_WORDS)
        or bool(words & _GROUP_NOUNS)
        # the United States Trustee's office: "U.S. TRUSTEE"
        or re.fullmatch(r"(?i)U\.?[ ]?S\.?[ ]+Trustee", " ".join(text[start:end].split()))
        is not None
        # a town by its name and state: "WINDHAM, NH"
        or re.fullmatch(r"[A-Za-z .'-]+,[ ][A-Z]{2}", text[start:end]) is not None
        # (a person's name may hold particles: "GUILLERMO RICARDO DE LA VARA")
        or len(words - _PARTICLES) > 4
        # one word in capitals names no person: "UNUM" (a surname alone, "Fitzhugh-Davis",
        # is written in title case)
        or (len(text[start:end].split()) == 1 and text[start:end].isupper())
        # initials first, as a company's ("AAA Cooper Transportation"), in a name not all
        # in capitals
        or (re.fullmatch(r"[A-Z]{2,4}", first) is not None and not text[start:end].isupper())
        or any(
            _GOVERNMENT.fullmatch(form) is not None
            for form in (" ".join(text[start:end].split()), display_name(text[start:end]))
        )
    )
    kind = EntityType.ORGANIZATION if organisation else EntityType.PERSON
    mention = _mention(kind, text, start, end, role=role)
    if re.fullmatch(r"USA|U\.[ ]?S\.[ ]?A\.", mention.text.strip()):
        # the initials of the United States, not a name to title-case ("Usa")
        mention = dataclasses.replace(mention, normalized="USA")
    return mention


def _mention(kind: EntityType, text: str, start: int, end: int, **attributes: str) -> RawMention:
    raw = text[start:end]
    return RawMention(kind, start, end, raw, display_name(" ".join(raw.split())), 0.9, attributes)


#: The receipt PACER appends to a docket report it served: the service's own name, the
#: reader's login and the fee, none of it about the case.
_RECEIPT = re.compile(r"(?m)^[ \t]*PACER[ ]Service[ ]Center[ \t]*\n[ \t]*Transaction[ ]Receipt\b")


def receipt_spans(text: str) -> list[tuple[int, int]]:
    """Spans of PACER's transaction receipts, from their heading to the end of the text (the
    page's menu of PACER links follows the receipt)."""
    return [(match.start(), len(text)) for match in _RECEIPT.finditer(text)]
