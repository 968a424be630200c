"""Public bodies named with their state, county or city: boards, departments, legislatures.

Government bodies are usually named after the place they serve: "North Carolina State
Board of Elections", "Wake County Board of Elections", "North Carolina Department of
Justice", "the Kentucky General Assembly", "Division of Elections". A name's place is part
of it: "Department of Justice" alone is another body. A name in a caption that holds a
state's name ("DEMOCRACY NORTH CAROLINA") is an organisation, not a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.court_names import STATES
from docbatch.pipeline.entities.names import GIVEN_NAMES, LEADING_NOISE, display_name

__all__ = [
    "BODY_WORDS", "cut_at_next_body", "find_public_bodies", "in_case_name", "names_a_holder",
    "names_a_place",
]  # fmt: skip

#: States whose name is also a common given name or surname ("Virginia Smith", "George
#: Washington") say nothing about a name on their own.
_NAME_LIKE_STATES = frozenset({"Georgia", "Virginia", "Washington", "Montana", "Nevada"})
_PLACES = [name for name, _ in STATES if name not in _NAME_LIKE_STATES]
_PLACE = "|".join(re.escape(p) for p in sorted(_PLACES, key=len, reverse=True))
_PLACE_WORDS = re.compile(rf"\b(?:{_PLACE})\b")

#: Head nouns of public bodies and of the organisations a caption names.
BODY_WORDS = frozenset(
    {"board", "commission", "department", "division", "committee", "council", "party",
     "senate", "assembly", "legislature", "office", "agency", "bureau", "authority",
     "association", "foundation", "university", "college", "league", "union", "center",
     "coalition", "institute", "society"}
)  # fmt: skip

_CAP = r"[A-Z][a-z]+"


def _none_of(words: Iterable[str]) -> str:
    """A lookahead that refuses any of ``words``, capitalised, as a whole word."""
    return "(?!(?:{})\\b)".format("|".join(sorted(w.title() for w in words if w.isalpha())))


#: A capitalised word that opens a sentence or a cue, never a county's name: "The",
#: "Defendants".
_NOT_NOISE = _none_of(LEADING_NOISE)
#: A capitalised word that opens a sentence or a cue (as above), but a body's own first
#: word may be an office's ("Attorney Grievance Commission").
_NOT_SENTENCE = _none_of(LEADING_NOISE - {"attorney", "judge", "justice"})
#: "Wake County", "Palm Beach County", "City of Raleigh", "North Carolina", "U.S.".
_SEAT = (
    rf"(?:(?:{_PLACE})(?:[ ]State)?|(?:{_NOT_NOISE}{_CAP}[ ]){{1,2}}(?:County|Parish)"
    rf"|(?:City|County|Town)[ ]of[ ]{_CAP}"
    r"|U\.S\.|United[ ]States)"
)
_HEAD = r"Board|Commission|Department|Division|Bureau|Agency|Authority|Office"
_LEGISLATURE = r"Senate|House[ ]of[ ]Representatives|General[ ]Assembly|Legislature"
#: The heads of a body named by two words or more before them, without "of".
_NAMED_HEAD = r"Board|Bureau|Commission|Department|School[ ]District"
#: "<seat> [Cap ...] Board of Elections", "Board of Elections", "<seat> Senate",
#: "General Assembly"; the "of" part names what the body does.
#: What a body does: "of Elections", "of Immigration Appeals", "of the Attorney General";
#: a word that starts the next body of a letterhead ("... of Justice Executive Office")
#: ends it.
_TAIL_WORD = rf"{_CAP}(?:['\u2019]s?)?"  # "Board of Veterans' Appeals"
_TAIL = (
    rf"[ ]of[ ](?!Directors\b|Trustees\b|the[ ]Clerk\b)(?:the[ ])?{_TAIL_WORD}"
    rf"(?:[ ](?:and[ ])?(?!{_CAP}[ ](?:{_HEAD})\b)(?!Court\b){_TAIL_WORD}){{0,2}}"
)
_BODY = re.compile(
    rf"(?<![\w.])(?:(?:{_SEAT})[ ](?:{_CAP}(?:['\u2019]s)?[ ]){{0,2}}(?:(?:{_HEAD})(?:{_TAIL})?"
    rf"|{_LEGISLATURE})"
    # what the body does before its head: "Medical Board of California", "Attorney
    # Grievance Commission of Maryland"
    rf"|(?P<pre>(?:{_NOT_SENTENCE}{_CAP}[ ]){{1,2}})?(?:State[ ])?(?:{_HEAD}){_TAIL}"
    r"|General[ ]Assembly"
    # named by what it does or where it serves, with no "of": "Legislative Reference Bureau",
    # "South Bend Police Department", "Labor & Industry Review Commission", "Courthouse
    # News Service", "Racine Unified School District"
    rf"|(?P<named>(?:{_NOT_SENTENCE}{_CAP}[ ](?:&[ ])?){{2,4}})(?:{_NAMED_HEAD})(?![ ]of[ ])"
    rf"|(?:{_NOT_SENTENCE}{_CAP}[ ]){{1,3}}News[ ]Service)"
    r"(?![\w])"
)
#: Political parties, with the place they are organised in: "Choctaw County Republican
#: Party", "Republican Party of North Carolina", "the Libertarian Party".
_PARTY = re.compile(
    rf"(?<![\w.])(?:(?:{_SEAT})[ ])?(?:Democratic|Republican|Libertarian|Green|Constitution"
    rf"|Reform|Working[ ]Families|Conservative|Independence)[ ]Party"
    rf"(?:[ ]of[ ](?:the[ ])?(?:{_PLACE}|United[ ]States|America|{_CAP}[ ]County))?(?![\w])"
)
#: Inside a letterhead's run of names, where the next body starts: "U.S. Department of
#: Justice | Executive Office for Immigration Review".
_NEXT_BODY = re.compile(rf"[ ](?={_CAP}[ ](?:{_HEAD})[ ](?:of|for)[ ])")


#: An office named after the person holding it: "Office of Speaker Tim Moore".
_OFFICE_HOLDER = re.compile(
    r"\bof[ ](?:the[ ])?(?:Speaker|(?:Lieutenant[ ])?Governor|Mayor|Senator|Representative"
    r"|President|Attorney[ ]General|Secretary|Commissioner)[ ][A-Z][a-z]+[ ][A-Z]"
)


#: A party of a case named in prose or a citation: "FDA v. ...", "... v. FBI, 12 F.4th 1".
_CASE_NAME_AFTER = re.compile(r"[ ]*,?[ ]+vs?\.[ ]")
_CASE_NAME_BEFORE = re.compile(r"\bvs?\.[ ]+$")
_PARTY_ROLE_AFTER = re.compile(
    r",?\s*(?:Petitioner|Respondent|Plaintiff|Defendant|Appellant|Appellee)s?\b", re.IGNORECASE
)


def in_case_name(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is one side of a case's name ("X v. Y"): a body named
    there is the cited case's party (citation metadata), not an organisation of this text."""
    if _PARTY_ROLE_AFTER.match(text, end):
        return False  # "v. Commissioner of Internal Revenue, Respondent.": this caption's party
    return (
        _CASE_NAME_AFTER.match(text, end) is not None
        or _CASE_NAME_BEFORE.search(text, max(0, start - 4), start) is not None
    )


def names_a_holder(name: str) -> bool:
    """Whether ``name`` is an office named by its holder's name ("Office of Governor Roy
    Cooper"): the holder is a person, and the office no organisation of its own."""
    return _OFFICE_HOLDER.search(name) is not None


def names_a_place(name: str) -> bool:
    """Whether ``name`` (any case) holds a state's name: "DEMOCRACY NORTH CAROLINA"."""
    return _PLACE_WORDS.search(display_name(name)) is not None


def find_public_bodies(text: str) -> list[RawMention]:
    """Bodies named after their place or by their function: "Wake County Board of
    Elections", "State Board of Elections", "North Carolina Senate", "General Assembly",
    and political parties ("Choctaw County Republican Party")."""
    found = []
    for match in _BODY.finditer(text):
        start, raw = match.start(), match[0]
        before = re.search(r"(\S+)[ ]$", text[max(0, start - 30) : start])
        word = before[1] if before is not None else ""
        if match["pre"] and (
            word in ("of", "for") or (word[:1].isupper() and word.lower() not in LEADING_NOISE)
        ):
            # the words before the head end another name: "Executive Office for
            # Immigration Review Board of Immigration Appeals" is two bodies
            start = match.end("pre")
            raw = text[start : match.end()]
        if re.search(r"\bCourt\b", text[match.end() : match.end() + 7]):
            continue  # "Chilton County Office of Probate Court": a court's office
        if re.search(r"\b(?i:court)(?:[ ]+of|,)?[ ]+$", text[max(0, start - 20) : start]):
            continue  # "Superior Court of New Jersey Chancery Division": a court's part
        end = match.end()
        if re.search(r"['\u2019]s$", raw):
            tail = raw.rsplit(" of ", 1)[-1].split()
            if tail and tail[0].lower() in GIVEN_NAMES:
                continue  # "the Executive Board of Norman Seabrook's investment": a possessive
            end -= 2  # "Florida Department of Law Enforcement's report": the body's own
            raw = raw[:-2]
        elif re.search(r"s['\u2019]$", raw):
            end -= 1  # "the Department of Veterans Affairs' rules"
            raw = raw[:-1]
        if names_a_holder(text[match.start() : match.end() + 12]):
            continue
        if match["named"] and re.search(
            r"\b(?:an?|An?|any|each)[ ]$", text[max(0, start - 5) : start]
        ):
            continue  # "request an Administrative Separation Board": a kind of body, not one
        found.append(RawMention(EntityType.ORGANIZATION, start, end, raw, display_name(raw), 0.75))
    for match in _PARTY.finditer(text):
        if in_case_name(text, match.start(), match.end()):
            continue
        found.append(
            RawMention(EntityType.ORGANIZATION, match.start(), match.end(), match[0],
                       display_name(match[0]), 0.8)
        )  # fmt: skip
    return found


def cut_at_next_body(text: str, mention: RawMention) -> RawMention:
    """An organisation that runs into the next body of a letterhead, cut where that one
    starts ("U.S. Department of Justice Executive Office" is "U.S. Department of Justice")."""
    if mention.type is not EntityType.ORGANIZATION:
        return mention
    for cut in _NEXT_BODY.finditer(text, mention.start + 1, min(len(text), mention.end + 40)):
        before = text[mention.start : cut.start()]
        if mention.start < cut.start() < mention.end and re.search(rf"\b(?:{_HEAD})\b", before):
            raw = text[mention.start : cut.start()]
            return RawMention(mention.type, mention.start, cut.start(), raw, display_name(raw),
                              mention.confidence, dict(mention.attributes))  # fmt: skip
    return mention
