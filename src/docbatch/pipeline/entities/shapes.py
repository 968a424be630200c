"""The shapes of names: the patterns that make a span a person or an organisation, and
the mention builders the party finders share.

A person is "First M. Last" (also in capitals, led by an initial, or with a surname in
capitals after given names); an organisation ends in a legal suffix ("Inc.", "LLP") or a
head noun ("Bank", "Society"). The finders of :mod:`~docbatch.pipeline.entities.parties`
and :mod:`~docbatch.pipeline.entities.captions` use these.
"""

from __future__ import annotations

import re

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.names import (
    ENTRY_VERBS,
    GIVEN_NAMES,
    LEADING_NOISE,
    LOWER,
    NOT_NAME_WORDS,
    ORG_HEADS,
    ORG_SUFFIXES,
    UPPER,
    display_name,
    person_name,
)

#: Private shapes shared by the party finders; nothing here is public API.
__all__: list[str] = []

#: A word of a name in title case; a surname may have a capital inside ("McDonald",
#: "DeGraff", "LaRue", "DiNapoli").
#: A name word in title case; a typeset line may break it with a hyphen ("Massen-\nburg").
_TW = (
    rf"(?:Mc|Mac|O['\u2019]|D['\u2019]|De|Di|Da|Du|La|Le)?[{UPPER}][{LOWER}]+"
    rf"(?:-[{UPPER}][{LOWER}]+|-[ \t]*\n[ \t]*[a-z]{{2,}})?"
)
_CW = rf"(?:MC|MAC|O['\u2019])?[{UPPER}]{{2,}}(?:-[{UPPER}]{{2,}})?"
#: A surname may start with "St." or "Ste." ("Vanessa St. Pierre").
_SURNAME = rf"(?:Ste?\.[ ])?{_TW}"
_CAPS_SURNAME = rf"(?:STE?\.[ ])?{_CW}"
_INIT = r"[A-Z]\."
_PLACE_INITIALS = r"(?:U\.[ ]S\.|D\.[ ]C\.|N\.[ ]Y\.|[NS]\.[ ][EW]\.|L\.[ ]A\.|S\.[ ]F\.)"
_GEN = r"(?:,?\s(?:Jr\.|Sr\.|JR\.|SR\.|II|III|IV)(?![\w]))?"
#: A middle initial whose period a docket or a scan dropped: "Raymond L Merrill".
_MIDDLE = r"(?:[A-Z]\.|[A-Z](?=[ ][A-Z][a-z]))"
_PERSON = (
    rf"(?:(?:{_INIT}[ ])?{_TW}(?:[ ](?:{_MIDDLE}|{_TW})){{0,2}}[ ]{_SURNAME}{_GEN}"
    rf"|(?:{_INIT}[ ])?{_CW}(?:[ ](?:{_INIT}|{_CW})){{0,2}}[ ]{_CAPS_SURNAME}{_GEN}"
    # a surname in capitals after given names in title case: "Matter of Enrique ALDAY-DOMINGUEZ"
    rf"|{_TW}(?:[ ](?:{_INIT}|{_TW})){{0,2}}[ ]{_CAPS_SURNAME}{_GEN}"
    # initials only before the surname, as old reports name counsel: "H. D. McDonald" (not a
    # reporter's or a place's initials: "S. W. Rep.", "D. C. Code")
    rf"|(?!{_PLACE_INITIALS}){_INIT}[ ]{_INIT}(?:[ ]{_INIT})?[ ]{_SURNAME}{_GEN})"
)
#: A word may be hyphenated over a line break ("Interna-\ntional").
_WORD = (
    rf"(?:Ste?\.(?=[ ][A-Z])|[{UPPER}][{UPPER}{LOWER}'\u2019\-]*"
    r"(?:(?<=[a-z]-)[ \t]*\n[ \t]*[a-z]+)?"
    rf"|[{UPPER}]{{2,}}|\d+[A-Za-z]*"
    # a place or a kind in brackets inside a company's name: "Platinum Management (NY) LLC"
    r"|(?<=[a-z][ ])\([A-Z]{2,4}\)(?=[ ][A-Z]))"
)
#: Initials that open a company name ("C. R. Bard, Inc.", "J. Crew Group, Inc.").
_INITIALS = r"(?:(?:[A-Z]\.[ ]){1,3}|(?:[A-Z]\.){2,3}[ ])"  # "C. R. Bard", "J.C. Penney"
#: "Grace, Tisdale & Clifton, P.A.": names before the "&" of a firm, joined by commas.
_FIRM_LIST = rf"(?:(?:{_WORD},[ ]){{1,4}}(?={_WORD},?[ ]&[ ]))"  # "Ralls, Wille, & Coomer, P.C."
#: "Texas Insurance Code", "Investment Company Act": a law, not the organisation.
_NOT_A_LAW = (
    r"(?!\s+(?:Code|Act|Acts|Law|Laws|Rule|Rules|Statute|Statutes|Regulation|Regulations"
    r"|Clause|Amendment)(?![\w]))"
)
#: "Berkshire Life Insurance Company of America", "Insurance Company of North America".
_OF_PLACE = (
    r"(?:[ ](?:of|OF)[ ](?:the[ ]|THE[ ])?(?:America|AMERICA|North[ ]America|NORTH[ ]AMERICA"
    r"|United[ ]States|UNITED[ ]STATES|New[ ]York|NEW[ ]YORK|[A-Z][a-z]+|[A-Z]{3,})(?![ ]?[\w&]))?"
)
_SUFFIX = "|".join(re.escape(s) for s in sorted(ORG_SUFFIXES.values(), key=len, reverse=True))
_SUFFIX_ANY = rf"(?:{_SUFFIX}|{_SUFFIX.upper()})"
#: After "&" or "of" a firm's name may go on on the next line ("Kilpatrick Townsend &
#: <newline> Stockton LLP").
_JOIN = r"(?:[ ]|[ ]*\n[ ]*)"
#: A person's name with its initials opening a firm's: "John L. Barlow & Associates".
_NAMED_FOR = r"(?:[A-Z][a-z]+[ ](?:[A-Z]\.[ ]){1,2}(?=[A-Z][a-z]+[ ]&[ ]))"
_ORG = re.compile(
    # (not from a surname after its initial: "Grant D.\nWille, Ralls, Wille, & Coomer, P.C.")
    rf"(?<![\w.])(?<![A-Z]\.[ \n])(?:{_INITIALS}|{_FIRM_LIST}|{_NAMED_FOR})?"
    rf"(?:{_WORD}(?:,(?=[ ]&))?[ ](?:(?:&|of|OF|the|THE|and|AND){_JOIN})?){{0,5}}"
    rf"{_WORD}(?:,?[ ]{_SUFFIX_ANY}(?![\w]))+{_OF_PLACE}{_NOT_A_LAW}"
)
#: Words that carry a name on over a line break.
_CONTINUATION = "|".join(
    [re.escape(s) for s in ORG_SUFFIXES.values()]
    + [h.title() for h in sorted(ORG_HEADS)]
    + ["Code", "Act", "Law", "Laws", "Rules?", "Statutes?", "of", "&"]
)
#: A head noun must end the name: "Texas Insurance Code", "National Council of the
#: Churches" and "Rescission of Insurance Policies" name no organisation that ends there.
_ORG_HEAD = re.compile(
    # a person's given name and initial may open it: "Theron L. Bryant Revocable Trust"
    rf"(?<![\w.])(?:{_TW}[ ](?:{_INIT}[ ]){{1,2}}(?=[A-Z]))?(?:{_WORD}[ ](?:(?:&|of)[ ])?){{1,4}}"
    rf"(?:{'|'.join(h.title() for h in sorted(ORG_HEADS))})(?![\w])"
    # "Calvary Chapel of Bangor", "University of Texas at Austin", "Reporters Committee for
    # Freedom of the Press"
    rf"(?:(?:[ ]of[ ](?:the[ ])?{_TW}(?:[ ]{_TW}){{0,2}}"
    rf"|[ ]for[ ](?:the[ ])?{_TW}(?:[ ](?:of[ ](?:the[ ])?)?{_TW}){{0,2}})"
    rf"(?:[ ]at[ ]{_TW}(?:[ ]{_TW})?)?(?![\w]))?"
    # a capital after it on the same line goes on with the name, unless a column's gap
    # (a tab, three spaces) comes first; on the next line only a word that goes on a name
    # does ("Standard Insurance\nCompany", "Texas Insurance\nCode")
    r"(?![ ]{1,2}(?:of[ \t]+(?:the[ \t]+)?)?[A-Z])"
    rf"(?![ \t]*\n[ \t]*(?:{_CONTINUATION})(?![\w]))"
)


#: An office held in a company, before its name: "President of Platinum Management LLC".
_OFFICE_OF = re.compile(
    r"(?:Vice[ -])?(?P<office>President|Chairman|Chairwoman|Chair|CEO|Founder|Co-[Ff]ounder"
    r"|Owner|Shareholder|Manager|Employee|Partner|Officer|Director|Principal|Member)s?"
    r"[ ]of[ ](?:the[ ])?(?=[A-Z])"
)


#: Roles joined by hyphens or slashes, as captions write them ("Appellee-Appellee",
#: "Plaintiff/Appellant-Appellant", "Defendants-Respondents").
_ROLE_CHAIN = re.compile(
    r"(?i)(?:plaintiff|defendant|appellant|appellee|petitioner|respondent|intervenor|movant)s?"
    r"(?:[-/](?:plaintiff|defendant|appellant|appellee|petitioner|respondent|intervenor"
    r"|movant|cross|counter)s?)+,?"
)


#: The opening words of a paper's title quoted in the text ("Order Granting Defendants
#: University of Hawai'i and ...'s Motion"): the party named after them is the name.
_PAPER_TITLE = re.compile(
    r"(?:Order|ORDER|Judgment|JUDGMENT|Motion|MOTION|Memorandum|MEMORANDUM|Notice|NOTICE"
    r"|Stipulation|STIPULATION)(?:[ ](?:and|AND)[ ][A-Z][a-z]+)?[ ]"
    r"(?:Granting|GRANTING|Denying|DENYING|Dismissing|DISMISSING|Approving|APPROVING"
    r"|Affirming|AFFIRMING|Vacating|VACATING|Regarding|REGARDING)[ ]"
    r"(?:(?:in|IN)[ ](?:Part|PART|part)[ ])?(?=[A-Z])"
)


def _trim_leading(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading cue or sentence words ("The", "Plaintiff", "See") and an office held in
    the company ("President of") from a span."""
    while True:
        office = _OFFICE_OF.match(text, start, end) or _PAPER_TITLE.match(text, start, end)
        if office is not None:
            start = office.end()
            continue
        match = re.match(r"(\S+)[ ]+", text[start:end])
        # A bare number opens a numbered paragraph ("1 Gift Surplus, LLC operates ...").
        word = match[1] if match is not None else ""
        if match is None or not (
            word.lower() in LEADING_NOISE or word.isdigit() or _ROLE_CHAIN.fullmatch(word)
        ):
            return start, end
        start += match.end()


def after_joined_party(text: str, start: int, end: int) -> int:
    """Where a company's name begins when "and" stands in it: "Global Finance and Investment
    Company, Inc." is one name, but in "Ann Roe and Acme Widget Corp.", "Smith and Acme
    Corp." or "Acme, Inc. and Defendant Zenith LLC" the words before "and" are another
    party (a person, one word, a complete company), and a cue after it is no part of it."""
    joined = re.search(r"[ ](?:and|AND)[ ]", text[start:end])
    if joined is None:
        return start
    before = text[start : start + joined.start()].split()
    first = before[0].strip(",.").lower() if before else ""
    person_like = first in GIVEN_NAMES or any(re.fullmatch(r"[A-Z]\.", w) for w in before)
    complete = bool(before) and before[-1].lower() in ORG_SUFFIXES  # "Acme, Inc. and ..."
    if len(before) < 2 or person_like or complete:
        return _trim_leading(text, start + joined.end(), end)[0]
    return start


#: "Paulette Bernard & Koehler & Isaacs, LLP", "John Reeves & Fairbanks Gold Co., LLC": a
#: person (a known given name, maybe an initial, a surname) and a company of two or more
#: words joined by "&", as a caption lists two parties; "Davis Polk & Wardwell LLP" (one
#: word after the "&") stays one firm.
_PERSON_AND_COMPANY = re.compile(
    r"(?P<person>(?P<given>[A-Z][a-z]+)(?:[ ][A-Z]\.)?[ ](?:Mc|Mac|O['\u2019])?[A-Z][a-z]+)"
    # "John L. Barlow & Associates Advertising, Inc.", "& Sons": the person names the firm
    r"[ ]&[ ](?!(?:Associates|Sons|Partners|Brothers|Company|Co\.)(?![\w]))"
    r"(?P<company>[A-Z][\w'\u2019]*(?:[ ](?:&[ ])?[A-Z][\w'\u2019]*)+,?[ ].*)"
)


def person_before_company(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the person that opens an organisation's span when the span is a person
    "&" a company (see ``_PERSON_AND_COMPANY``); None otherwise."""
    match = _PERSON_AND_COMPANY.fullmatch(text, start, end)
    if match is None or match["given"].lower() not in GIVEN_NAMES:
        return None
    return match.span("person")


def _has_name_words(name: str) -> bool:
    """An organisation needs a distinctive word besides its suffix and head noun."""
    words = [w.strip(",").lower() for w in name.split()]
    return any(
        w not in ORG_SUFFIXES and w not in ORG_HEADS and w not in NOT_NAME_WORDS
        and w not in LEADING_NOISE and w not in {"&", "and", "of", "the"}
        for w in words
    )  # fmt: skip


def plausible_person(name: str) -> bool:
    words = [w.strip(",.").lower() for w in name.split()]
    return bool(words) and not any(
        w in NOT_NAME_WORDS or w in ORG_SUFFIXES
        or (len(w) >= 8 and w.endswith("ally"))  # a docket's "OCIS HAS AUTOMATICALLY ASSIGNED"
        for w in words
    )  # fmt: skip


def _person(
    text: str, start: int, end: int, confidence: float, role: str, title: str = ""
) -> RawMention:
    attributes = {key: value for key, value in (("role", role), ("title", title)) if value}
    end = _without_office(text, start, end)
    raw = text[start:end]
    return RawMention(
        EntityType.PERSON, start, end, raw, person_name(_without_column(raw)), confidence,
        attributes,
    )  # fmt: skip


#: Words of an office that follow a name without a comma ("Hon. Alison Grimes Secretary of
#: State", "Timothy K. Moore General Counsel"): never the end of the name.
_OFFICE_WORDS = frozenset(
    {"secretary", "general", "attorney", "counsel", "chief", "director", "commissioner",
     "governor", "senator", "speaker", "president", "chair", "chairman", "member", "clerk",
     "solicitor", "deputy", "assistant", "executive", "investigator", "treasurer", "auditor"}
)  # fmt: skip


def _without_office(text: str, start: int, end: int) -> int:
    """Where a person's name ends when office words, or a docket entry's next verb ("by
    Judge John A. Houston Rejecting Document"), follow it in the same span."""
    words = list(re.finditer(r"\S+", text[start:end]))
    while len(words) > 2 and words[-1][0].strip(",.").lower() in _OFFICE_WORDS | ENTRY_VERBS:
        words.pop()
    return start + words[-1].end() if words else end


def _org_mention(text: str, start: int, end: int, confidence: float, role: str) -> RawMention:
    raw = text[start:end]
    attributes = {"role": role} if role else {}
    return RawMention(
        EntityType.ORGANIZATION, start, end, raw, display_name(_without_column(raw)),
        confidence, attributes,
    )  # fmt: skip


#: The right-hand column of a bracketed caption at a line's end ("SYSTEM, ]").
_COLUMN_BREAK = re.compile(r"(?:[ \t]*[)\]])+[ \t]*\n")


def _without_column(raw: str) -> str:
    """A name broken over the lines of a bracketed caption, without the column between
    ("FEDEX GROUND PACKAGE SYSTEM, ]\nINC." is "FEDEX GROUND PACKAGE SYSTEM, INC.")."""
    raw = re.sub(r"(?<=[a-z])-[ \t]*\n[ \t]*(?=[a-z])", "", raw)  # "Interna-\ntional"
    return " ".join(_COLUMN_BREAK.sub(" ", raw).split())
