"""Appearance paragraphs of an appellate opinion: who argued and who was on brief, for whom.

"Roger K. Gannam, with whom Mathew D. Staver, ... and Liberty Counsel were on brief, for
appellant." and "Stephen M. Crampton and Thomas More Society on brief for Emmanuel Bible
Baptist Church, Grace Community Chapel, ..., amici curiae." name counsel (people and
firms) and, for amici, a list of organisations. :func:`find_appearances` reads each such
paragraph into its counsel, its client (a role such as "appellant", or none for amici) and
the amici it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import CLIENTS_SEPARATOR, RawMention
from docbatch.pipeline.entities.captions import is_transcript, transcript_view
from docbatch.pipeline.entities.counsel_items import (
    CLIENT_SPLIT,
    LIST_SPLIT,
    NAME_WORD,
    block_names,
    counsel_mention,
    is_org,
    is_person,
    list_names,
    listed_person,
)
from docbatch.pipeline.entities.names import (
    NOT_NAME_WORDS,
    ORG_HEADS,
    ORG_SUFFIXES,
    STAR_PAGE,
    display_name,
)

__all__ = ["Appearance", "find_appearances"]

_ROLE = (
    r"(?P<role>(?:plaintiffs?|defendants?)[ ]in[ ]error"
    # (the Tenth Circuit spaces the hyphen: "for Defendant - Appellant", "Plaintiff -Appellee")
    r"|(?:plaintiffs?|defendants?)(?:(?:[- ]|[ ]-[ ]?)(?:appellants?|appellees?|intervenors?))?"
    r"|appellants?"
    r"|appellees?|petitioners?|respondents?|intervenors?|amic(?:us|i)[ ]curiae"
    # the prosecution of a criminal case, by its name: "..., for the Commonwealth."
    # (not a court or an office of it: "Judge for the United States Court of International
    # Trade")
    r"|(?-i:Commonwealth|State|People|Government|United[ ]States)(?!\s+(?-i:[A-Z])))"
)
#: "..., for appellant.", "..., for the employer-appellant, Acme Services, Inc.", "...,
#: for the Commonwealth.", "X for plaintiffs (Firm, LLC, attorneys).", "...,
#: for Defendant-Intervenors Republican National Committee, National Republican ...", "...,
#: for plaintiff in error." and "for Plaintiffs-Appellants/ Counterclaim Defendants/
#: Appellants." (the parts after a slash are the same parties' other roles); the next
#: appearance may follow on the same line ("for Appellant. Michael Arlen Jagels, ...").
_FOR_PARTY = re.compile(
    # a transcript's "on behalf of Petitioners."
    rf",?\s+(?:for|on\s+behalf\s+of)\s+(?:the\s+)?(?:(?!plaintiff|defendant)[a-z]+-)?{_ROLE}"
    # whole words only: "for Defendant/Appellee-Appellee University of Hawai'i"
    r"(?:[ ]*/[ ]*[a-z]+(?:[- ][a-z]+){0,4}?(?![a-z-]))*"
    # California's "for Defendant and Appellant", "for Plaintiff and Respondent"
    r"(?:[ ]and[ ](?:appellants?|appellees?|respondents?|petitioners?)\b)?"
    # Connecticut gives the role below: "for the appellant (defendant)."
    r"(?:[ ]+\((?P<below>(?-i:[a-z][a-z -]{2,30}))\))?"
    # the Supreme Court's "for the United States as amicus curiae urging reversal."
    r"(?:[ ]as[ ]amic(?:us|i)[ ]curiae(?:[ ](?:urging|supporting)[ ][a-z]+)?)?"
    # New Jersey names the firm after the role: "for plaintiffs (Jacobs Berger, LLC, attorneys)."
    # and the appellate division lists all its counsel so: "(Trimboli & Prusinowski, LLC, and
    # Mr. Clark, attorneys; James Prusinowski, of counsel; Mr. Clark and Jinkal Pujara, on the
    # briefs)"
    r"(?:[ ]+\((?P<firm>(?-i:[A-Z])[^()\n]{2,200}?),?[ ]attorneys?"
    r"(?P<more>;[ ][^()\n]{2,400}?)?\))?"
    # "for Plaintiff the Financial Oversight and Management Board ..."
    r"(?:,?[ \t]+(?:(?-i:the)[ ]+(?=(?-i:[A-Z])))?(?!(?:counterclaim|cross|third|plaintiff"
    r"|defendant|appellant|appellee|petitioner|respondent|intervenor)s?\b)"
    r"(?P<client>(?-i:[A-Z])[^\n]{2,1500}?"
    # a client's name may run on over a few lines of a narrow column
    r"(?:\n[^\n]{1,200}?){0,3}))?"
    # the next appearance may follow with no space: "... Industry Council.Brent Kesner, ...",
    # "for appellants.McAloon & Friedman, P.C."
    r"(?:\.(?:[ \t]*$|(?<=(?-i:[a-z])\.)(?=(?-i:[A-Z](?:[a-z]+(?:[A-Z][a-z]+)?|\.)[ ,]))"
    r"|(?(client)(?!)|[ \t]+(?=(?-i:[A-Z]))))"
    # a paragraph of its own may end with no period ("..., for Defendant and Appellant")
    r"|(?(client)(?!)|[ \t]*(?=\n[ \t]*\n)))",
    re.IGNORECASE | re.MULTILINE,
)
#: A client named on the role's line, to the end of a paragraph without a period:
#: "..., Counsel for Intervenor The Official Committee of Retired Employees of Puerto Rico"
#: (the groups of :data:`_FOR_PARTY`; ``firm``, ``more`` and ``below`` are never set).
_FOR_PARTY_PARAGRAPH = re.compile(
    rf",?[ \t]+(?:for|on[ ]behalf[ ]of)[ ]+(?:the[ ]+)?{_ROLE}[ \t]+(?:(?-i:the)[ ]+)?"
    r"(?P<client>(?-i:[A-Z])[^\n]{2,1500}?)[ \t]*(?=\n[ \t]*\n|\Z)"
    r"(?P<below>(?!))?(?P<firm>(?!))?(?P<more>(?!))?",
    re.IGNORECASE,
)
#: A client's counsel labelled on a line of its own under the names: "Babione Law Firm,
#: PLLC, Scottsdale\nBy Laura V. Babione\nCounsel for Petitioner" (the groups of
#: :data:`_FOR_PARTY`; ``client``, ``firm``, ``more`` and ``below`` are never set).
_COUNSEL_LABEL = re.compile(
    rf"(?<=\n)[ \t]*(?-i:Counsel|Attorneys?)[ ]for[ ](?:the[ ])?{_ROLE}[ \t]*(?=\n|\Z)"
    r"(?P<client>(?!))?(?P<below>(?!))?(?P<firm>(?!))?(?P<more>(?!))?",
    re.IGNORECASE,
)
#: New York's reports name the client before its role: "..., for Paul G. Kleinman, M.D.
#: and another, respondents." (the groups of :data:`_FOR_PARTY`; ``firm``, ``more`` and
#: ``below`` are never set).
_FOR_CLIENT_ROLE = re.compile(
    r",?\s+for\s+(?P<client>[A-Z][^\n;]{2,200}?)(?:\s+and\s+(?:another|others))?,\s+"
    r"(?P<role>appellants?|respondents?|petitioners?|appellees?|plaintiffs?|defendants?)"
    r"(?P<below>(?!))?(?P<firm>(?!))?(?P<more>(?!))?"
    r"\.(?:[ \t]*$|(?=[A-Z](?:[a-z]+(?:[A-Z][a-z]+)?|\.)[ ,]))",
    re.MULTILINE,
)
#: "William B. Towle of Ward & Babb, South Burlington": attorneys of a firm, and its city.
_OF_FIRM = re.compile(
    # not "..., all of Columbia; and Solicitor X, of Bennettsville" (a city, then more)
    r"\s*(?P<people>[A-Z][^\n]*?)(?<!\ball)(?<!\bboth)\s+of\s+(?P<firm>[A-Z][^;]*?),\s+"
    r"(?P<city>[A-Z][a-z]+(?:[ ][A-Z][a-z]+){0,2})\s*"
)
_FOR_AMICI = re.compile(
    r"\s+on\s+brief,?\s+for\s+(?P<amici>[\s\S]{3,1500}?),?\s+amic(?:us|i)\s+curiae\."
)
#: Wisconsin's reports name the role first: "For the defendant-appellant, there were briefs
#: (in the court of appeals) filed by X, assistant attorney general, and Y, attorney
#: general." (the oral argument "There was an oral argument by X." names one of them).
_BRIEFS_FILED_BY = re.compile(
    r"(?im)^[ \t]*For[ ]the[ ](?P<written>[a-z]+(?:-[a-z]+)*)(?:[ ]\([^()\n]{1,80}\))?,?"
    r"[ ]there[ ](?:were|was)[ ](?:a[ ])?(?:joint[ ])?briefs?(?:[ ]\([^()\n]{1,80}\))?"
    r"[ ]filed[ ]by[ ](?P<counsel>[^\n]+?)\.(?=[ \t]+There[ ]|[ \t]*(?:\n|$))"
    # later reports: "On behalf of the plaintiff-appellant, the cause was submitted on the
    # briefs of X of Firm, Baraboo."
    r"|^[ \t]*(?:\*\d+[ ]+)?On[ ]behalf[ ]of[ ]the[ ](?P<written2>[a-z]+(?:-[a-z]+)*),"
    r"[ ]the[ ]cause[ ]was[ ](?:submitted|argued)[ ]on[ ]the[ ]briefs?[ ]of[ ]"
    r"(?P<counsel2>[^\n]+?)\.[ \t]*(?:\n|$)"
)
#: "An amicus curiae brief was filed on behalf of the A, the B, and the C by X, Y, and
#: Firm, City."
#: The Supreme Court's co-counsel, in the sentence after the appearance: "X argued the
#: cause for petitioners. With him on the briefs were A, B, and C." ("On the brief were").
_ON_THE_BRIEFS = re.compile(
    r"[ \t]*(?:With[ ](?:him|her|them)[ ]on[ ]the[ ]briefs?|On[ ]the[ ]briefs?)[ ](?:was|were)[ ]"
    r"(?P<counsel>[^\n]+?)(?<![ .][A-Z])\.(?=\s|$)"
)
#: The Supreme Court's amicus briefs: "A brief of amici curiae urging affirmance was filed
#: for the X Association et al. by A, B, and C." ("Briefs of amici curiae ... were filed
#: for A by B; and for C by D.").
_AMICI_BRIEFS = re.compile(
    r"(?:A[ ])?[Bb]riefs?[ ]of[ ]amic(?:us|i)[ ]curiae(?:[ ](?:urging|supporting)[ ][a-z]+)?"
    r"[ ](?:was|were)[ ]filed[ ](?P<groups>[^\n]+?)(?<![ .][A-Z])(?<!et[ ]al)\.(?=\s|$)"
)
_AMICI_GROUP = re.compile(
    r"(?:;[ ](?:and[ ])?)?for[ ](?:the[ ])?(?P<amici>.+?)(?:,?[ ]et[ ]al\.)?[ ]by[ ]"
    r"(?P<counsel>.+?)(?=;[ ](?:and[ ])?for[ ]|$)"
)
_AMICUS_FILED_BY = re.compile(
    r"(?im)^[ \t]*(?:An[ ])?amicus[ ]curiae[ ]briefs?[ ](?:was|were)[ ]filed[ ]on[ ]behalf[ ]of"
    r"[ ](?P<amici>[^\n]+?)[ ]by[ ](?P<counsel>[^\n]+?)\.[ \t]*(?:\n|$)"
)
_COUNSEL_SPLIT = re.compile(
    # Connecticut: "X, state's attorney, with whom, on the brief, were Y, ..., and Z"
    r",?\s+with\s+whom(?:,?\s+on\s+the\s+briefs?,?)?(?:\s+(?:were|was))?\s+"
    r"|,?\s+(?:were\s+|was\s+)?on\s+(?:the\s+)?briefs?,?"
    # Hawai'i: "Sharla Ann Manley (Camille K. Kalama, Honolulu with them on the briefs)
    # (Native Hawaiian Legal Corporation)": co-counsel and firms in brackets
    r"|,?\s+with\s+(?:them|him|her)(?:\s+on\s+the\s+briefs?)?,?|\s*\),?"
    # Michigan: "Firm, City (by X and Y), for ..."; North Carolina: "Firm, City, by X, for"
    r"|\s*\(\s*(?:by\s+)?|,?\s+by\s+"
    # Fastcase's "PROSKAUER ROSE LLP, By: Steven O. Weise, Martin J. Bienenstock, ..."
    r"|,?\s+[Bb]y:\s+"
    # Arizona: "Babione Law Firm, PLLC, Scottsdale\nBy Laura V. Babione"
    r"|,?[ \t]*\n[ \t]*By[ ]+"
    # Virginia: "X, Danville; Y, Leesburg (Firm, on brief)"
    r"|\s*;\s*(?:and\s+)?"
    # Massachusetts: "Marsha L. Levick, Emily C. Keller, & Lauren A. Fine"
    r"|,\s+&\s+"
    r"|\s+argued\s+the\s+cause(?:\s+and\s+filed\s+the\s+briefs?)?"
    r"|,\s+(?:and\s+)?(?!Jr\.|Sr\.|JR\.|III\b|II\b|IV\b"
    r"|(?:Inc\.?|LLC|L\.L\.C\.|LLP|L\.L\.P\.|PLLC|P\.L\.L\.C\.|PLC|P\.L\.C\.|P\.C\.|P\.A\.|Ltd\.|Co\.|Corp\.)"
    r"(?![\w]))|\s+and\s+"
)


@dataclass(frozen=True)
class Appearance:
    """One appearance paragraph: its span, the client role (None for amici), the counsel
    and the amici it names, and the client's name when the paragraph gives it."""

    start: int
    end: int
    role: str | None
    counsel: tuple[RawMention, ...]
    amici: tuple[RawMention, ...]
    #: The party named after the role ("for the employer-appellant, Acme, Inc."), if any.
    client: str = ""
    #: The role as written ("Plaintiffs-Appellants", "plaintiff in error").
    role_text: str = ""
    #: The clients' names as mentions, when the paragraph names parties after their role
    #: ("for appellee District of Columbia", "for Defendants A, B, and C").
    parties: tuple[RawMention, ...] = ()


def find_appearances(text: str) -> list[Appearance]:
    """Every appearance paragraph of ``text`` (of a transcript, read without its line
    numbers; each name's text is the document's own)."""
    if not is_transcript(text):
        return _appearances(text)
    return [
        replace(a, counsel=_as_written(a.counsel, text), amici=_as_written(a.amici, text))
        for a in _appearances(transcript_view(text))
    ]


def _as_written(mentions: tuple[RawMention, ...], text: str) -> tuple[RawMention, ...]:
    return tuple(replace(m, text=text[m.start : m.end]) for m in mentions)


def _appearances(text: str) -> list[Appearance]:
    found = []
    minutes = list(_MINUTE_APPEARANCES.finditer(text))
    for minute in minutes:
        found += _minute_appearances(text, minute)
    previous = 0
    # where two readings start together, the one that names a client to its paragraph's end
    matches = sorted(
        (*_FOR_PARTY_PARAGRAPH.finditer(text), *_FOR_PARTY.finditer(text),
         *_FOR_CLIENT_ROLE.finditer(text), *_COUNSEL_LABEL.finditer(text)),
        key=lambda m: (m.start(), m.re is not _FOR_PARTY_PARAGRAPH),
    )  # fmt: skip
    for match in matches:
        if match.start() < previous or any(m.start() <= match.start() < m.end() for m in minutes):
            continue  # inside the appearance read before, or a minute entry's (read above)
        start = max(_paragraph_start(text, match.start()), previous)
        if match.re is _COUNSEL_LABEL:
            # a label line under a block of one name a line (at most a dozen lines)
            start = max(start, _lines_back(text, match.start(), 12))
        start = _after_label(text, start, match.start())
        previous = match.end()
        counsel = (
            block_names(text, start, match.start())
            if match.re is _COUNSEL_LABEL
            else _of_firm(text, start, match.start())
            or _of_firms(text, start, match.start())
            or list_names(text, start, match.start(), _COUNSEL_SPLIT)
        )
        if match["firm"]:
            counsel += _attorneys_named(text, *match.span("firm"), match["more"] is not None)
        if match["more"]:
            counsel += _attorneys_named(text, *match.span("more"), True)
        counsel = [
            # who argued the cause is a person, whatever the shape of the name ("Sri
            # Srinivasan argued the cause")
            listed_person(text, m) if re.match(r"\s+argued\s", text[m.end :]) else m
            for m in counsel
        ]
        more = _ON_THE_BRIEFS.match(text, match.end())
        if more is not None and counsel:
            counsel += list_names(text, *more.span("counsel"), _COUNSEL_SPLIT)
            previous = more.end()
        if counsel:
            written = " ".join(match["role"].split())
            if match["below"] in ("state", "commonwealth", "people", "government"):
                written = match["below"].capitalize()  # "for the appellee (state)"
            elif match["below"]:  # "appellant (defendant)": either role names the client
                written = f"{written}-{match['below']}"
            role = _role_of(written)
            amicus = re.search(r"[ ]as[ ]amic(?:us|i)[ ]curiae", match[0]) is not None
            if amicus:  # "for the United States as amicus curiae": a client, not a party
                role, written = None, "Amicus Curiae"
            # "for Defendants North Carolina State Board of Elections, Damon Circosta, ...":
            # each party named, with the role
            clients = _clients(match["client"] or "")
            listing = re.search(
                r"[ ]\((?P<list>[^()]+?,[ ]attorneys?;[^()]+)\)", match["client"] or ""
            )
            if listing is not None:
                # New Jersey: "for amicus curiae X (Firm, and Mr. Y, attorneys; ...)"
                offset = match.start("client") + listing.start("list")
                counsel += _attorneys_named(text, offset, offset + len(listing["list"]), True)
                clients = [re.sub(r"[ ]\(.*$", "", match["client"], flags=re.DOTALL).strip()]
            client = clients[0]  # "for Amicus Curiae, The X Council"
            plural = role is not None and re.search(r"s$", written) is not None
            if plural and len(clients) > 1:
                client = CLIENTS_SEPARATOR.join(clients)
            if amicus:
                client = " ".join(match["role"].split())
            elif role is None:
                # amici are no caption's parties: each one the paragraph names is a client
                # ("for Amici Curiae A and B")
                names = [n for c in clients for n in _amici_names(c) if n]
                client = CLIENTS_SEPARATOR.join(names)
            parties = []
            if role is not None and match["client"] and client:
                parties = _client_mentions(text, match, client.split(CLIENTS_SEPARATOR))
            found.append(Appearance(start, match.end(), role, tuple(counsel), (), client, written,
                                    tuple(parties)))  # fmt: skip
    for match in _FOR_NAMED.finditer(text):
        if any(a.start <= match.start("counsel") < a.end for a in found):
            continue
        start = _after_label(text, match.start(), match.end("counsel"))
        end = match.end("counsel")
        places = _PLACES_AFTER.search(text, start, end)
        if places is not None:  # "(by X), Westland, Farmington Hills": the firms' cities
            end = places.start() + 1
        counsel = list_names(text, start, end, _COUNSEL_SPLIT)
        if counsel:
            client = CLIENTS_SEPARATOR.join(_named_clients(match["client"]))
            found.append(Appearance(start, match.end(), None, tuple(counsel), (), client))
    for match in _BRIEFS_FILED_BY.finditer(text):
        written = (match["written"] or match["written2"]).lower()
        role = _role_of(written)
        if role is None or not re.fullmatch(_ROLE, role, re.IGNORECASE):
            continue
        field = "counsel" if match["counsel"] else "counsel2"
        start, end = match.span(field)
        counsel = (
            _of_firm(text, start, end) or _of_firms(text, start, end)
            or list_names(text, start, end, _COUNSEL_SPLIT)
        )  # fmt: skip
        if counsel:
            found.append(Appearance(match.start(), match.end(), role, tuple(counsel), (),
                                    "", written))  # fmt: skip
    for match in _AMICI_BRIEFS.finditer(text):
        offset = match.start("groups")
        for group in _AMICI_GROUP.finditer(match["groups"]):
            start, end = offset + group.start("counsel"), offset + group.end("counsel")
            counsel = list_names(text, start, end, _COUNSEL_SPLIT)
            amici = _amici(text, offset + group.start("amici"), offset + group.end("amici"))
            if counsel and amici:
                client = CLIENTS_SEPARATOR.join(a.normalized for a in amici)
                found.append(Appearance(match.start(), match.end(), None, tuple(counsel),
                                        tuple(amici), client))  # fmt: skip
    for match in _AMICUS_FILED_BY.finditer(text):
        counsel = list_names(text, *match.span("counsel"), _COUNSEL_SPLIT)
        amici = _amici(text, *match.span("amici"))
        if counsel or amici:
            found.append(Appearance(match.start(), match.end(), None, tuple(counsel), tuple(amici)))
    for heading in _AMICI_HEADING.finditer(text):
        found += _amici_paragraphs(text, heading.end())
    for match in _FOR_AMICI.finditer(text):
        start = _paragraph_start(text, match.start())
        counsel = list_names(text, start, match.start(), _COUNSEL_SPLIT)
        amici = _amici(text, *match.span("amici"))
        if counsel or amici:
            found.append(Appearance(start, match.end(), None, tuple(counsel), tuple(amici)))
    return found


#: What ends a client's name and is none of it: the case it is a party of ("Theodore
#: D'Apuzzo, P.A. in 18-90014"), a degree ("Paul G. Kleinman, M.D."), the period of a
#: sentence after a name that is no form ("Stacy "Four" Eggers, IV.").
_CLIENT_TAIL = re.compile(
    r"[ ]in[ ](?:No\.[ ])?\d[\w-]*$|,?[ ](?:M\.D|Ph\.D|Esq)\.?$"
    r"|(?<!\bInc)(?<!\bCo)(?<!\bLtd)(?<!\bCorp)(?<!\bJr)(?<!\bSr)(?<![ .][A-Z])\.$"
)


def _clients(written: str) -> list[str]:
    """The clients of a list after a role ("for Defendants A, B, and C"), without a street
    address the list runs into ("A, 16 West Jones Street, Room 2304 Raleigh, NC 27601.")."""
    names = CLIENT_SPLIT.split(written)
    clients = []
    for name in names:
        name = _CLIENT_TAIL.sub("", re.sub(r"^(?:The|the)[ ]", "", " ".join(name.split())))
        if name and not (len(names) > 1 and re.search(r"\d", name)):
            clients.append(name)
    return clients or [""]


_NICKNAME = re.compile(r"[ ]\"[^\"]{1,20}\"(?=[ ])")
_AFTER_NAME = re.compile(r",?[ ](?:Jr|Sr|II|III|IV)\.?$")
_GENERATION_COMMA = re.compile(r",(?=[ ](?:Jr|Sr|II|III|IV)\.?$)")


def _client_mentions(text: str, match: re.Match[str], clients: list[str]) -> list[RawMention]:
    """Each client's name as written after the role, as a mention (a name that ran over a
    line is left to the other finders)."""
    found = []
    position = match.start("client")
    for client in clients:
        begin = text.find(client.split()[0], position, match.end("client"))
        if begin < 0:
            continue
        # "Stacy "Four" Eggers, IV", "Paul G. Kleinman, M.D.": a person's name with a
        # nickname or a generation or degree after it
        named = _NICKNAME.sub("", client)
        plain = _AFTER_NAME.sub("", named)
        kind = EntityType.PERSON if is_person(plain) else EntityType.ORGANIZATION
        party = counsel_mention(kind, text, begin, begin + len(client))
        if kind is EntityType.PERSON:  # named as elsewhere: "Stacy Eggers IV"
            party = replace(party, normalized=display_name(_GENERATION_COMMA.sub("", named)))
        if party.text == client:
            found.append(party)
            position = party.end
    return found


#: Michigan's reports name the clients after the counsel, in a paragraph of its own:
#: "Firm (by X and Y), City, for Lexington Insurance Company." (the names are matched with
#: the parties later; a name that is no party gives no edge). The counsel must show a firm:
#: "(by" or a legal form.
_FOR_NAMED = re.compile(
    r"^(?P<counsel>[^\n]{3,600}?(?:\([ ]?by[ ]|,?[ ](?:P\.?C|P\.?L\.?L\.?C|P\.?L\.?C|L\.?L\.?P"
    r"|L\.?L\.?C|P\.?A)\.?(?=[, ]))[^\n]{0,600}?),[ ]+for[ ]+"
    r"(?P<client>(?!(?i:the[ ]|an?[ ])?(?:plaintiff|defendant|appellant|appellee|petitioner"
    r"|respondent|intervenor|amic)|the[ ])[A-Z][^\n]{2,400}?)\.[ \t]*$",
    re.MULTILINE,
)


#: The cities after a firm's "(by ...)", up to the client: ", Westland, Farmington Hills".
_PLACES_AFTER = re.compile(r"\)(?:,[ ][A-Z][a-z]+(?:[ ][A-Z][a-z]+){0,2})+$")


#: A docket's minute entry: "Appearances: AUSA Louis Uhl for the Government, AFPD Jared
#: Eggers for defendant." (one standing in for another: "AUSA X for AUSA Y for the
#: Government").
_MINUTE_APPEARANCES = re.compile(r"\bAppearances?:[ ]*(?P<list>[^\n]{5,500}?)\.(?=[ \t]|$)", re.M)
_MINUTE_CLIENT = re.compile(
    r"[ ]for[ ](?:the[ ])?(?P<client>(?i:government|united[ ]states|usa|plaintiffs?|defendants?"
    r"|dfts?|defts?|petitioners?|respondents?))$"
)
#: The abbreviations of an attorney's office before the name in a minute entry.
_ATTORNEY_OFFICE = re.compile(r"(?:S?AUSA|AFPD|FPD|CJA|Atty\.?|Attorney)[ ]+")
_MINUTE_ROLES = {"government": "plaintiff", "united states": "plaintiff", "usa": "plaintiff",
                 "dft": "defendant", "deft": "defendant"}  # fmt: skip


def _minute_appearances(text: str, match: re.Match[str]) -> list[Appearance]:
    """The attorneys of a minute entry's "Appearances:" line, each for the side it names
    (the government prosecutes: the plaintiff of a criminal case)."""
    found = []
    offset = match.start("list")
    for piece in re.finditer(r"[^,]+", match["list"]):
        client = _MINUTE_CLIENT.search(piece[0])
        if client is None:
            continue
        word = client["client"].lower().rstrip("s")
        role = _MINUTE_ROLES.get(word, word)
        counsel = []
        position = offset + piece.start()
        for name in re.split(r"[ ]for[ ]", piece[0][: client.start()]):
            start = position + len(name) - len(name.lstrip())
            office = _ATTORNEY_OFFICE.match(text, start)
            start = office.end() if office is not None else start
            end = position + len(name.rstrip())
            if is_person(text[start:end]):
                counsel.append(counsel_mention(EntityType.PERSON, text, start, end))
            position += len(name) + len(" for ")
        if counsel:
            found.append(Appearance(offset + piece.start(), offset + piece.end(), role,
                                    tuple(counsel), (), "", role))  # fmt: skip
    return found


def _named_clients(written: str) -> list[str]:
    """The parties of a named client list: "A, L.L.C., B, Inc., and Samuel C. and Cynthia
    A. Gardner" (one surname after two given names is both's)."""
    names: list[str] = []
    flat = " ".join(STAR_PAGE.sub(" ", written).split())
    for name in CLIENT_SPLIT.split(flat):
        name = re.sub(r"^(?:and|the|The)[ ]", "", name).strip()
        pair = re.fullmatch(rf"(?P<first>[A-Z][\w.]*(?:[ ][A-Z]\.)?)[ ]and[ ](?P<second>[A-Z][\w.]*"
                            rf"(?:[ ][A-Z]\.)?)[ ](?P<last>{NAME_WORD})", name)  # fmt: skip
        if pair is not None:
            names += [f"{pair['first']} {pair['last']}", f"{pair['second']} {pair['last']}"]
        elif name:
            names.append(name)
    return names


#: Massachusetts lists the amici's counsel under a heading, a paragraph each: "The following
#: submitted briefs for amici curiae:" / "X, Y, & Z, Boston, for Citizens for Juvenile
#: Justice & others."
_AMICI_HEADING = re.compile(
    r"(?m)^[ \t]*The[ ]following[ ]submitted[ ]briefs[ ]for[ ]amic(?:us|i)[ ]curiae:[ \t]*\n"
)
_AMICUS_PARAGRAPH = re.compile(
    r"[ \t\n]*(?P<counsel>[A-Z][^\n]{3,600}?),?[ ]for[ ](?P<amici>[A-Z][^\n]{2,400}?)"
    r"(?:[ ](?:&|and)[ ]others)?\.[ \t]*(?:\n|$)"
)


def _amici_paragraphs(text: str, position: int) -> list[Appearance]:
    """The counsel and amici of each paragraph under an amici heading, to the first that
    is not of that shape."""
    found = []
    while (match := _AMICUS_PARAGRAPH.match(text, position)) is not None:
        counsel = list_names(text, *match.span("counsel"), _COUNSEL_SPLIT)
        amici = _amici(text, *match.span("amici"))
        if not amici:  # a body named by an office: "District Attorney for the Plymouth District"
            amici = [counsel_mention(EntityType.ORGANIZATION, text, *match.span("amici"))]
        if counsel and amici:
            client = CLIENTS_SEPARATOR.join(a.normalized for a in amici)
            found.append(Appearance(match.start("counsel"), match.end(), None, tuple(counsel),
                                    tuple(amici), client))  # fmt: skip
        position = match.end()
    return found


def _amici_names(written: str) -> list[str]:
    """The amici of "A and B" when both sides are whole names, each with a head noun or a
    legal form ("National Association of Criminal Defense Lawyers and Electronic Frontier
    Foundation"); one name otherwise ("West Virginia Business and Industry Council")."""
    parts = re.split(r"[ ]and[ ](?=[A-Z])", written)
    if len(parts) > 1 and all(is_org(part) for part in parts):
        return parts
    return [written]


#: A part of New Jersey's list of counsel, by what they did: "..., of counsel", "..., on
#: the briefs", "..., attorneys".
_NJ_PART = re.compile(
    r"(?:;[ ])?(?P<names>[^;]+?),?[ ](?:attorneys?|of[ ]counsel(?:[ ]and[ ]on[ ]the[ ]briefs?)?"
    r"|on[ ]the[ ]briefs?)(?=;|$)"
)


def _attorneys_named(text: str, start: int, end: int, listed: bool) -> list[RawMention]:
    """The firm of "(Firm, attorneys)" or, for a list of parts (``listed``), each firm and
    attorney it names; "Mr. Clark", who was named before, is left to that mention."""
    if not listed:
        return [counsel_mention(EntityType.ORGANIZATION, text, start, end)]
    spans = [part.span("names") for part in _NJ_PART.finditer(text, start, end)] or [
        (start, end)  # the firms and attorneys before "attorneys;"
    ]
    found = []
    for begin, stop in spans:
        names = list_names(text, begin, stop, _COUNSEL_SPLIT)
        found += [
            listed_person(text, m) for m in names
            if not re.match(r"(?:Mr|Ms|Mrs|Dr)\.[ ]", m.text)
        ]  # fmt: skip
    return found


def _role_of(written: str) -> str | None:
    """The client's role of a role as written: its last word, singular ("Plaintiffs-
    Appellants" is "appellant"), "plaintiff in error" as a whole, and none for an amicus
    (no party: its counsel serve the client the paragraph names)."""
    if "curiae" in written.lower():
        return None
    if " in error" in written.lower():
        return re.sub(r"(?i)s?[ ]in[ ]error$", " in error", written).lower()
    return written.lower().split("-")[-1].split()[-1].rstrip("s")


#: The heading of an appearance in a federal reporter: "ARGUED:", "ON BRIEF:".
_LABEL = re.compile(
    r"(?:^|(?<=\n))\s*(?:ARGUED|ON[ ]BRIEF|Argued|On[ ]brief|Briefed|COUNSEL|Counsel)\s*:\s*"
)


#: A reporter's star page at the head of a paragraph: "*528 Kerr, Russell and Weber, PLC".
_STAR_PAGE_FIRST = re.compile(rf"\s*(?:{STAR_PAGE.pattern})[ \t]*")


def _after_label(text: str, start: int, end: int) -> int:
    """Where an appearance's names begin, after an "ARGUED:" or "ON BRIEF:" heading (and a
    page's running head above it) or a star page."""
    label = _LABEL.search(text, start, min(end, start + 200))
    start = label.end() if label is not None else start
    star = _STAR_PAGE_FIRST.match(text, start, end)
    return star.end() if star is not None else start


def _of_firm(text: str, start: int, end: int) -> list[RawMention]:
    """ "A and B of Firm, City": the attorneys (people) and their firm; none when the
    paragraph is not of that shape."""
    match = _OF_FIRM.fullmatch(text, start, end)
    if match is None:
        return []
    people = list_names(text, *match.span("people"), _COUNSEL_SPLIT)
    if not people or any(m.type is not EntityType.PERSON for m in people):
        return []
    firm_start, firm_end = match.span("firm")
    return [*people, counsel_mention(EntityType.ORGANIZATION, text, firm_start, firm_end)]


#: Where a firm named after "of" ends: before the next attorney of the list, named with
#: an initial ("... DeMallie & Lougee and Stephan M. Rodolakis, ...").
_NEXT_ATTORNEY = re.compile(
    r",?\s+(?:and\s+)?(?=(?:[A-Z]\.[ ])?[A-Z][a-z]+(?:[ ][A-Z]\.)+[ ][A-Z])|,?\s*$"
)
#: "of" before a firm's name; never inside a place's or an office's name ("Attorney General
#: for the District of Columbia", "Office of the Solicitor"), nor before a city (", of
#: Bennettsville", "all of Columbia").
_OF = re.compile(
    r"(?<!\bDistrict)(?<!\bState)(?<!\bCommonwealth)(?<!\bCity)(?<!\bCounty)(?<!\bOffice)"
    r"(?<!\bDepartment)(?<!\bPeople)(?<!\ball)(?<!\bboth)(?<!,)\s+of\s+(?=[A-Z])"
)
_ON_BRIEF_END = re.compile(r",?\s+(?:were\s+|was\s+)?on\s+brief,?\s*$")


def _of_firms(text: str, start: int, end: int) -> list[RawMention]:
    """Several "A, B of Firm" groups in one list: "Joseph H. Baldiga, Paul W. Carey of
    Mirick, O'Connell, DeMallie & Lougee and Stephan M. Rodolakis, Mark S. Foss of Peters
    Massad & Rodolakis". Each firm runs to the next attorney named with an initial; none
    when a group's names before "of" are not all people."""
    found: list[RawMention] = []
    position = start
    brief = _ON_BRIEF_END.search(text, start, end)
    end = brief.start() if brief is not None else end
    while (of := _OF.search(text, position, end)) is not None:
        people = list_names(text, position, of.start(), _COUNSEL_SPLIT)
        if not people or any(m.type is not EntityType.PERSON for m in people):
            return []
        stop = _NEXT_ATTORNEY.search(text, of.end(), end)
        firm_end = stop.start() if stop is not None else end
        firm_start = of.end()
        if firm_end <= firm_start or re.search(r"[(;]", text[firm_start:firm_end]):
            # "X, State's Attorney, of Chicago (A, B, of counsel)", "X, of Columbia; and Y":
            # a city
            return []
        found += [*people, counsel_mention(EntityType.ORGANIZATION, text, firm_start, firm_end)]
        position = stop.end() if stop is not None else end
    if found and position < end:
        rest = list_names(text, position, end, _COUNSEL_SPLIT)
        if any(m.type is not EntityType.PERSON for m in rest):
            return []
        found += rest
    return found if len(found) > 2 else []


#: Nouns that end a part of a larger body: "Maine Conference, United Church of Christ" is
#: one amicus, not two.
_SUBUNITS = frozenset({"conference", "diocese", "synod", "presbytery", "chapter", "district"})
#: An amicus named like a person: two capitalised words ("Adrienne Bennett").
_AMICUS_PERSON = re.compile(rf"{NAME_WORD}(?:-{NAME_WORD})?[ ]{NAME_WORD}(?:-{NAME_WORD})?")


def _amici(text: str, start: int, end: int) -> list[RawMention]:
    """The amici of a list: organisations, a regional body joined to the body it is part
    of, and a person named alone ("on brief for Adrienne Bennett, amicus curiae")."""
    items = list_names(text, start, end, LIST_SPLIT, organisations_only=True)
    joined: list[RawMention] = []
    for item in items:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.normalized.split()[-1].lower() in _SUBUNITS
            and re.fullmatch(r",\s+", text[previous.end : item.start])
        ):
            joined[-1] = counsel_mention(EntityType.ORGANIZATION, text, previous.start, item.end)
            continue
        joined.append(item)
    if len(joined) == 1 and _amicus_person(joined[0].normalized):
        only = joined[0]
        return [counsel_mention(EntityType.PERSON, text, only.start, only.end)]
    return joined


def _amicus_person(name: str) -> bool:
    """Two capitalised words, none of them a word of organisation names."""
    words = name.lower().split()
    return bool(_AMICUS_PERSON.fullmatch(name)) and not any(
        w in NOT_NAME_WORDS or w in ORG_HEADS or w in ORG_SUFFIXES or w in _SUBUNITS for w in words
    )


#: A line that names the court below, before the counsel: "Appeal from the Superior Court
#: ..., Ralph R. Beistline, Judge. Superior Court No. 4FA-99-2449 CI."
_COURT_BELOW_LINE = re.compile(
    r"(?m)^[ \t]*(?:(?:On[ ])?Appeals?[ ]from|Petition[ ]for|(?:On[ ])?Certiorari[ ]to"
    r"|(?:On[ ])?Review[ ]of)\b[^\n]*\n"
    # the court's name may go on over the next lines: "for the Western District of Texas"
    r"(?:[ \t]*(?:for|of|in|at)[ ][^\n]*\n)*"
)


#: A line that ends the counsel above it: a heading ("COUNSEL", "APPEARANCES") or the label
#: of a client's counsel ("Counsel for Petitioner").
_COUNSEL_LINE = re.compile(
    r"(?m)^[ \t]*(?:COUNSEL|APPEARANCES|ATTORNEYS|(?:Counsel|Attorneys?)[ ]for[ ][^\n]{3,60})"
    r"[ \t]*\n"
)


def _lines_back(text: str, offset: int, lines: int) -> int:
    """The start of the line ``lines`` lines above the one ``offset`` starts."""
    position = offset
    for _ in range(lines):
        position = text.rfind("\n", 0, max(0, position - 1)) + 1
    return position


def _paragraph_start(text: str, offset: int) -> int:
    """After the last line that ends a sentence, or the last blank line, or the line naming
    the court below, before ``offset`` (at most 1,500 back)."""
    floor = max(0, offset - 1500)
    # an initial's period ("Neil H.\nMacBride") ends no sentence
    # (a bracketed note ends one too: "[Opinion filed May 27, 1887.]")
    ends = list(re.finditer(r"(?<![ \n][A-Z])[.:;]\]?[ \t]*\n|\n[ \t]*\n", text[floor:offset]))
    # a counsel list's heading or the label line of the counsel above: "COUNSEL\nFirm, City\n
    # By X\nCounsel for Petitioner\nY, City\nCounsel for Respondent" (Arizona)
    ends += list(_COUNSEL_LINE.finditer(text[floor:offset]))
    ends.sort(key=lambda m: m.end())
    start = floor + ends[-1].end() if ends else floor
    # the line naming the court below ("Appeal from the Superior Court ..., X, Judge.")
    below = list(_COURT_BELOW_LINE.finditer(text, start, offset))
    return below[-1].end() if below else start
