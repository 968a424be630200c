"""CM/ECF's Notice of Electronic Filing: the e-mail a federal court sends for each docket
entry, which law firms receive by the thousand.

Its layout is fixed, and prose rules misread it::

    U.S. District Court
    California Northern District              <- the court of the case
    Notice of Electronic Filing
    The following transaction was entered on 4/19/2021 at 1:33 PM and filed
    on 4/19/2021                              <- the filing date
    Case Name: Epic Games, Inc. v. Apple Inc. <- the parties (a debtor alone in bankruptcy)
    Case Number: 4:20-cv-05640-YGR
    Filer: Josh
    Hicks                                     <- a name broken over lines
    Docket Text: ... before Judge Yvonne Gonzalez Rogers ... Filed by Michael J. Habib on
    behalf of Alan E. Waskowicz Debtor, ...   <- the judge, counsel and a party's role
    4:20-cv-05640-YGR Notice has been electronically mailed to:
    Anna L Casey acasey@gibsondunn.com        <- people (no client is named), or
    Kristen S. Eustis on behalf of U.S. Trustee U. S. Trustee for Region Four
    Kristen.S.Eustis@usdoj.gov                <- counsel, the party type and the party

:func:`notice_mentions` reads those places; the mentions the prose rules found inside
them give way to its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention, with_attributes
from docbatch.pipeline.entities.dockets import title_sides
from docbatch.pipeline.entities.names import NOT_NAME_WORDS, ORG_HEADS, ORG_SUFFIXES, display_name

__all__ = ["entry_counsel", "notice_mentions"]

_NOTICE = re.compile(r"Notice[ ]of[ ]Electronic[ ]Filing")
#: The court's two heading lines above the notice's title.
_COURT_HEADING = re.compile(
    r"U\.S\.[ ](?:District|Bankruptcy)[ ]Court\s+(?P<court>[^\n]+?)\s*\n\s*"
    r"Notice[ ]of[ ]Electronic[ ]Filing"
)
_FILED_ON = re.compile(r"The[ ]following[ ]transaction[ ]was[^\n]{0,200}?\bfiled\s+on\s+")
_CASE_NAME = re.compile(
    r"Case[ ]Name:[ \t]*\n?[ \t]*(?P<name>\S[^\n]*(?:\n(?![ \t]*Case[ ]Number:)[^\n]+){0,2}?)"
    r"[ \t]*\n[ \t]*Case[ ]Number:"
)
_FILER = re.compile(
    r"Filer:[ \t]*\n?(?P<name>(?:[ \t]*[A-Z][\w.'\u2019-]*[ \t]*\n?){2,5}?)[ \t]*Document[ ]Number:"
)
_BEFORE_JUDGE = re.compile(
    r"\bbefore\s+(?:the\s+Honorable\s+)?(?:(?:Chief|District|Magistrate|Bankruptcy|Senior)\s+)?"
    r"Judge\s+(?P<name>(?:[A-Z][\w.'\u2019-]*\s+){1,3}?[A-Z][\w'\u2019-]+)(?=[.,;)]|\s+[a-z(])"
)
#: The notice list of those it was mailed to, up to the list of those it was not.
_MAILED = re.compile(
    r"Notice[ ](?:has[ ]been|will[ ]be)[ ]electronically[ ]mailed[ ]to:[ \t]*\n"
    r"(?P<list>[\s\S]*?)(?=[^\n]*Notice[ ](?:has[ ]been[ ]delivered|will[ ]not[ ]be)|\Z)"
)
#: CM/ECF's party types, before the party on a notice list or after it in docket text, and
#: the role each gives.
_PARTY_TYPES = {
    "debtor in possession": "debtor", "debtor": "debtor", "joint debtor": "debtor",
    "creditor": "creditor", "u.s. trustee": "u.s. trustee", "trustee": "trustee",
    "plaintiff": "plaintiff", "defendant": "defendant", "petitioner": "petitioner",
    "respondent": "respondent", "appellant": "appellant", "appellee": "appellee",
    "interested party": "", "creditor committee": "creditor", "movant": "movant",
    "intervenor": "intervenor",
}  # fmt: skip
_TYPE = "|".join(
    re.escape(t).replace(r"\ ", "[ ]") for t in sorted(_PARTY_TYPES, key=len, reverse=True)
)
_TYPE_FIRST = re.compile(rf"(?i:(?P<type>{_TYPE}))[ ]+(?P<name>[A-Z].*)$")
_TYPE_AFTER = re.compile(rf"^(?P<name>[A-Z].*?)[ ]+(?i:(?P<type>{_TYPE}))$")
#: Where a name in docket text ends: a comma, a bracket or a sentence's period (not an
#: initial's: "Alan E. Waskowicz").
_END = r"(?<![ ][A-Z])(?=[,();\n]|\.(?:[\s(]|$))"  # ("on behalf of GMAC Mortgage.(BONIAL")
#: "Filed by X on behalf of Y Debtor," in the docket text.
_ON_BEHALF = re.compile(
    # (a firm after "of" may hold commas: "HILARY B. BONIAL of BRICE, VANDER LINDEN &
    # WERNICK, PC on behalf of ...")
    r"\b[Ff]iled[ ]+by[ ]+(?P<counsel>[A-Z][^\n,()]{2,60}?(?:[ ]of[ ][A-Z][^\n()]{2,80}?)?)"
    r"[ ]+on[ ]+behalf[ ]+of[ ]+"
    rf"(?P<client>[A-Z][^\n,()]{{2,120}}?)[ ]*{_END}"
)
#: "filed by Debtor Alan E. Waskowicz)": a party named with its type.
_FILED_BY_TYPE = re.compile(
    rf"\b[Ff]iled[ ]+by[ ]+(?i:(?P<type>{_TYPE}))[ ]+(?P<name>[A-Z][^\n,()]{{2,80}}?)[ ]*{_END}"
)
_EMAIL = re.compile(r"\S+@\S+")
#: A person's name on a notice list: capitalised words and initials, with or without their
#: periods ("Anna L Casey", "E. Joshua Rosenkranz").
_NAME = re.compile(
    r"(?:[A-Z][A-Za-z'\u2019-]*\.?[ ]+){1,4}[A-Z][A-Za-z'\u2019-]+"
    r"(?:,?[ ]+(?:Jr\.|Sr\.|II|III|IV))?"
)
#: Placeholders a redacted notice puts for a name.
_PLACEHOLDER = frozenset({"firstname", "lastname"})
#: Words of a body's name on a notice list ("U. S. Trustee for Region Four").
_BODY_WORDS = frozenset(
    {"trustee", "office", "united", "states", "department", "region", "u.s.",
     # a lender named "on behalf of" in a docket entry: "GMAC Mortgage"
     "mortgage", "loans", "servicing", "financial", "credit", "company"}
)  # fmt: skip


def notice_mentions(
    text: str, people: Sequence[RawMention], others: Sequence[RawMention]
) -> tuple[list[RawMention], list[RawMention]]:
    """``people`` and ``others`` with a notice's parties, counsel, judge, court and filing
    date read from its layout (unchanged when ``text`` is no notice)."""
    if _NOTICE.search(text) is None:
        return list(people), list(others)
    filer = _filer(text)
    found: list[RawMention] = [*_case_parties(text, filer), *filer]
    found += _judges(text)
    found += _docket_text_parties(text)
    found += _mailed(text)
    spans = [(m.start, m.end) for m in found]
    kept = [m for m in people if not any(m.start < e and s < m.end for s, e in spans)]
    return _with_roles(kept + found), _court_and_date(text, list(others))


def _court_and_date(text: str, others: list[RawMention]) -> list[RawMention]:
    """The court under the "U.S. ... Court" line is the case's, and the date after "filed
    on" in the transaction line the filing date."""
    heading = _COURT_HEADING.search(text)
    filed = _FILED_ON.search(text)
    result = []
    for mention in others:
        if (
            mention.type is EntityType.COURT and heading is not None
            and heading.start("court") - 40 <= mention.start < heading.end("court")
        ):  # fmt: skip
            mention = with_attributes(mention, heading="true")
        elif mention.type is EntityType.DATE and filed is not None and mention.start == filed.end():
            mention = with_attributes(mention, filed="true")
        result.append(mention)
    return result


def _case_parties(text: str, filer: list[RawMention]) -> list[RawMention]:
    """ "Case Name: X v. Y": X the plaintiff, Y the defendant; a bankruptcy's one name (the
    debtor) takes its role from the rest of the notice; a surname alone is the ``filer``'s
    when the filer has it."""
    match = _CASE_NAME.search(text)
    if match is None:
        return []
    start, end = match.span("name")
    sides = title_sides(text, start, end)
    if not sides:
        party = _party(text, start, end, "")
        return [party] if party is not None else []
    found = []
    for begin, stop, role in sides:
        party = _party(text, begin, stop, role) or _surname(text, begin, stop, role, filer)
        if party is not None:
            found.append(party)
    return found


def _surname(
    text: str, start: int, end: int, role: str, filer: list[RawMention]
) -> RawMention | None:
    """A person named by surname alone in a case name ("Hicks v. Hawkins Construction
    Company"), by the filer's full name when the filer has that surname."""
    name = text[start:end].strip()
    if not re.fullmatch(r"[A-Z][a-z'\u2019-]+", name) or name.lower() in NOT_NAME_WORDS:
        return None
    start += text[start:end].index(name)
    full = next((m.normalized for m in filer if m.normalized.split()[-1] == name), name)
    return RawMention(EntityType.PERSON, start, start + len(name), name, full, 0.8, {"role": role})


def _party(text: str, start: int, end: int, role: str) -> RawMention | None:
    """A person or an organisation for text[start:end] (a name perhaps broken over lines)."""
    start, end = _stripped(text, start, end)
    flat = " ".join(text[start:end].split())
    words = [w.strip(",.").lower() for w in flat.split()]
    if not words or flat.lower().startswith(("in re", "re ")) or len(words) > 12:
        return None
    attributes = {"role": role} if role else {}
    organisation = (
        any(w in ORG_SUFFIXES or w in ORG_HEADS or w in _BODY_WORDS for w in words)
        or len(words) > 5
    )
    if not organisation and not _NAME.fullmatch(flat):
        return None
    if any(w in _PLACEHOLDER for w in words):
        return None
    kind = EntityType.ORGANIZATION if organisation else EntityType.PERSON
    return RawMention(kind, start, end, text[start:end], display_name(flat), 0.85, attributes)


def _filer(text: str) -> list[RawMention]:
    match = _FILER.search(text)
    if match is None:
        return []
    party = _party(text, *match.span("name"), "")
    return [party] if party is not None and party.type is EntityType.PERSON else []


def _judges(text: str) -> list[RawMention]:
    """ "... set for 4/21/2021 before Judge Yvonne Gonzalez Rogers." in the docket text."""
    found = []
    for match in _BEFORE_JUDGE.finditer(text):
        start, end = match.span("name")
        name = display_name(match["name"])
        if any(w.lower() in NOT_NAME_WORDS for w in name.split()):
            continue
        found.append(
            RawMention(EntityType.PERSON, start, end, text[start:end], name, 0.85,
                       {"role": "judge"})
        )  # fmt: skip
    return found


def _typed(text: str, start: int, end: int) -> RawMention | None:
    """A party written with its CM/ECF type before or after it ("Creditor WCP Fund I LLC",
    "Alan E. Waskowicz Debtor"), with the type's role; a name alone has no role."""
    piece = text[start:end]
    for pattern in (_TYPE_FIRST, _TYPE_AFTER):
        match = pattern.fullmatch(piece)
        if match is not None:
            role = _PARTY_TYPES[" ".join(match["type"].lower().split())]
            return _party(text, start + match.start("name"), start + match.end("name"), role)
    return _party(text, start, end, "")


#: A docket report's table of entries.
_DOCKET_ENTRIES = re.compile(r"(?m)^[ \t]*(?:Date[ ]Filed|Filing[ ]Date)\t#\t")
#: An attorney's firm after the name in a docket entry: "filed by JOHN D. SCHLOTTER of
#: MCCALLA RAYMER PADRICK COBB NICHOLAS on behalf of Countrywide Home Loans, Inc.".
_OF_FIRM = re.compile(r"[ ]of[ ](?=[A-Z])")


def entry_counsel(text: str, people: Sequence[RawMention]) -> list[RawMention]:
    """``people`` with the counsel a docket report's entries name "on behalf of" a client
    (the attorney and the firm after "of"), each counsel for that client (unchanged when
    ``text`` is no docket report, or is a notice, read by :func:`notice_mentions`)."""
    if _DOCKET_ENTRIES.search(text) is None or _NOTICE.search(text) is not None:
        return list(people)
    found: list[RawMention] = []
    for match in _ON_BEHALF.finditer(text):
        client = _typed(text, *match.span("client"))
        if client is None:
            continue
        # a client the other finders read already keeps their reading ("Countrywide Home
        # Loans, Inc.", whose comma ends this one)
        known = [m for m in people if m.start < client.end and client.start < m.end]
        if known:
            client = known[0]
        else:
            found.append(client)
        start, end = match.span("counsel")
        firm = _OF_FIRM.search(text, start, end)
        counsel = _party(text, start, firm.start() if firm else end, "")
        if counsel is not None:
            found.append(with_attributes(counsel, counsel_for=client.normalized))
        if firm is not None:  # the firm by its place, whatever its words
            firm_start, firm_end = _stripped(text, firm.end(), end)
            name = display_name(text[firm_start:firm_end])
            found.append(RawMention(EntityType.ORGANIZATION, firm_start, firm_end,
                                    text[firm_start:firm_end], name, 0.85,
                                    {"counsel_for": client.normalized}))  # fmt: skip
    taken = [(m.start, m.end) for m in found]
    kept = [m for m in people if not any(m.start < e and s < m.end for s, e in taken)]
    return kept + found


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    """``start, end`` without the spaces and commas around the name."""
    while end > start and text[end - 1] in " \t\n,":
        end -= 1
    while start < end and text[start] in " \t\n":
        start += 1
    return start, end


def _docket_text_parties(text: str) -> list[RawMention]:
    """ "Filed by X on behalf of Y Debtor": X counsel for Y, Y the debtor; "filed by
    Debtor Y": Y the debtor."""
    found = []
    for match in _ON_BEHALF.finditer(text):
        found += _on_behalf(text, match.span("counsel"), match.span("client"))
    for match in _FILED_BY_TYPE.finditer(text):
        role = _PARTY_TYPES[" ".join(match["type"].lower().split())]
        party = _party(text, *match.span("name"), role)
        if party is not None:
            found.append(party)
    return found


def _mailed(text: str) -> list[RawMention]:
    """The people and bodies of the notice lists, and the clients named "on behalf of"."""
    found = []
    for section in _MAILED.finditer(text):
        offset = section.start("list")
        lines = section["list"].split("\n")
        position = offset
        for index, line in enumerate(lines):
            start, end = position, position + len(line)
            position = end + 1
            email = _EMAIL.search(line)
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if email is not None:
                end = start + email.start()
            elif "@" not in following:
                continue
            piece = text[start:end]
            behalf = re.search(r"[ ]+on[ ]+behalf[ ]+of[ ]+", piece)
            if behalf is None:
                party = _party(text, start, end, "")
                if party is not None:
                    found.append(party)
                continue
            found += _on_behalf(text, (start, start + behalf.start()), (start + behalf.end(), end))
    return found


def _on_behalf(
    text: str, counsel_span: tuple[int, int], client_span: tuple[int, int]
) -> list[RawMention]:
    """ "X on behalf of Y Debtor": the client with its type's role, and its counsel (none
    when the client is no name)."""
    client = _typed(text, *client_span)
    if client is None:
        return []
    counsel = _party(text, *counsel_span, "")
    if counsel is None:
        return [client]
    return [client, with_attributes(counsel, counsel_for=client.normalized)]


def _with_roles(people: list[RawMention]) -> list[RawMention]:
    """A role one mention of a name gives is every mention's (the case name's debtor is the
    docket text's "Alan E. Waskowicz Debtor")."""
    roles: dict[str, str] = {}
    for mention in people:
        role = mention.attributes.get("role", "")
        if role and role != "judge":
            roles.setdefault(mention.normalized, role)
    return [
        with_attributes(m, role=roles[m.normalized])
        if m.normalized in roles and not m.attributes.get("role")
        else m
        for m in people
    ]
