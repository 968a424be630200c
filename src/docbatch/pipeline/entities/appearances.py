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
from docbatch.pipeline.entities.courts import STATES
from docbatch.pipeline.entities.names import (
    GIVEN_NAMES,
    LOWER,
    NOT_NAME_WORDS,
    ORG_HEADS,
    ORG_SUFFIXES,
    STAR_PAGE,
    UPPER,
    display_name,
    is_shouting,
)

__all__ = ["Appearance", "find_appearances", "office_before"]

_ROLE = (
    r"(?P<role>(?:plaintiffs?|defendants?)[ ]in[ ]error"
    r"|(?:plaintiffs?|defendants?)(?:[- ](?:appellants?|appellees?|intervenors?))?|appellants?"
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
    r"(?:,?[ \t]+(?!(?:counterclaim|cross|third|plaintiff|defendant|appellant|appellee"
    r"|petitioner|respondent|intervenor)s?\b)(?P<client>(?-i:[A-Z])[^\n]{2,400}?"
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
    # Virginia: "X, Danville; Y, Leesburg (Firm, on brief)"
    r"|\s*;\s*(?:and\s+)?"
    # Massachusetts: "Marsha L. Levick, Emily C. Keller, & Lauren A. Fine"
    r"|,\s+&\s+"
    r"|\s+argued\s+the\s+cause(?:\s+and\s+filed\s+the\s+briefs?)?"
    r"|,\s+(?:and\s+)?(?!Jr\.|Sr\.|JR\.|III\b|II\b|IV\b"
    r"|(?:Inc\.?|LLC|L\.L\.C\.|LLP|L\.L\.P\.|PLLC|P\.L\.L\.C\.|PLC|P\.L\.C\.|P\.C\.|P\.A\.|Ltd\.|Co\.|Corp\.)"
    r"(?![\w]))|\s+and\s+"
)
#: A two-letter postal code after a city in a reporter's counsel list ("Boston, MA").
_POSTAL = re.compile(r"[A-Z]{2}")
#: Between the parties of a client list; never before a legal form or a generation
#: ("Acme Freight Services, Inc", whose period ended the paragraph).
_CLIENT_SPLIT = re.compile(
    r";\s*|,\s+(?:and\s+)?(?!(?:Jr|Sr|Inc|LLC|LLP|Ltd|Co|Corp|PLLC|L\.L\.C|P\.A|P\.C|II|III|IV)\b)"
)
_LIST_SPLIT = re.compile(r",\s+(?:and\s+)?(?!Jr\.|Sr\.|Inc\.|LLC|LLP)")
_CONNECTORS = frozenset({"of", "the", "for", "and", "in", "&", "de", "la", "del", "on"})
_TITLES = frozenset(
    {"attorney", "attorneys", "general", "deputy", "assistant", "solicitor", "counsel,",
     "defender"}
)  # fmt: skip
#: Words of a court's name, never of counsel's.
_COURT_WORDS = frozenset({"court", "judicial", "judge", "appeal", "appeals"})
#: The first word of an office's name, which may hold a title's words ("Office of the
#: Federal Public Defender").
_OFFICE_NOUNS = frozenset({"office", "department", "bureau", "division", "agency"})
#: A capitalised name word, with an inner capital after a prefix ("MacBride", "DeShawn").
_NW = rf"(?:Mc|Mac|De|La|Le|Di|O['\u2019])?[{UPPER}][{LOWER}'\u2019]+"
_PERSON = re.compile(
    # a middle initial may have lost its period in the scan ("Charles A Rothfeld")
    rf"(?:(?:[A-Z]\.[ ])?{_NW}(?:[- ]{_NW})*(?:[ ][A-Z]\.?(?=[ ]))*"
    rf"(?:[ ]{_NW}(?:-{_NW})?)"
    rf"|(?:[A-Z]\.[ ]?){{2,3}}{_NW}(?:-{_NW})?)"  # "J. S. Hogg"
    r"(?:,?[ ](?:Jr\.|Sr\.|II|III|IV))?"
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
    #: The client's name as a mention, when the paragraph names a party after its role
    #: ("for appellee District of Columbia").
    party: RawMention | None = None


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
    matches = sorted(
        (*_FOR_PARTY.finditer(text), *_FOR_CLIENT_ROLE.finditer(text)), key=lambda m: m.start()
    )
    for match in matches:
        if match.start() < previous or any(m.start() <= match.start() < m.end() for m in minutes):
            continue  # inside the appearance read before, or a minute entry's (read above)
        start = max(_paragraph_start(text, match.start()), previous)
        start = _after_label(text, start, match.start())
        previous = match.end()
        counsel = (
            _of_firm(text, start, match.start())
            or _of_firms(text, start, match.start())
            or _items(text, start, match.start(), _COUNSEL_SPLIT)
        )
        if match["firm"]:
            counsel += _attorneys_named(text, *match.span("firm"), match["more"] is not None)
        if match["more"]:
            counsel += _attorneys_named(text, *match.span("more"), True)
        counsel = [
            # who argued the cause is a person, whatever the shape of the name ("Sri
            # Srinivasan argued the cause")
            _listed_person(text, m) if re.match(r"\s+argued\s", text[m.end :]) else m
            for m in counsel
        ]
        more = _ON_THE_BRIEFS.match(text, match.end())
        if more is not None and counsel:
            counsel += _items(text, *more.span("counsel"), _COUNSEL_SPLIT)
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
            # the first party named stands for them all, as a caption's lead party does
            clients = [re.sub(r"^(?:The|the)[ ]", "", " ".join(name.split()))
                       for name in _CLIENT_SPLIT.split(match["client"] or "")]  # fmt: skip
            listing = re.search(
                r"[ ]\((?P<list>[^()]+?,[ ]attorneys?;[^()]+)\)", match["client"] or ""
            )
            if listing is not None:
                # New Jersey: "for amicus curiae X (Firm, and Mr. Y, attorneys; ...)"
                offset = match.start("client") + listing.start("list")
                counsel += _attorneys_named(text, offset, offset + len(listing["list"]), True)
                clients = [re.sub(r"[ ]\(.*$", "", match["client"], flags=re.DOTALL).strip()]
            client = clients[0]  # "for Amicus Curiae, The X Council"
            if amicus:
                client = " ".join(match["role"].split())
            elif role is None:
                # amici are no caption's parties: each one the paragraph names is a client
                # ("for Amici Curiae A and B")
                names = [n for c in clients for n in _amici_names(c) if n]
                client = CLIENTS_SEPARATOR.join(names)
            party = None
            if role is not None and match["client"] and client:
                begin = match.start("client") + match["client"].index(client.split()[0])
                kind = EntityType.PERSON if _is_person(client) else EntityType.ORGANIZATION
                party = _mention(kind, text, begin, begin + len(client))
                if party.text != client:
                    party = None  # the name ran over a line: left to the other finders
            found.append(Appearance(start, match.end(), role, tuple(counsel), (), client, written,
                                    party))  # fmt: skip
    for match in _FOR_NAMED.finditer(text):
        if any(a.start <= match.start("counsel") < a.end for a in found):
            continue
        start = _after_label(text, match.start(), match.end("counsel"))
        end = match.end("counsel")
        places = _PLACES_AFTER.search(text, start, end)
        if places is not None:  # "(by X), Westland, Farmington Hills": the firms' cities
            end = places.start() + 1
        counsel = _items(text, start, end, _COUNSEL_SPLIT)
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
            or _items(text, start, end, _COUNSEL_SPLIT)
        )  # fmt: skip
        if counsel:
            found.append(Appearance(match.start(), match.end(), role, tuple(counsel), (),
                                    "", written))  # fmt: skip
    for match in _AMICI_BRIEFS.finditer(text):
        offset = match.start("groups")
        for group in _AMICI_GROUP.finditer(match["groups"]):
            counsel = _items(text, offset + group.start("counsel"), offset + group.end("counsel"),
                             _COUNSEL_SPLIT)  # fmt: skip
            amici = _amici(text, offset + group.start("amici"), offset + group.end("amici"))
            if counsel and amici:
                client = CLIENTS_SEPARATOR.join(a.normalized for a in amici)
                found.append(Appearance(match.start(), match.end(), None, tuple(counsel),
                                        tuple(amici), client))  # fmt: skip
    for match in _AMICUS_FILED_BY.finditer(text):
        counsel = _items(text, *match.span("counsel"), _COUNSEL_SPLIT)
        amici = _amici(text, *match.span("amici"))
        if counsel or amici:
            found.append(Appearance(match.start(), match.end(), None, tuple(counsel), tuple(amici)))
    for heading in _AMICI_HEADING.finditer(text):
        found += _amici_paragraphs(text, heading.end())
    for match in _FOR_AMICI.finditer(text):
        start = _paragraph_start(text, match.start())
        counsel = _items(text, start, match.start(), _COUNSEL_SPLIT)
        amici = _amici(text, *match.span("amici"))
        if counsel or amici:
            found.append(Appearance(start, match.end(), None, tuple(counsel), tuple(amici)))
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
            if _is_person(text[start:end]):
                counsel.append(_mention(EntityType.PERSON, text, start, end))
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
    for name in _CLIENT_SPLIT.split(flat):
        name = re.sub(r"^(?:and|the|The)[ ]", "", name).strip()
        pair = re.fullmatch(rf"(?P<first>[A-Z][\w.]*(?:[ ][A-Z]\.)?)[ ]and[ ](?P<second>[A-Z][\w.]*"
                            rf"(?:[ ][A-Z]\.)?)[ ](?P<last>{_NW})", name)  # fmt: skip
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
        counsel = _items(text, *match.span("counsel"), _COUNSEL_SPLIT)
        amici = _amici(text, *match.span("amici"))
        if not amici:  # a body named by an office: "District Attorney for the Plymouth District"
            amici = [_mention(EntityType.ORGANIZATION, text, *match.span("amici"))]
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
    if len(parts) > 1 and all(_is_org(part) for part in parts):
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
        return [_mention(EntityType.ORGANIZATION, text, start, end)]
    spans = [part.span("names") for part in _NJ_PART.finditer(text, start, end)] or [
        (start, end)  # the firms and attorneys before "attorneys;"
    ]
    found = []
    for begin, stop in spans:
        names = _items(text, begin, stop, _COUNSEL_SPLIT)
        found += [
            _listed_person(text, m) for m in names
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
_STAR_PAGE = re.compile(r"\s*\*{1,3}\d{1,5}[ \t]+")


def _after_label(text: str, start: int, end: int) -> int:
    """Where an appearance's names begin, after an "ARGUED:" or "ON BRIEF:" heading (and a
    page's running head above it) or a star page."""
    label = _LABEL.search(text, start, min(end, start + 200))
    start = label.end() if label is not None else start
    star = _STAR_PAGE.match(text, start, end)
    return star.end() if star is not None else start


def _of_firm(text: str, start: int, end: int) -> list[RawMention]:
    """ "A and B of Firm, City": the attorneys (people) and their firm; none when the
    paragraph is not of that shape."""
    match = _OF_FIRM.fullmatch(text, start, end)
    if match is None:
        return []
    people = _items(text, *match.span("people"), _COUNSEL_SPLIT)
    if not people or any(m.type is not EntityType.PERSON for m in people):
        return []
    firm_start, firm_end = match.span("firm")
    return [*people, _mention(EntityType.ORGANIZATION, text, firm_start, firm_end)]


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
        people = _items(text, position, of.start(), _COUNSEL_SPLIT)
        if not people or any(m.type is not EntityType.PERSON for m in people):
            return []
        stop = _NEXT_ATTORNEY.search(text, of.end(), end)
        firm_end = stop.start() if stop is not None else end
        firm_start = of.end()
        if firm_end <= firm_start or re.search(r"[(;]", text[firm_start:firm_end]):
            # "X, State's Attorney, of Chicago (A, B, of counsel)", "X, of Columbia; and Y":
            # a city
            return []
        found += [*people, _mention(EntityType.ORGANIZATION, text, firm_start, firm_end)]
        position = stop.end() if stop is not None else end
    if found and position < end:
        rest = _items(text, position, end, _COUNSEL_SPLIT)
        if any(m.type is not EntityType.PERSON for m in rest):
            return []
        found += rest
    return found if len(found) > 2 else []


#: Nouns that end a part of a larger body: "Maine Conference, United Church of Christ" is
#: one amicus, not two.
_SUBUNITS = frozenset({"conference", "diocese", "synod", "presbytery", "chapter", "district"})
#: An amicus named like a person: two capitalised words ("Adrienne Bennett").
_AMICUS_PERSON = re.compile(rf"{_NW}(?:-{_NW})?[ ]{_NW}(?:-{_NW})?")


def _amici(text: str, start: int, end: int) -> list[RawMention]:
    """The amici of a list: organisations, a regional body joined to the body it is part
    of, and a person named alone ("on brief for Adrienne Bennett, amicus curiae")."""
    items = _items(text, start, end, _LIST_SPLIT, organisations_only=True)
    joined: list[RawMention] = []
    for item in items:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.normalized.split()[-1].lower() in _SUBUNITS
            and re.fullmatch(r",\s+", text[previous.end : item.start])
        ):
            joined[-1] = _mention(EntityType.ORGANIZATION, text, previous.start, item.end)
            continue
        joined.append(item)
    if len(joined) == 1 and _amicus_person(joined[0].normalized):
        only = joined[0]
        return [_mention(EntityType.PERSON, text, only.start, only.end)]
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


def _paragraph_start(text: str, offset: int) -> int:
    """After the last line that ends a sentence, or the last blank line, or the line naming
    the court below, before ``offset`` (at most 1,500 back)."""
    floor = max(0, offset - 1500)
    # an initial's period ("Neil H.\nMacBride") ends no sentence
    # (a bracketed note ends one too: "[Opinion filed May 27, 1887.]")
    ends = list(re.finditer(r"(?<![ \n][A-Z])[.:;]\]?[ \t]*\n|\n[ \t]*\n", text[floor:offset]))
    start = floor + ends[-1].end() if ends else floor
    # the line naming the court below ("Appeal from the Superior Court ..., X, Judge.")
    below = list(_COURT_BELOW_LINE.finditer(text, start, offset))
    return below[-1].end() if below else start


def _items(
    text: str, start: int, end: int, split: re.Pattern[str], *, organisations_only: bool = False
) -> list[RawMention]:
    """The names of a list, each a person ("Roger K. Gannam") or an organisation."""
    found: list[RawMention] = []
    separators = [*split.finditer(text, start, end), None]
    spans = []
    position = start
    for separator in separators:
        spans.append((position, separator.start() if separator is not None else end))
        position = separator.end() if separator is not None else end
    joined = _people_with_ampersand(text, spans)
    people = set(joined) - set(spans)  # the names "&" joined: people, whatever follows them
    spans = _firms_with_and(text, joined)
    cities = _cities(text, spans)
    for index, (position, stop) in enumerate(spans):
        if index in cities:
            continue
        mention = _item(text, position, stop, organisations_only)
        if mention is None and position == start and "\n" in text[position:stop].strip():
            # the paragraph began on an earlier line that ended without a period
            last_line = text.rfind("\n", position, stop - 1) + 1
            mention = _item(text, last_line, stop, organisations_only)
        if mention is None:
            continue
        after = spans[index + 1] if index + 1 < len(spans) else None
        of_city = after is not None and _OF_CITY.fullmatch(
            text[after[0] : after[1]].strip(" \t\n,.")
        )
        titled = after is not None and any(
            w.lower() in _TITLES for w in text[after[0] : after[1]].split()
        )
        if (
            titled
            or (cities and (index + 1 not in cities or of_city))
            or (position, stop) in people
        ):
            # a name with a title after it ("Helle Sachse, Assistant District Attorney") is a
            # person, as firms hold no office; in a list with addresses the firm is the item
            # before its city, and another name-shaped item is a person ("Stephanie Lin",
            # "Allison Jean Riggs"), and so is the attorney before a state report's "of City"
            mention = _listed_person(text, mention)
        found.append(mention)
    return found


#: A person's name: "Kunal Pasricha", "David J. Apfel".
_PERSON_SHAPE = re.compile(rf"{_NW}(?:[ ][A-Z]\.)?(?:[ ]{_NW}){{1,2}}")


def _people_with_ampersand(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "Christopher M. Tarrant & Robert J. Bender" is two attorneys (Massachusetts' reports
    join names so), where "Grotefeld & Denenberg" is a firm: split at "&" when both sides
    are whole names of people."""
    result: list[tuple[int, int]] = []
    for start, stop in spans:
        piece = text[start:stop]
        at = piece.find(" & ")
        left, right = piece[:at].strip(" ,"), piece[at + 3 :].strip(" ,.")
        if (
            at > 0
            and " & " not in piece[at + 3 :]
            and any(_is_person(side) for side in (left, right))
            and all(_PERSON_SHAPE.fullmatch(side) for side in (left, right))
            and re.search(r"\b[A-Z]\.[ ]", piece)
        ):
            result += [(start, start + at), (start + at + 3, stop)]
        else:
            result.append((start, stop))
    return result


def _firms_with_and(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "Wilmer Cutler Pickering Hale and Dorr, LLP" is one firm: a piece that ends in a
    legal suffix takes in the piece before it when only "and" stands between them."""
    merged: list[tuple[int, int]] = []
    for start, stop in spans:
        last = text[start:stop].strip(" \t\n,").split()[-1:]
        if (
            merged and last and last[0].lower() in ORG_SUFFIXES
            and re.fullmatch(r"\s+and\s+", text[merged[-1][1] : start])
            and not re.search(r"(?:^|[ ])[A-Z]\.[ ]", text[merged[-1][0] : merged[-1][1]])
        ):  # fmt: skip
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return _firms_with_commas(text, merged)


def _firms_with_commas(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "Spillman, Thomas & Battle", "Williams, Morrison, Light & Moreau" and "Kerr, Russell
    and Weber, PLC" are one firm: a piece with "&", or with "and" and a legal form, takes in
    the one-word pieces before it that only commas separate."""
    merged: list[tuple[int, int]] = []
    for start, stop in spans:
        piece = text[start:stop]
        if " & " in piece or (
            " and " in piece and piece.strip(" \t\n,").split()[-1].lower() in ORG_SUFFIXES
        ):
            while (
                merged
                and re.fullmatch(r"[A-Z][a-z]+", text[merged[-1][0] : merged[-1][1]].strip())
                and re.fullmatch(r",[ ]", text[merged[-1][1] : start])
            ):
                start = merged.pop()[0]
        merged.append((start, stop))
    return merged


def _cities(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Indexes of the city and postal code pieces of a list ("Washington, DC"), of a state
    report's "of City" after an attorney ("Jane Roe, of Columbia, for Appellant."), and of
    the city that ends a reporter's list before "for <party>": after a state ("Alexandria,
    Virginia"), or after a firm or an office ("Cook Schuhmann, Inc., Fairbanks", "Assistant
    Attorney General, West Palm Beach")."""
    cities: set[int] = set()
    pieces = [text[start:stop].strip(" \t\n,.") for start, stop in spans]
    for index, piece in enumerate(pieces):
        if index and _POSTAL.fullmatch(piece):
            cities |= {index - 1, index}
        elif (
            index
            and piece in _STATE_NAMES
            and _PLACE_LIKE.fullmatch(pieces[index - 1])
            and not (_is_org(pieces[index - 1]) or _is_person(pieces[index - 1]))
            and text[spans[index][1] : spans[index][1] + 1] in (";", "")
        ):
            cities |= {index - 1, index}  # "New York, New York;" within the list
        elif index and _OF_CITY.fullmatch(piece):
            cities.add(index)
        elif (
            index
            and _PLACE_LIKE.fullmatch(piece)
            and text[spans[index][1] : spans[index][1] + 3].lstrip().startswith("(")
            and text[spans[index - 1][0] : spans[index - 1][1]].split()[-1].lower().rstrip(",")
            in ORG_SUFFIXES
        ):
            cities.add(index)  # New York's "Firm, P.C., New York City (X of counsel)"
        elif (
            index == len(pieces) - 1
            and _PLACE_LIKE.fullmatch(piece)
            and _ends_address(pieces, index)
        ):
            cities.add(index)
            city = pieces[index - 1]
            if piece in _STATE_NAMES and _PLACE_LIKE.fullmatch(city) and not _is_org(city):
                cities.add(index - 1)
    return cities


def _is_org(piece: str) -> bool:
    words = [w.strip(",.").lower() for w in piece.split()]
    return any(w in ORG_HEADS or w in ORG_SUFFIXES or w in _ORG_WORDS for w in words)


#: One to three capitalised words: a city or a state.
_PLACE_LIKE = re.compile(r"[A-Z][a-z]+(?:[ ][A-Z][a-z]+){0,2}")
_STATE_NAMES = frozenset(name for name, _ in STATES)


def _ends_address(pieces: list[str], index: int) -> bool:
    """Whether ``pieces[index]`` ends a line of address: a state, or a place after a firm
    (a legal suffix) or an office ("Assistant Attorney General")."""
    piece, before = pieces[index], pieces[index - 1]
    if piece in _STATE_NAMES:
        return True
    if _is_person(piece) or _is_org(piece):
        return False
    words = before.lower().split()
    return bool(words) and (words[-1] in ORG_SUFFIXES or any(w in _TITLES for w in words))


#: A city after an attorney in a state report: "of Greenville", "both of Columbia".
_OF_CITY = re.compile(r"(?:(?:both|all)\s+)?of\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}")


def _listed_person(text: str, mention: RawMention) -> RawMention:
    """A two- to four-word capitalised name with no word of an organisation is a person."""
    words = [w.strip(",.").lower() for w in mention.normalized.split()]
    if mention.type is EntityType.ORGANIZATION and 2 <= len(words) <= 4 and not any(
        w in ORG_HEADS or w in ORG_SUFFIXES or w in NOT_NAME_WORDS or w in _CONNECTORS
        or w in _ORG_WORDS for w in words
    ):  # fmt: skip
        return _mention(EntityType.PERSON, text, mention.start, mention.end)
    return mention


#: Words of organisation names that are not head nouns ("Southern Coalition For Social
#: Justice", "Fair Elections Center").
_ORG_WORDS = frozenset({"justice", "elections", "rights", "legal", "law", "liberties"})


#: Words that make "of X" in a counsel list a firm or a public body, not a city: "of Maxey
#: Law Office PS", "of South Carolina Commission on Indigent Defense".
_FIRM_WORDS = re.compile(
    r"[ ](?:Law|Legal|Office|Offices|Firm|Group|Associates|Attorneys|Commission|Department"
    r"|Agency|Bureau)\b|,?[ ](?:PS|P\.S\.|PLLC"
    r"|LLP|LLC|P\.C\.|P\.A\.|Inc\.)\s*$"
)


def _item(text: str, start: int, end: int, organisations_only: bool) -> RawMention | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in " \t\n,":
        end -= 1
    if organisations_only and text.startswith("the ", start):
        start += 4  # "on behalf of the Wisconsin Newspaper Association"
    if text.startswith("of ", start) and _FIRM_WORDS.search(text, start, end):
        start += 3  # Washington: "X (of Maxey Law Office PS), for respondent."
    star = STAR_PAGE.match(text, start)  # "*929 W.D. Masterson": the page's first name
    inner = list(STAR_PAGE.finditer(text, start, end))
    if star is None and inner and re.search(r"[\d§]", text[start : inner[-1].start()]):
        star = inner[-1]  # "M.G.L.A. c. 265, § 2 *260 Michael A. Kaneb": a headnote before it
    if star is not None:
        start = star.end()
        while start < end and text[start].isspace():
            start += 1
    courtesy = re.match(r"(?:Messrs|Mr|Mrs|Ms)\.[ ]+", text[start:end])
    if courtesy is not None:  # "Messrs. J. A. Biely and Barnes & Barnes, for appellee."
        start += courtesy.end()
    of_counsel = re.search(r"\s+of\s+counsel$", text[start:end])
    if of_counsel is not None:  # New York's "(Tania M. Pagan of counsel)"
        end = start + of_counsel.start()
    flat = " ".join(STAR_PAGE.sub(" ", text[start:end]).split())
    words = flat.split()
    if not words or (
        any(w.lower() in _TITLES for w in words) and words[0].lower() not in _OFFICE_NOUNS
    ):
        surname = _TITLED_SURNAME.fullmatch(flat)
        if surname is not None and not organisations_only:
            # "Solicitor General Clement": the officer by surname
            return _mention(EntityType.PERSON, text, end - len(surname["name"]), end)
        titled = _TITLE_BEFORE.match(flat)
        if titled is not None and not organisations_only and _is_person(flat[titled.end() :]):
            # "Chief Deputy Attorney General John W. McIntosh", "Appellate Defender X"
            return _mention(EntityType.PERSON, text, end - len(flat) + titled.end(), end)
        return None  # "Assistant Attorney General", but not "Office of the U.S. Attorney"
    if any(w.strip(",.").lower() in _COURT_WORDS for w in words):
        return None  # "Fourth Judicial District": the court below, named before the counsel
    if not organisations_only and (
        _is_person(flat) or (is_shouting(flat) and _is_person(display_name(flat)))
    ):  # "DONALD B. VERRILLI, JR." in a transcript's list of appearances
        return _mention(EntityType.PERSON, text, start, end)
    capitalised = all(w[0].isupper() or w.lower() in _CONNECTORS for w in words)
    if (
        capitalised
        and len(words) >= 2
        and words[0][0].isupper()
        and words[-1].lower() not in _CONNECTORS
    ):
        return _mention(EntityType.ORGANIZATION, text, start, end)
    return None


#: An officer named by title and surname, as the Supreme Court lists the Solicitor
#: General's office: "Solicitor General Clement", "Deputy Solicitor General Kneedler".
_TITLED_SURNAME = re.compile(
    r"(?:(?:Acting|Principal|Deputy|Assistant|Associate)[ ])*(?:Solicitor[ ]General"
    rf"|Attorney[ ]General|Assistant[ ]to[ ]the[ ]Solicitor[ ]General)[ ](?P<name>{_NW})"
)


#: An office before a person's whole name in a counsel list (South Carolina's reports).
_TITLE_BEFORE = re.compile(
    r"(?:(?:Acting|Principal|Chief|Senior|Deputy|Assistant|Associate|Special|Appellate|Public"
    r"|District|County|Circuit)[ ])*(?:Solicitor[ ]General|Attorney[ ]General|Solicitor"
    r"|Defender|District[ ]Attorney|Prosecuting[ ]Attorney|Attorney)[ ](?=[A-Z])"
)


def office_before(mention: RawMention, item: RawMention) -> bool:
    """``mention`` is ``item`` with words of an office before it ("Defender Elizabeth A.
    Franklin-Best" of "Elizabeth A. Franklin-Best")."""
    if mention.end != item.end or mention.start >= item.start:
        return False
    office = _TITLE_BEFORE.match(mention.text)
    return office is not None and office.end() == item.start - mention.start


def _is_person(name: str) -> bool:
    """A name with an initial ("Roger K. Gannam") or a known given name; "Bernstein Shur"
    and "Cozen O'Connor", firms, have neither."""
    if not _PERSON.fullmatch(name):
        return False
    words = [w.strip(",.").lower() for w in name.split()]
    if any(w in NOT_NAME_WORDS for w in words):
        return False
    return bool(re.search(r"(?:^|[ ])[A-Z]\.", name)) or words[0] in GIVEN_NAMES


def _mention(kind: EntityType, text: str, start: int, end: int) -> RawMention:
    raw = text[start:end]
    return RawMention(kind, start, end, raw, display_name(raw), 0.85)
