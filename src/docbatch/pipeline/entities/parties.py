"""People and organisations, offline: patterns, small gazetteers and context cues.

Evidence, strongest first (the confidence says which one a mention rests on):

- a caption line ("ACME HOLDINGS, INC., Plaintiff,") or a party cue ("Defendant John R.
  Smith"), which also gives the party's ``role``;
- a title ("Judge", "Mr.", "Jesse M. Furman, United States District Judge");
- an organisation suffix ("Inc.", "LLC", "N.A.") or head noun ("Bank", "Holdings");
- a name shape: "First M. Last", or a common given name followed by a surname;
- the bare surname of a person already found ("Smith" after "John R. Smith").

Case names in citations ("Bell Atlantic Corp. v. Twombly, 550 U.S. 544") are not party
mentions: the names are kept as the citation's plaintiff/defendant attributes, and the
spans are passed in as ``excluded`` so no person or organisation is reported there.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention, with_attributes
from docbatch.pipeline.entities.blocks import block_parties, reference_parties
from docbatch.pipeline.entities.bodies import (
    cut_at_next_body,
    find_public_bodies,
)
from docbatch.pipeline.entities.captions import _ROLES, caption_parties
from docbatch.pipeline.entities.court_names import STATE_NAME_PATTERN
from docbatch.pipeline.entities.dockets import ecf_filers, receipt_spans
from docbatch.pipeline.entities.gazetteer import find_national_bodies
from docbatch.pipeline.entities.names import (
    BUILDING_BY_NUMBER,
    BUILDING_HEAD,
    GIVEN_NAMES,
    NOT_NAME_WORDS,
    ORG_HEADS,
    alias_surnames,
    display_name,
    surname,
)
from docbatch.pipeline.entities.shapes import (
    _CW,
    _INIT,
    _INITIALS,
    _ORG,
    _ORG_HEAD,
    _PERSON,
    _SURNAME,
    _TW,
    _has_name_words,
    _org_mention,
    _person,
    _trim_leading,
    after_joined_party,
    person_before_company,
    plausible_person,
)
from docbatch.pipeline.entities.wraps import over_line_break, wrapped_people

__all__ = ["find_parties"]
_ROLE_WORD = (
    r"(?P<role>[Pp]laintiff|[Dd]efendant|[Pp]etitioner|[Rr]espondent|[Aa]ppellant|[Aa]ppellee"
    r"|[Ii]ntervenor|[Dd]ebtor|[Mm]ovant)s?"
)
_CUE_BEFORE = re.compile(rf"\b{_ROLE_WORD}[ ]+(?=[A-Z])")
_TITLE = re.compile(
    r"\b(?P<title>(?:Chief |Magistrate |District |Circuit )?Judge|Justice|Hon\.|Honorable|"
    # police witnesses by rank: "Officer Ronald Jenkins", "Detective Ruck", "Sgt. Lee"
    r"Officer|Detective|Sergeant|Sgt\.|Trooper|Patrolman|Corporal|Cpl\.|Investigator|"
    r"Lieutenant|Lt\.|Captain|Capt\.|Special[ ]Agent|"
    # a minute entry's court staff: "Spanish Interpreter Miguel Aguayo", "Court Reporter X"
    r"Interpreter|Court[ ]Reporter|Courtroom[ ]Deputy|Deputy[ ]Clerk|"
    rf"Mr\.|Ms\.|Mrs\.|Dr\.)[ ]+(?P<name>{_PERSON}|{_SURNAME})"
)
_JUDGE_AFTER = re.compile(
    rf"(?P<name>{_PERSON}),[ ]+(?:United[ ]States[ ](?:District|Magistrate|Circuit|Bankruptcy)"
    r"[ ]Judge|U\.S\.(?:D|M)\.J\.|(?:Senior[ ])?(?:Circuit|District)[ ]Judge|C?J\.)"
)
#: A public office before a full name: "then-Secretary of State Trey Grayson", "Attorney
#: General Jeff Jackson".
_OFFICE_BEFORE = re.compile(
    r"\b(?P<title>Secretary[ ]of[ ]State|Attorney[ ]General|(?:Lieutenant[ ])?Governor|Senator"
    rf"|Representative|Mayor|Speaker)[ ]+(?P<name>{_PERSON})(?![\w])"
)
_CUED_PERSON = re.compile(rf"{_PERSON}|{_SURNAME}(?![\w.])")
_BARE_PERSON = re.compile(rf"(?<![\w.])(?P<name>{_PERSON})(?![\w])")


#: The last word of a street's name ("1314 Douglas St.", "4804 Bryant Irvin Ct."): never
#: the last word of a person's.
_STREET_ENDS = frozenset(
    {"st", "dr", "ave", "blvd", "rd", "ln", "ct", "pl", "pkwy", "hwy", "ter", "cir", "trl",
     # spelled out: "100 Quentin Roosevelt Boulevard"
     # (not "Lane" or "Street": surnames too)
     "avenue", "boulevard", "drive", "road", "parkway", "highway"}
)  # fmt: skip
#: The head nouns of organisations that end no person's name ("George L. Brown
#: Insurance" is the start of an agency's name): all but those that are surnames too
#: ("Frank Church", "Jane Bank") or words of a name's end ("Smith Group").
_COMPANY_ENDS = ORG_HEADS - {
    "bank", "trust", "fund", "church", "chapel", "capital", "supply", "league", "center",
    "group", "partners", "associates",
}  # fmt: skip
#: A street's last word after a name: "4804 Bryant Irvin Ct.", "1314 Douglas Street".
_STREET_AFTER = re.compile(
    r"[ ](?:St|Dr|Ave|Blvd|Rd|Ln|Ct|Pkwy|Hwy|Street|Drive|Avenue|Boulevard|Road|Lane)\b"
)
#: A state and a ZIP code after a name, as after a city's: "Fort Worth, Texas 76115",
#: "Omaha, NE 68102".
_AFTER_CITY = re.compile(rf",[ ]+(?:{STATE_NAME_PATTERN}|[A-Z]{{2}})[ ]+\d{{5}}\b")


#: A kind of company, not a company: "a Texas Limited Liability Company", "a Delaware
#: corporation".
_ENTITY_FORM = re.compile(
    # (a docket's party notes: "a New York Corporation", "United Kingdom Limited Corporation")
    rf"(?i)(?:an?[ ])?(?:(?:{STATE_NAME_PATTERN}|United[ ]Kingdom)[ ])?"
    r"(?:(?:limited[ ]liability|professional|nonprofit"
    r"|non-profit|limited|general|business|mutual)[ ])*(?:company|corporation|partnership"
    r"|association)"
)


def _no_name(text: str, mention: RawMention) -> bool:
    """Whether a name is no name: a person's part of an address, a street ("1314 Douglas
    St.") or a city before its state and ZIP code ("Fort Worth, Texas 76115"), a building
    ("Four Embarcadero Center", "The William K. Nakamura Courthouse"), a kind of company
    ("Texas Limited Liability Company") or a docket's "PRO SE"."""
    if mention.type is EntityType.ORGANIZATION:
        return (
            _ENTITY_FORM.fullmatch(mention.normalized) is not None
            or _NUMBERED_BUILDING.fullmatch(mention.text) is not None
            # a building in an address: "The Curtis Center, Suite 540 West"
            or _SUITE_AFTER.match(text, mention.end) is not None
        )
    if mention.type is not EntityType.PERSON:
        return False
    last = mention.normalized.split()[-1].rstrip(".").lower()
    return (
        last in _STREET_ENDS
        or last in _COMPANY_ENDS
        or last in _PLACE_ENDS
        or mention.normalized.casefold() == "pro se"
        or _STREET_AFTER.match(text, mention.end) is not None
        or _BUILDING_AFTER.match(text, mention.end) is not None
        or _AFTER_CITY.match(text, mention.end) is not None
    )


#: A place's kind ends no person's name: "Scott Township", "Lackawanna County".
_PLACE_ENDS = frozenset({"township", "borough", "parish", "county", "village"})
#: A suite or a floor after a name: the name is a building's.
_SUITE_AFTER = re.compile(r",?[ ]+(?:Suite|Ste\.|Floor|Room)[ ]+\d")
#: A building by its number: "Four Embarcadero Center", "One Liberty Plaza".
_NUMBERED_BUILDING = re.compile(BUILDING_BY_NUMBER)
#: A building named after a person: "The William K. Nakamura Courthouse".
_BUILDING_AFTER = re.compile(rf"[ ](?:Federal[ ]|U\.[ ]?S\.[ ])?{BUILDING_HEAD}")


def find_parties(text: str, excluded: Sequence[tuple[int, int]] = ()) -> list[RawMention]:
    """People and organisations in ``text``, outside the ``excluded`` spans."""
    found: list[RawMention] = []
    found += caption_parties(text)
    found += _cued_parties(text)
    found += _titled_people(text)
    found += _inverted_names(text)
    found += _organisations(text)
    found += _bare_people(text)
    found += wrapped_people(text)
    found += block_parties(text)
    found += find_public_bodies(text)
    found += ecf_filers(text)
    found = [
        _after_possessive_role(_through_apostrophe(text, cut_at_next_body(text, m)))
        for m in found
    ]  # fmt: skip
    found = [over_line_break(text, m) for m in found]
    found += find_national_bodies(text)
    names = _Spans([*excluded, *receipt_spans(text)])
    # the document's own citation under its caption ("The People of the State of Colorado
    # v. Rojorlo Roy Naranjo\n(612 P.2d 1106)") names this case's parties, not a cited case's
    head = _Spans([*(span for span in excluded if span[1] > _body_start(text)),
                   *receipt_spans(text)])  # fmt: skip
    kept = [
        m for m in _best(found)
        if not (head if "role" in m.attributes else names).overlaps(m.start, m.end)
        and not _no_name(text, m)
    ]  # fmt: skip
    taken = _Spans([(m.start, m.end) for m in kept])
    # this case's own parties, even where the citation finder saw a cited case's name
    references = reference_parties(text)
    kept = [_with_reference_role(m, references) for m in kept]
    kept += [m for m in references if not taken.overlaps(m.start, m.end)]
    kept += _listed_people(text, kept)
    kept += _surname_aliases(text, kept, excluded)
    kept = _without_namesakes(text, _best(kept))
    return _full_names_for_cut_organisations(alias_surnames(kept))


def _body_start(text: str) -> int:
    """Where a document's body begins: its first line of more than 200 characters (the
    heading's caption, numbers and citations are shorter)."""
    match = re.search(r"(?m)^[^\n]{200}", text)
    return match.start() if match is not None else len(text)


#: The end of a word spelt with an inner apostrophe or okina ("Hawai'i", also with U+02BB),
#: not a possessive ("Smith's") or a quote's end.
_APOSTROPHE_TAIL = re.compile(r"['\u2019\u02bb](?![sS](?![\w]))[a-zA-Z]{1,3}(?![\w'\u2019])")


def _through_apostrophe(text: str, mention: RawMention) -> RawMention:
    """A name cut at an inner apostrophe ("University of Hawai" of "University of
    Hawai'i") takes the rest of its last word."""
    if mention.type not in (EntityType.PERSON, EntityType.ORGANIZATION):
        return mention
    if not (mention.end and text[mention.end - 1].isalpha()):
        return mention
    tail = _APOSTROPHE_TAIL.match(text, mention.end)
    if tail is None:
        return mention
    raw = text[mention.start : tail.end()]
    return replace(mention, end=tail.end(), text=raw, normalized=display_name(raw))


#: A party's role in the possessive before its name: "Defendant's Richmond National
#: Insurance Company", "Dismiss Plaintiff's 516, Inc." (and the words before it).
_POSSESSIVE_ROLE = re.compile(
    r"^(?:[^\n]*?[ ])?(?i:plaintiff|defendant|petitioner|respondent|appellant|appellee|debtor"
    r"|movant|intervenor)[sS]?['\u2019][sS]?[ ]+(?=\S)"
)


def _after_possessive_role(mention: RawMention) -> RawMention:
    """An organisation's name without a role in the possessive before it."""
    if mention.type is not EntityType.ORGANIZATION:
        return mention
    role = _POSSESSIVE_ROLE.match(mention.text)
    if role is None:
        return mention
    start = mention.start + role.end()
    raw = mention.text[role.end() :]
    return replace(mention, start=start, text=raw, normalized=display_name(raw))


def _without_namesakes(text: str, found: list[RawMention]) -> list[RawMention]:
    """ "Walter Reed" where the text names the "Walter Reed Army Medical Center": a name
    that the text also uses to begin an institution's name (words ending in a head noun such
    as "Center", "Hospital", "Society", maybe over a line break) is no person when only its
    shape made it one (no cue, role or title). A trust's settlor is a person of its own
    ("Theron L. Bryant" of the "Theron L. Bryant Revocable Trust")."""
    heads = "|".join(h.title() for h in sorted(ORG_HEADS - {"trust"}))
    kept = []
    for mention in found:
        if mention.type is EntityType.PERSON and not mention.attributes.get("title"):
            name = r"[ ]".join(re.escape(w) for w in mention.text.split())
            if mention.confidence <= 0.7 and not mention.attributes.get("role"):
                words = r"(?:[ ]+[A-Z][a-z]+){0,3}[ ]*\n?[ ]*"
                if re.search(rf"(?<![\w.]){name}{words}(?:{heads})(?![\w])", text):
                    continue
            # a company's short name after a role: "defendant Duke Energy" of "Duke Energy
            # Corporation" and "Duke Energy Carolinas, LLC"
            elif mention.attributes.get("role") and " " in mention.text:
                pattern = rf"(?<![\w.]){name}(?:[ ]+[A-Z][a-z]+)?,?[ ]+{_COMPANY_FORM}(?![\w])"
                if re.search(pattern, text):
                    continue
        kept.append(mention)
    return kept


#: A company's legal form, after its name.
_COMPANY_FORM = r"(?:Corporation|Company|Inc\.?|LLC|L\.L\.C\.|Corp\.|Ltd\.|LLP|L\.P\.)"


def _with_reference_role(mention: RawMention, references: Sequence[RawMention]) -> RawMention:
    """A party found on a "Re:" line by another rule takes the role the line gives it."""
    if mention.attributes.get("role"):
        return mention
    for reference in references:
        if reference.start < mention.end and mention.start < reference.end:
            return replace(
                mention, attributes={**mention.attributes, "role": reference.attributes["role"]}
            )
    return mention


def _full_names_for_cut_organisations(found: list[RawMention]) -> list[RawMention]:
    """ "Shake Operations Inc" (a line broke "Steak N / Shake") is the "Steak N Shake
    Operations Inc" found elsewhere: an organisation whose name ends another one's is it."""
    names = {m.normalized for m in found if m.type is EntityType.ORGANIZATION}
    result = []
    for mention in found:
        if mention.type is EntityType.ORGANIZATION:
            longer = sorted(
                (n for n in names if n.endswith(" " + mention.normalized)), key=len
            )  # fmt: skip
            if longer:
                attributes = {**mention.attributes, "alias_of": longer[0]}
                mention = RawMention(
                    mention.type, mention.start, mention.end, mention.text, longer[0],
                    mention.confidence, attributes,
                )  # fmt: skip
        result.append(mention)
    return result


def _cued_parties(text: str) -> list[RawMention]:
    """ "Plaintiff Acme Holdings, Inc.", "Defendant John R. Smith", and in prose the list
    after a plural ("against defendants Acme, LLC (Acme), Beta Capital, LLC, Ann Roe, and
    Bo Lee")."""
    found: list[RawMention] = []
    for cue in _CUE_BEFORE.finditer(text):
        role = _ROLES[cue["role"].lower()]
        counsel = _COUNSEL_AFTER_ROLE.match(text, cue.end())
        if counsel is not None:
            # a minute entry's "(Plaintiff Attorney Colin McDonald, AUSA)": the party's
            # counsel, not a party
            person = _CUED_PERSON.match(text, counsel.end())
            if person is not None and plausible_person(person[0]):
                mention = _person(text, person.start(), person.end(), 0.85, "")
                found.append(with_attributes(mention, counsel_for=cue["role"].capitalize()))
            continue
        # in prose the role word may be capitalised as a defined term: "On May 4, 2026,
        # Defendants City of Priceville, Sam Heflin, ..." (after a word on its line)
        prose = (
            cue["role"].islower()
            or re.search(r"[a-z0-9][,]?[ ]$", text[max(0, cue.start() - 3) : cue.start()])
            is not None
        )
        first = _cued_party(text, cue.end(), role, prose=cue["role"].islower())
        found += first
        if first and prose and cue[0].rstrip().endswith("s"):
            found += _cued_list(text, max(m.end for m in first), role)
    return found


#: "Attorney " after a role word: "(Defendant Attorney Chloe Dillon, FD)"; an office may
#: come first: "(Plaintiff Attorney AUSA, Colin McDonald)".
_COUNSEL_AFTER_ROLE = re.compile(r"(?:Attorney|Counsel)[ ]+(?:(?:AUSA|AFPD|FPD|CJA),[ ]+)?")


def _cued_party(text: str, start: int, role: str, *, prose: bool) -> list[RawMention]:
    """The party a role word names at ``start`` (a person may come first: "Ann Roe and
    Acme")."""
    found: list[RawMention] = []
    org = _ORG.match(text, start)
    if org is not None:
        begin = after_joined_party(text, org.start(), org.end())
        found.append(_org_mention(text, begin, org.end(), 0.95, role))
        if begin == org.start():
            return found
    person = _CUED_PERSON.match(text, start)
    if prose and (
        person is None or " " not in person[0] or re.match(r"\s+[A-Z]", text[person.end() :])
    ):
        # in prose ("defendant Norman Burnett, who") only a full name that ends there is
        # a party; "appellants Ideal Electronic\nSecurity Co." runs on into a company
        return found
    if person is not None and plausible_person(person[0]):
        confidence = 0.9 if " " in person[0] else 0.7
        found.insert(0, _person(text, person.start(), person.end(), confidence, role))
    return found


#: Between two parties of a list in prose, after a short name in brackets: "Acme, LLC
#: (Acme), Beta Capital, LLC, and Ann Roe".
_LIST_GAP = re.compile(
    r"(?:[ ]\([^()\n]{1,40}\))?(?:,(?:[ ]+|[ \t]*\n[ \t]*)(?:and[ ]+)?|[ ]+and[ ]+)"
)


def _cued_list(text: str, end: int, role: str) -> list[RawMention]:
    """The further parties of a list after a plural role word, up to the first item that
    is no full name or company (a word in lower case, a sentence's end)."""
    found: list[RawMention] = []
    while (gap := _LIST_GAP.match(text, end)) is not None:
        item = _cued_party(text, gap.end(), role, prose=True)
        if not item or min(m.start for m in item) != gap.end():
            break
        found += item
        end = max(m.end for m in item)
    return found


#: "Honorable Martin F. Egelhoff, Judge": "Judge" is the office of the name before it, and
#: the word after it no surname.
_HONORABLE_BEFORE = re.compile(r"\b(?:Honorable|Hon\.)[ ][^,\n]{3,40},[ ]$")
#: A judge titled in capitals: "Opinion by JUDGE SCHUTZ", "JUDGE TOW and JUDGE PAWAR concur".
_CAPITAL_JUDGE = re.compile(
    r"\b(?:JUDGE"
    # an author line: "JUSTICE HALL delivered the judgment of the court, with opinion."
    r"|JUSTICE(?=[ ]+[A-Z][A-Z'\u2019-]{2,}(?:[ ]+delivered|,?[ ]+(?:concurring|dissenting"
    r"|specially)|[ ]+and[ ]+JUSTICE)))"
    r"[ ]+(?P<name>[A-Z][A-Z'\u2019-]{2,})(?!\w)"
)


#: A docket's name, surname first: "SMITH, KYLE ANTONIO", "BOWER, ROBERT KENDALL" in
#: capitals, or in title case after "Judge:" or before a bar number ("Collins, April",
#: "Baillie,  Kendall (Bar #21004)").
_INVERTED = re.compile(
    r"(?<![\w,])(?P<last>[A-Z]{2,}(?:[-'\u2019][A-Z]{2,})?),[ \t]+(?P<given>[A-Z]{2,}"
    r"(?:[ \t]+[A-Z]{2,}|[ \t]+[A-Z]\b\.?)?)(?![\w,])(?![ \t]*,[ \t]*(?:and[ ]|[A-Z]{2,}))"
    # a panel in capitals: "LAVINE, SHELDON and BISHOP, Js."
    r"(?![ \t]+and[ \t]+[A-Z]{2,},[ \t]*(?:JJ|Js|C\.[ ]?J)\.)"
    r"|(?:(?<=Judge:[ ])|(?<=Judge:[ ]{2}))(?P<last2>[A-Z][a-z]+),[ \t]+(?P<given2>[A-Z][a-z]+)\b"
    r"|(?<![\w,])(?P<last3>[A-Z][a-z]+),[ \t]+(?P<given3>[A-Z][a-z]+(?:[ \t]+[A-Z]\.?)?)"
    r"(?=[ \t]*\(Bar[ ]#)"
)


def _inverted_names(text: str) -> list[RawMention]:
    """Names written surname first whose first given name is a known one."""
    found = []
    for match in _INVERTED.finditer(text):
        last = match["last"] or match["last2"] or match["last3"]
        given = match["given"] or match["given2"] or match["given3"]
        known = given.split()[0].lower() in GIVEN_NAMES or match["last2"]  # labelled a judge
        before = text[max(0, match.start() - 30) : match.start()].split()[-1:]
        if (
            not known
            or last.lower() in NOT_NAME_WORDS
            # "GREG FLYNN, GERRY COHEN, and ...": a list of names written given name first
            or (before and before[0].lower() in GIVEN_NAMES)
        ):
            continue
        end = match.end()
        words = given.split()
        if len(words) > 1 and words[-1].lower() in _FUNCTION_WORDS:
            # "ASSIGNED JUDGE OAKES, MARTHA TO THIS CASE": the sentence goes on
            words = words[:-1]
            end = text.rindex(words[-1], match.start(), end) + len(words[-1])
        name = display_name(f"{' '.join(words)} {last}")
        attributes = {"role": "judge"} if match["last2"] else {}
        found.append(
            RawMention(EntityType.PERSON, match.start(), end, text[match.start() : end], name,
                       0.8, attributes)
        )  # fmt: skip
    return found


#: Words of a sentence that may follow a name in capitals and are none of it.
_FUNCTION_WORDS = frozenset({"to", "of", "in", "at", "on", "by", "for", "and", "the", "is"})


def _titled_people(text: str) -> list[RawMention]:
    """ "Judge Furman", "Ms. Owens", "Jesse M. Furman, United States District Judge"."""
    found: list[RawMention] = []
    for match in _CAPITAL_JUDGE.finditer(text):
        if match["name"].lower() in NOT_NAME_WORDS:
            continue  # a docket's "MAGISTRATE JUDGE FINDINGS & RECOMMENDATION"
        start, end = match.span("name")
        found.append(_person(text, start, end, 0.85, "", title="Judge"))
    for match in _TITLE.finditer(text):
        if match["title"] == "Judge" and _HONORABLE_BEFORE.search(
            text, max(0, match.start() - 60), match.start()
        ):
            continue
        if plausible_person(match["name"]):
            start, end = match.span("name")
            found.append(_person(text, start, end, 0.9, "", title=match["title"]))
    for match in _OFFICE_BEFORE.finditer(text):
        if plausible_person(match["name"]):
            start, end = match.span("name")
            found.append(_person(text, start, end, 0.85, "", title=match["title"]))
    for match in _JUDGE_AFTER.finditer(text):
        start, end = _trim_leading(text, *match.span("name"))
        if end > start and plausible_person(text[start:end]):
            found.append(_person(text, start, end, 0.9, "judge"))
    return found


def _organisations(text: str) -> list[RawMention]:
    """Names ending in a legal suffix, or (weaker) in an organisation head noun."""
    found: list[RawMention] = []
    for pattern, confidence in ((_ORG, 0.85), (_ORG_HEAD, 0.65)):
        for match in pattern.finditer(text):
            start, end = _trim_leading(text, match.start(), match.end())
            start = _after_person_of(text, start, end)
            start = _after_listed_surname(text, start, end)
            start = after_joined_party(text, start, end)
            person = person_before_company(text, start, end)
            if person is not None:
                found.append(_person(text, *person, 0.75, ""))
                start = text.index("&", person[1]) + 2
            if _has_name_words(text[start:end]):
                found.append(_org_mention(text, start, end, confidence, ""))
    return found + _defined_bodies(text) + _defined_governments(text)


#: A government given a defined term: "the City of El Paso (the \u201cCity\u201d)".
_DEFINED_GOVERNMENT = re.compile(
    r"(?<![\w.])(?P<name>(?:City|County|State|Town|Village|Commonwealth)[ ]of[ ]"
    r"[A-Z][a-z]+(?:[ ][A-Z][a-z]+){0,2})[ ]\((?:the[ ])?[\u201c\"]"
)


def _defined_governments(text: str) -> list[RawMention]:
    """A city, county or state the document defines as a term is a party-like body."""
    return [
        _org_mention(text, *match.span("name"), 0.8, "")
        for match in _DEFINED_GOVERNMENT.finditer(text)
    ]


#: Head nouns of public bodies, boards and services ("Naval Discharge Review Board").
_BODY_HEADS = r"Board|Service|Command|Agency|Commission|Bureau|Administration|Authority|Activity"
#: A body named with the acronym it is known by: "Naval Discharge Review Board (NDRB)",
#: "Board for Correction of Naval Records (BCNR)".
_DEFINED_BODY = re.compile(
    r"(?<![\w.])(?P<name>[A-Z][a-z]+(?:[ ](?:(?:of|for|the|and)[ ])?[A-Z][a-z]+){1,6})"
    r"[ ]\((?P<acronym>[A-Z]{2,6})\)"
)


def _defined_bodies(text: str) -> list[RawMention]:
    """Bodies whose acronym is defined after their name and spells its capitalised words,
    when a word of the name is a body's head noun ("Service", "Board", "Command")."""
    found = []
    for match in _DEFINED_BODY.finditer(text):
        words = match["name"].split()
        initials = "".join(w[0] for w in words if w[0].isupper())
        acronym = match["acronym"]
        # the acronym spells the last len(acronym) capitalised words of the name
        if not initials.endswith(acronym) or not re.search(
            rf"\b(?:{_BODY_HEADS})\b", match["name"]
        ):
            continue
        capitals = [i for i, w in enumerate(words) if w[0].isupper()]
        first = capitals[len(capitals) - len(acronym)]
        start = match.start("name") + len(" ".join(words[:first])) + (1 if first else 0)
        found.append(_org_mention(text, start, match.end("name"), 0.8, ""))
    return found


def _bare_people(text: str) -> list[RawMention]:
    """ "First M. Last" (0.7) or a known given name and a surname (0.6), with no cue."""
    found: list[RawMention] = []
    for match in _BARE_PERSON.finditer(text):
        start, end = _trim_leading(text, *match.span("name"))
        name = text[start:end]
        words = name.split()
        if len(words) < 2 or not plausible_person(name):
            continue
        if re.search(rf"[ ]{_INIT}[ ]", name):
            found.append(_person(text, start, end, 0.7, ""))
        elif words[0].lower() in GIVEN_NAMES:
            found.append(_person(text, start, end, 0.6, ""))
    return found


#: Words of an office in a list of counsel ("Xavier Becerra, Attorney General, Gerald A.
#: Engler, Chief Assistant Attorney General"): an office there, not a name.
_OFFICE_WORDS = frozenset(
    {"attorney", "attorneys", "general", "solicitor", "assistant", "deputy", "acting", "chief",
     "senior", "special", "counsel", "judge", "justice", "clerk", "district", "county", "city",
     "state"}
)  # fmt: skip
#: Between two names of a list in prose: "Jerry Holmes, Woody Sanderson, and Jason Wigginton".
_NAME_LIST_GAP = re.compile(r",[ ]+(?:and[ ]+)?|[ ]+and[ ]+")


def _listed_people(text: str, kept: Sequence[RawMention]) -> list[RawMention]:
    """A name of a list in prose between two names that are people already: a given name
    no list knows ("Jerry Holmes, Woody Sanderson, and Jason Wigginton") is a person there
    (0.6)."""
    people = {(m.start, m.end) for m in kept if m.type is EntityType.PERSON}
    taken = _Spans([(m.start, m.end) for m in kept])
    names = [match.span("name") for match in _BARE_PERSON.finditer(text)]
    found: list[RawMention] = []
    run: list[tuple[int, int]] = []
    for span in [*names, (len(text) + 1, len(text) + 1)]:
        if run and _NAME_LIST_GAP.fullmatch(text, run[-1][1], span[0]) is not None:
            run.append(span)
            continue
        known = [index for index, item in enumerate(run) if item in people]
        for index, (start, end) in enumerate(run):
            name = text[start:end]
            if (
                len(known) >= 2 and known[0] < index < known[-1]  # between two people
                and not taken.overlaps(start, end) and plausible_person(name)
                and not _OFFICE_WORDS.intersection(name.lower().split())
            ):  # fmt: skip
                found.append(_person(text, start, end, 0.6, ""))
        run = [span]
    return found


def _surname_aliases(
    text: str, people: Sequence[RawMention], excluded: Sequence[tuple[int, int]]
) -> list[RawMention]:
    """Bare surnames of people already found with good evidence ("Smith caused ...")."""
    by_surname: dict[str, str] = {}
    for mention in people:
        words = mention.normalized.split()
        if mention.type is EntityType.PERSON and mention.confidence >= 0.7 and len(words) > 1:
            by_surname.setdefault(surname(words), mention.normalized)
    found: list[RawMention] = []
    taken = _Spans([(m.start, m.end) for m in people] + list(excluded))
    for last, full in by_surname.items():
        for match in re.finditer(rf"(?<![\w.])({re.escape(last)})(?![\w])(?!\s+v\.)", text):
            if not taken.overlaps(match.start(), match.end()):
                found.append(
                    RawMention(
                        EntityType.PERSON,
                        match.start(),
                        match.end(),
                        match[0],
                        full,
                        0.6,
                        {"alias_of": full},
                    )
                )
    return found


def _after_person_of(text: str, start: int, end: int) -> int:
    """Where the organisation starts in "<person> of <firm>" ("Christine M. Kroupa of
    Gordon Rees Scully Mansukhani, LLP"): after the "of", when what comes before it is
    one surname after an initial or a given name. "Bank of America, N.A." stays whole."""
    match = re.match(rf"(?P<initials>{_INITIALS})?(?P<surname>{_TW})[ ]of[ ]", text[start:end])
    if match is None:
        return start
    before = text[max(0, start - 30) : start]
    given = re.search(r"(?:^|[ ])(?P<w>[A-Z][a-z]+|[A-Z]\.)[ ]$", before)
    after_name = given is not None and (
        given["w"].endswith(".") or given["w"].lower() in GIVEN_NAMES
    )
    return start + match.end() if match["initials"] or after_name else start


def _after_listed_surname(text: str, start: int, end: int) -> int:
    """Where a firm starts in a comma-run counsel list: "Peter A. Patterson, Cooper & Kirk,
    PLLC" is the firm after the surname of the person before it (an initial or a given name
    stands before that surname)."""
    match = re.match(rf"(?:{_TW}|{_CW}),[ ]", text[start:end])  # "Geoffrey N. FIEGER, Fieger, ..."
    if match is None or "&" not in text[start + match.end() : end]:
        return start
    before = re.search(r"(?:^|[ ])(?P<w>[A-Z][a-z]+|[A-Z]\.)[ ]$", text[max(0, start - 30) : start])
    if before is not None and (before["w"].endswith(".") or before["w"].lower() in GIVEN_NAMES):
        return start + match.end()
    return start


class _Spans:
    """Answers "does this span overlap any of these spans?" in O(log n)."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        # reach[i] is the furthest end among the first i + 1 spans: a span (s, e)
        # overlaps one of them iff some span starting before e ends after s.
        self.reach = list(itertools.accumulate((end for _, end in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self.starts, end) - 1
        return index >= 0 and self.reach[index] > start


def _best(mentions: Sequence[RawMention]) -> list[RawMention]:
    """One mention per stretch of text: organisations over people, then longer, then
    more confident; a role found by any of the overlapping candidates is kept."""
    ranked = sorted(
        mentions,
        key=lambda m: (m.type is not EntityType.ORGANIZATION, -(m.end - m.start), -m.confidence),
    )
    kept: list[RawMention] = []  # non-overlapping, sorted by start (hence by end)
    for mention in ranked:
        index = bisect.bisect_left([k.start for k in kept], mention.start)
        clash = next(
            (
                k
                for k in kept[max(0, index - 1) : index + 1]
                if k.start < mention.end and mention.start < k.end
            ),
            None,
        )
        if clash is None:
            kept.insert(index, mention)
        elif mention.attributes.get("role") and not clash.attributes.get("role"):
            merged = {**clash.attributes, "role": mention.attributes["role"]}
            kept[kept.index(clash)] = RawMention(
                clash.type, clash.start, clash.end, clash.text, clash.normalized,
                max(clash.confidence, mention.confidence), merged,
            )  # fmt: skip
    return kept
