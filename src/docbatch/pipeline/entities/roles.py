"""The parts people, courts and dates play in a filing: judges, counsel, the filing date
and the court of the document.

:func:`mark_roles` reads the patterns real filings use and returns the mentions with
attributes the relate stage turns into typed edges:

- a person's ``role`` is ``"judge"`` for "Before Barksdale, Stewart, and Dennis, Circuit
  Judges", "Dickson, Justice.", "Shepard, C.J., and Sullivan and Boehm, JJ., concur.",
  "James M. Dowd, Judge", "DC Judge: Failla" and "The Honorable Gene R. Duffin"; judges
  named only by surname there become person mentions;
- ``counsel_for`` holds the client, as written ("Appellant", "Haitao Xiang"), of an
  attorney or firm in a signature block ("/s/ Name ... Counsel for X", "Attorney for
  Appellant"), under an "ATTORNEYS FOR APPELLEE" column heading, or after "through its
  attorneys, A and B of Firm";
- a date's ``filed`` is ``"true"`` after "Filed:", "Date Filed:", "FILED", "Dated:" or
  "Date:", or on a line of its own in the document's heading;
- a court's ``heading`` is ``"true"`` for the court that heads the document ("UNITED
  STATES COURT OF APPEALS FOR THE FIFTH CIRCUIT"), or, with no such heading, the court of
  an ECF stamp.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from docbatch.models import EntityType
from docbatch.pipeline.entities.appearances import find_appearances
from docbatch.pipeline.entities.base import CLIENTS_SEPARATOR, RawMention, with_attributes
from docbatch.pipeline.entities.blocks import counsel_block, counsel_names
from docbatch.pipeline.entities.counsel_items import office_before
from docbatch.pipeline.entities.dockets import docket_parties
from docbatch.pipeline.entities.judges import LIST_NAME, mark_judges
from docbatch.pipeline.entities.names import NOT_NAME_WORDS, ORG_SUFFIXES, display_name
from docbatch.pipeline.entities.notices import entry_counsel, notice_mentions
from docbatch.pipeline.entities.oscn import oscn_parties

__all__ = ["HEADING_CHARS", "mark_roles"]

#: A document's heading (its court, caption and date) is within this many characters.
HEADING_CHARS = 2500

#: A client ends at the line's end or at a column gap ("ATTORNEY FOR APPELLANT<tab>...").
_CLIENT = r"(?P<client>[^\n\t]{2,120}?)(?=\t|[ ]{2,}|[ ]*$)"
_COUNSEL_CUE = re.compile(rf"(?i:\b(?:attorneys?|counsel))[ ]+(?i:for)[ ]+{_CLIENT}", re.MULTILINE)
#: An appearance line of an agency's decision: "FOR RESPONDENT: Timothy R. Block, Esquire",
#: "FOR THE DEPARTMENT OF HOMELAND SECURITY: Kyle T. Simpson", "ON BEHALF OF PETITIONER: X".
_FOR_LABEL = re.compile(
    r"(?m)^[ \t]*(?:FOR|ON[ ]BEHALF[ ]OF|For|On[ ]behalf[ ]of)[ ]+(?:THE[ ]+|the[ ]+)?"
    r"(?P<client>[A-Z][A-Za-z ,.'\u2019&-]{2,80}?)[ \t]*:[ \t]*(?P<names>[^\n]{3,200})$"
)
#: The role after a counsel paragraph's address: "..., Painesville, OH 44077 (For
#: Plaintiff-Appellee).", "(For\nDefendant-Appellant)."
_FOR_ROLE_NOTE = re.compile(
    r"\((?:For|FOR)\s+(?P<client>(?:the\s+)?(?:Plaintiff|Defendant|Appellant|Appellee|Petitioner"
    r"|Respondent|Relator|Intervenor)s?(?:\s*-\s*(?:Appellant|Appellee|Petitioner|Respondent)s?)?)"
    r"\)\.?[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_THROUGH = re.compile(
    r"\bthrough\s+(?:its|his|her|their)\s+(?:undersigned\s+)?(?:attorneys?|counsel),?\s+"
    r"(?P<list>[^;:()\n]{3,200}?)(?=,[ ]+(?:states|alleges|submits|files|moves|hereby)|[;:(]|$)",
    re.MULTILINE,
)
_ROLE_WORDS = re.compile(
    r"(?i)^(?:the[ ]+)?(?:plaintiff|defendant|petitioner|respondent|appellant|appellee"
    r"|intervenor|debtor|movant|amicus|cross-appellant|cross-appellee)s?(?:\(s\))?"
    r"(?:[ ]*[-\u2013\u2014][ ]*(?:appellant|appellee|petitioner|respondent)s?)?$"
)
#: A line of prose (five words or more, ending a sentence) ends a signature block; a line
#: that ends with an initial ("..., Grant D.") does not end a sentence.
_PROSE = re.compile(r"(?:\S+[ ]+){4,}\S*(?<![ (][A-Z])[.:]\s*$")

_FILED_CUE = re.compile(
    r"(?:Date[ ][Ff]iled|Filed|FILED|Dated|DATED|Date|DATE|Decided|DECIDED|Entered|ENTERED|Docketed"
    # an old report's or an agency's decision line: "Submitted ...; decided October 16, 1924.",
    # "Promulgated November 13, 1942.", "Opinion filed May 2, 2001."
    r"|(?:^[ \t]*|[;,][ \t]*)(?i:decided|promulgated|opinion[ ]filed|filed|released|issued))"
    r"[ \t]*:?[ \t]*$"
    # a bankruptcy docket pads the value with no-break spaces ("Date filed:\t\u00a0 08/25/2009")
    r"|(?m:^)Date[ ]filed:[^\S\n]*$"
)
#: A docket entry's row: its date, a tab, its number (or none), then its text.
_ENTRY_LINE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}\t[^\n]*\S")
_COLUMN_COURT = re.compile(
    r"(?m)\S(?:[ ]{4,}|\t+)(?P<court>Supreme[ ]Court|Court[ ]of[ ]Appeals|Appellate[ ]Court)[ \t]*$"
)
#: An appellate docket's sections about other cases: the case below ("Originating Court
#: Information:") and earlier appeals ("Prior Cases:"), up to the next blank line.
_OTHER_CASE_SECTION = re.compile(
    r"(?:Originating[ ]Court[ ]Information|Lower[ ]Court[ ]Information|Prior[ ]Cases)[ \t]*:"
    r"[^\n]*\n(?:[ \t]*\S[^\n]*\n)*\Z"
)
#: A line holding one date alone, as old and Massachusetts reports print them.
_DATE_LINE = re.compile(r"\n[ \t]*[A-Z][a-z]{2,8}\.?[ ]\d{1,2},[ ]\d{4}\.?[ \t]*(?:\n|$)")
#: A docket entry's line: "(Entered: 01/09/2009)", "[Entered: 05/27/2022 11:10 AM]".
_DOCKET_ENTRY = re.compile(r"[(\[]Entered:")
_ENTRY_STAMP = re.compile(r"[(\[](?:Entered|ENTERED)[ \t]*:?[ \t]*$")
#: "Case: 20-16276, 08/05/2020, ID: 11778722" and "Case 17-3510, Document 1-1, 10/31/2017":
#: the ECF header's date is the filing date.
_ECF_DATE_BEFORE = re.compile(
    r"(?:Case:?|Appellate[ ]Case:?)[ ]+[\w:-]+,(?:[ ]+Document[ ][\w-]+,)?[ ]*$"
)
#: "August 5, 2020 Respectfully Submitted,": the date of the signature.
_SIGNED_AFTER = re.compile(r"[ \t]*(?:Respectfully[ ]+[Ss]ubmitted|Sincerely)")
_ECF_STAMP = re.compile(r"(?m)^[ \t]*(?:Case|Appellate Case|USCA\d*[ ]Case)\b[^\n]*Filed")


def mark_roles(text: str, mentions: Sequence[RawMention]) -> list[RawMention]:
    """``mentions`` with judge, counsel, filing-date and document-court attributes, plus
    person mentions for judges named only by surname in a judge cue."""
    party_types = (EntityType.PERSON, EntityType.ORGANIZATION)
    people = [m for m in mentions if m.type in party_types]
    others = [m for m in mentions if m.type not in party_types]
    people, others = notice_mentions(text, people, others)
    people = docket_parties(text, people)
    people = oscn_parties(text, people)
    people = entry_counsel(text, people)
    people = mark_judges(text, people)
    people = _appellants(text, people)
    people = _counsel(text, people)
    others = [_date_role(text, m) if m.type is EntityType.DATE else m for m in others]
    return [*_heading_court(text, others), *people]


#: "A notice of appeal filed by X", "the petition for review filed by X".
_FILED_BY = re.compile(
    r"(?i:(?P<what>notice\s+of\s+appeal|appeal|petition\s+for\s+review|petition)"
    r"\s+(?:was\s+)?filed\s+by)\s+"
)


def _appellants(text: str, people: list[RawMention]) -> list[RawMention]:
    """ "A notice of appeal filed by X": X appeals; "a petition for review filed by X": X
    petitions. Only for a party nothing else gave a role."""
    starts = {m.start: i for i, m in enumerate(people)}
    for cue in _FILED_BY.finditer(text):
        index = starts.get(cue.end())
        if index is None or people[index].attributes.get("role"):
            continue
        role = "petitioner" if "review" in cue["what"].lower() else "appellant"
        people[index] = with_attributes(people[index], role=role)
    return people


# --- counsel ------------------------------------------------------------------------------


def _counsel(text: str, people: list[RawMention]) -> list[RawMention]:
    """Give attorneys and firms a ``counsel_for`` attribute (the client, as written)."""
    people = _appearances(text, people)
    clients: dict[int, str] = {}
    added: list[RawMention] = []
    lines = _Lines(text)
    for cue in _COUNSEL_CUE.finditer(text):
        if _DOCKET_ENTRY.search(lines.line(lines.number(cue.start()))):
            continue  # "MOTION ... to withdraw as counsel for Appellant" in a docket entry
        amici = _amici_clients(text, cue.start("client"), people)
        client = _client(text, cue, people) if amici is None else amici[0]
        if client is None:
            continue
        if amici is not None:
            added += amici[1]
        else:
            client = _continued(text, cue, client)
        people = _give_role(people, client, cue["client"])
        line = lines.number(cue.start())
        if line < 12 and lines.is_heading_cell(cue.start()):
            begin, end = lines.starts[min(line + 1, len(lines.starts) - 1)], lines.block_end(line)
            taken = [(m.start, m.end) for m in people]
            people += [
                m for m in counsel_names(text, begin, end)
                if not any(m.start < e and s < m.end for s, e in taken)
            ]  # fmt: skip
            members = lines.column_below(line, cue.start(), people)
        else:
            begin = lines.block_start(line)
            taken = [(m.start, m.end) for m in people]
            people += [
                m for m in counsel_block(text, begin, lines.starts[line])
                if not any(m.start < e and s < m.end for s, e in taken)
            ]  # fmt: skip
            members = lines.block_above(line, cue.start(), people)
        for index in members:
            if _names_client(people[index], client) or people[index].attributes.get("role"):
                continue  # a party or a judge in the block is nobody's counsel
            clients.setdefault(index, client)
    for match in _FOR_ROLE_NOTE.finditer(text):
        # Ohio's counsel paragraphs end with the role in brackets, after the address
        begin = max(text.rfind("\n\n", 0, match.start()), text.rfind("\n \n", 0, match.start()))
        client = " ".join(match["client"].split())
        for index, mention in enumerate(people):
            if (
                begin < mention.start
                and mention.end <= match.start()
                and not (mention.attributes.get("role") or _names_client(mention, client))
            ):
                clients.setdefault(index, client)
    for match in _FOR_LABEL.finditer(text):
        start, end = match.span("names")
        listed = [i for i, m in enumerate(people) if start <= m.start and m.end <= end]
        if listed and not people[listed[0]].attributes.get("role"):
            clients.setdefault(listed[0], " ".join(match["client"].split()))
    for match in _THROUGH.finditer(text):
        client_index = _party_before(people, match.start())
        if client_index is None:
            continue
        client = people[client_index].text
        start, end = match.span("list")
        found = [i for i, m in enumerate(people) if start <= m.start and m.end <= end]
        for index in found:
            clients.setdefault(index, client)
        added += _listed_attorneys(text, start, end, people, client)
    # a client a docket's table or an appearance gave already is kept: a cue further on
    # ("Attorney for Appellant: Kung" in an entry) names another party's counsel
    result = [
        with_attributes(m, counsel_for=clients[i])
        if i in clients and "counsel_for" not in m.attributes
        else m
        for i, m in enumerate(people)
    ]
    return result + added


#: A prosecuting government named by its kind alone.
_GOVERNMENTS = frozenset({"State", "Commonwealth", "People", "Government"})


def _appearances(text: str, people: list[RawMention]) -> list[RawMention]:
    """Counsel and amici of appearance paragraphs ("X, with whom Y was on brief, for
    appellant."): listed names replace the names found before that are pieces of them or
    run over two of them, and counsel for a party get its role as their client."""
    for appearance in find_appearances(text):
        items = [*appearance.counsel, *appearance.amici]
        # a name found before that is a piece of a listed name, or that runs over two of
        # them ("Lamb, Kilgore & Kilgore, P.L.L.C." of "Roy Lamb, Kilgore & Kilgore,
        # P.L.L.C."), gives way to the list's own
        # ("Defender Elizabeth A. Franklin-Best", an office before a listed name, too)
        people = [
            m for m in people
            if not any(_inside(m, i) or office_before(m, i) for i in items)
            and sum(m.start < i.end and i.start < m.end for i in items) < 2
        ]  # fmt: skip
        client = appearance.client or (appearance.role_text or appearance.role or "").capitalize()
        if client in _GOVERNMENTS:
            # "for the Commonwealth", "(state)": the government the caption names in full
            client = next(
                (m.normalized for m in people if m.type is EntityType.ORGANIZATION
                 and m.normalized.casefold().startswith(f"{client} of ".casefold())),
                client,
            )  # fmt: skip
        for party in appearance.parties:
            # a piece of a client's name found before gives way to the name
            people = [m for m in people if not _inside(m, party)]
            if not any(m.start < party.end and party.start < m.end for m in people):
                people.append(party)  # "for appellee District of Columbia": found nowhere else
        if appearance.client and appearance.role:
            for each in appearance.client.split(CLIENTS_SEPARATOR):
                people = _give_role(people, each, appearance.role)
        # an amicus listed among the counsel of its own paragraph is a client, not counsel
        named = {c.casefold() for c in client.split(CLIENTS_SEPARATOR)}
        for item in items:
            overlapping = [
                i for i, m in enumerate(people) if m.start < item.end and item.start < m.end
            ]
            if not overlapping:
                people.append(item)
                overlapping = [len(people) - 1]
            if client and item in appearance.counsel and item.normalized.casefold() not in named:
                for index in overlapping:
                    if "counsel_for" not in people[index].attributes:
                        people[index] = with_attributes(people[index], counsel_for=client)
    return people


def _inside(mention: RawMention, item: RawMention) -> bool:
    """``mention`` is a piece of ``item`` (inside it, and not all of it)."""
    inner = item.start <= mention.start and mention.end <= item.end
    return inner and (mention.start, mention.end) != (item.start, item.end)


def _client(text: str, cue: re.Match[str], people: Sequence[RawMention]) -> str | None:
    """The client of a counsel cue: a name, or a role word ("Appellant") - then the party
    named alone on the next line when there is one ("Attorney for Appellant\\nAcme")."""
    client = re.split(r"[,;.]|[ ]{2,}|\t", cue["client"].strip())[0].strip()
    client = re.sub(r"(?i)^(?:the|all)[ ]+", "", client)
    if not re.match(r"[A-Z]", client):
        return None
    if _ROLE_WORDS.match(client):
        following = text.find("\n", cue.end())
        if following >= 0:
            line_end = text.find("\n", following + 1)
            line_end = len(text) if line_end < 0 else line_end
            line = text[following + 1 : line_end].strip(" \t,")
            if any(m.text.strip(" ,") == line for m in people if following < m.start < line_end):
                return line
    return client


#: Amici after a counsel cue, to the paragraph's end: "Attorneys for Amici Curiae American
#: Civil\nLiberties Union of Arizona and American Civil Liberties Union".
_AMICI_CLIENTS = re.compile(
    r"(?i:amic(?:us|i)[ ]+curiae)[ \t]*\n?[ \t]*"
    r"(?P<names>[A-Z][^\n]*(?:\n(?![ \t]*\n)[ \t]*[^\n]*){0,2}?)\.?[ \t]*(?=\n[ \t]*\n|\Z)"
)
#: Between two amici of a list: "A, B and C".
_AMICI_SPLIT = re.compile(r",?[ ]+and[ ]+(?=[A-Z])|,[ ]+(?=[A-Z])")


def _amici_clients(
    text: str, start: int, people: Sequence[RawMention]
) -> tuple[str, list[RawMention]] | None:
    """The amici a counsel cue names at its paragraph's end, as one client list, and a
    mention for each amicus nothing else found ("Attorneys for Amicus Curiae Arizona
    Attorneys for Criminal Justice")."""
    match = _AMICI_CLIENTS.match(text, start)
    if match is None:
        return None
    names: list[str] = []
    added: list[RawMention] = []
    position = match.start("names")
    for part in _AMICI_SPLIT.split(match["names"]):
        name = " ".join(part.split()).rstrip(".,")
        begin = text.find(part.strip()[:12], position)
        if not name or begin < 0:
            continue
        end = begin + len(part.strip().rstrip(".,"))
        position = end
        names.append(name)
        if not any(m.start < end and begin < m.end for m in people):
            added.append(RawMention(EntityType.ORGANIZATION, begin, end, text[begin:end],
                                    display_name(name), 0.8))  # fmt: skip
    if not names:
        return None
    return CLIENTS_SEPARATOR.join(names), added


def _continued(text: str, cue: re.Match[str], client: str) -> str:
    """A client name the cue's line breaks off, when the next line ends the paragraph:
    "Attorneys for State of\nArizona"."""
    if cue.end("client") != text.find("\n", cue.start("client")) or client != cue["client"].strip():
        return client
    following = re.match(r"\n[ \t]*(?P<rest>[A-Za-z][^\n]{0,60}?)\.?[ \t]*(?:\n[ \t]*\n|\Z)",
                         text[cue.end("client") :])  # fmt: skip
    if following is None:
        return client
    return f"{client} {following['rest']}"


def _give_role(people: list[RawMention], client: str, cue: str) -> list[RawMention]:
    """ "Attorney for Appellant" over a party named on the next line: that party is the
    appellant, when nothing else gave it a role."""
    role = _ROLE_WORDS.match(re.split(r"[,;.]|[ ]{2,}|\t", cue.strip())[0].strip())
    if role is None or _ROLE_WORDS.match(client):
        return people
    word = re.sub(r"(?i)^the[ ]+|\(s\)$", "", role[0]).lower().split("-")[0].rstrip("s")
    return [
        with_attributes(m, role=word)
        if _names_client(m, client) and not m.attributes.get("role")
        else m
        for m in people
    ]


def _names_client(mention: RawMention, client: str) -> bool:
    def plain(value: str) -> str:
        return " ".join(value.split()).strip(" ,.").casefold()

    return plain(mention.text) == plain(client)


def _party_before(people: Sequence[RawMention], offset: int) -> int | None:
    """The last person or organisation mention ending within 200 characters before."""
    best = None
    for index, mention in enumerate(people):
        if offset - 200 <= mention.end <= offset and (
            best is None or mention.end > people[best].end
        ):
            best = index
    return best


def _listed_attorneys(
    text: str, start: int, end: int, people: Sequence[RawMention], client: str
) -> list[RawMention]:
    """Name-shaped pieces of "A and B of Firm" that no mention covers yet: attorneys."""
    found = []
    cut = re.search(r"[ ]of[ ]", text[start:end])
    stop = start + cut.start() if cut else end
    for match in LIST_NAME.finditer(text, start, stop):
        name = match["name"]
        words = [w.strip(",.").lower() for w in name.split()]
        if len(words) < 2 or any(w in NOT_NAME_WORDS or w in ORG_SUFFIXES for w in words):
            continue
        if any(m.start < match.end() and match.start() < m.end for m in people):
            continue
        found.append(
            RawMention(EntityType.PERSON, match.start(), match.end(), name, display_name(name),
                       0.85, {"counsel_for": client})
        )  # fmt: skip
    return found


class _Lines:
    """Line numbers and tab-expanded columns of a text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def number(self, offset: int) -> int:
        import bisect

        return bisect.bisect_right(self.starts, offset) - 1

    def column(self, offset: int) -> int:
        line_start = self.starts[self.number(offset)]
        return len(self.text[line_start:offset].expandtabs(8))

    def line(self, number: int) -> str:
        end = self.starts[number + 1] - 1 if number + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[number] : end]

    def is_heading_cell(self, offset: int) -> bool:
        """True when only counsel cues share the line: "ATTORNEY FOR X<tab>ATTORNEYS FOR Y"."""
        rest = _COUNSEL_CUE.sub("", self.line(self.number(offset)))
        return not rest.strip()

    def column_below(self, line: int, offset: int, people: Sequence[RawMention]) -> list[int]:
        """Mentions under the heading cell at ``offset``, down to the next blank line run."""
        heading = self.line(line)
        cells = sorted(self.column(self.starts[line] + m.start()) for m in re.finditer(
            r"(?i)(?:attorneys?|counsel)[ ]+for", heading))  # fmt: skip
        left = self.column(offset)
        right = min((c for c in cells if c > left), default=10**6)
        last = self.number(self.block_end(line))
        members = []
        for index, mention in enumerate(people):
            number = self.number(mention.start)
            if line < number <= last:
                column = self.column(mention.start)
                if left - 4 <= column < right - 4 or (left == min(cells) and column < right - 4):
                    members.append(index)
        return members

    def block_end(self, line: int) -> int:
        """Where the block under a heading line ends: at a rule or "IN THE", at most 12
        lines down."""
        last = line
        while last + 1 < len(self.starts) and last - line < 12:
            if re.match(r"\s*(?:_{5,}|-{5,}|IN THE\b|In the\b)", self.line(last + 1)):
                break
            last += 1
        return self.starts[last] + len(self.line(last))

    def block_start(self, line: int) -> int:
        """Where the signature block ending on ``line`` starts: up the lines to the first
        line of prose or the line of another counsel cue (at most 60 lines)."""
        first = line
        while first > 0 and line - first < 60:
            above = self.line(first - 1)
            if _PROSE.search(above) or _COUNSEL_CUE.search(above):
                break
            first -= 1
        return self.starts[first]

    def block_above(self, line: int, offset: int, people: Sequence[RawMention]) -> list[int]:
        """Mentions of the signature block that ends at ``offset``."""
        begin = self.block_start(line)
        return [i for i, m in enumerate(people) if begin <= m.start and m.end <= offset]


# --- dates and courts ---------------------------------------------------------------------


def _date_role(text: str, mention: RawMention) -> RawMention:
    """Mark a date the document was filed, decided or signed on."""
    line_start = text.rfind("\n", 0, mention.start) + 1
    line_end = text.find("\n", mention.end)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start : mention.start]
    # "January 26, 1891." on its own line, as old reports print a decision's date, also in
    # brackets ("[May 22, 2024]")
    alone = before.strip() in ("", "[", "(") and text[mention.end : line_end].strip() in (
        "",
        ".",
        "]",
        "].",
        ")",
        ").",
    )
    after = text[mention.end : line_end]
    if alone and _DATE_LINE.match(text, line_end):
        # "March 3, 2009.\nJune 12, 2009.": a Massachusetts report's argument date, then its
        # decision date
        alone = False
    if _ENTRY_STAMP.search(before) or _ENTRY_LINE.match(text, line_start, mention.start):
        # "(Entered: 01/09/2009)": when one docket entry was entered; any date inside an
        # entry ("02/12/2010<tab>548<tab>Original Filed Date: 02/12/2010 Notice")
        return mention
    if _OTHER_CASE_SECTION.search(text, max(0, line_start - 400), line_start) or re.match(
        r"\s*[\w:-]*\d[\w:-]*[ \t]+Date[ ]Filed", before
    ):
        return mention  # the case below's or a prior case's "Date Filed:", not this one's
    if (
        _FILED_CUE.search(before)
        or (alone and mention.start < HEADING_CHARS)
        or _ECF_DATE_BEFORE.search(before)
        or (not before.strip() and _SIGNED_AFTER.match(after))
    ):
        return with_attributes(mention, filed="true")
    return mention


def _heading_court(text: str, mentions: list[RawMention]) -> list[RawMention]:
    """Mark the court that heads the document (or, with none, the court of an ECF stamp)."""
    courts = sorted(
        (i for i, m in enumerate(mentions) if m.type is EntityType.COURT),
        key=lambda i: mentions[i].start,
    )
    for index in courts:
        mention = mentions[index]
        if mention.start >= HEADING_CHARS:
            break
        line_start = text.rfind("\n", 0, mention.start) + 1
        before = text[line_start : mention.start].strip()
        above = text[max(0, line_start - 60) : line_start].lower()
        # "Court: U.S. District Court ..." is a docket header's label of this court
        # (a bankruptcy docket's "U.S. Bankruptcy Court", whose name starts after "U.S.")
        heading = re.fullmatch(r"(?i)(?:in(?:[ ]the)?|court:|u\.[ ]?s\.|united[ ]states)?", before)
        if heading and "appeal from" not in above:
            result = list(mentions)
            result[index] = with_attributes(mention, heading="true")
            return result
    # a two-column caption with "Supreme Court" alone in its right column: the supreme
    # court the heading names in full ("Vermont Supreme Court" in its notice)
    column = _COLUMN_COURT.search(text, 0, HEADING_CHARS)
    cell = column["court"].lower() if column else None
    for index in courts if cell else ():
        mention = mentions[index]
        named = " ".join(mention.text.split()).lower()
        if mention.start < HEADING_CHARS and cell and named.endswith(cell):
            result = list(mentions)
            result[index] = with_attributes(mention, heading="true")
            return result
    for index in courts:
        mention = mentions[index]
        line_start = text.rfind("\n", 0, mention.start) + 1
        if _ECF_STAMP.match(text, line_start):
            result = list(mentions)
            result[index] = with_attributes(mention, heading="true")
            return result
    return mentions
