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
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.blocks import AGENCY, block_parties, reference_parties
from docbatch.pipeline.entities.bodies import (
    BODY_WORDS,
    cut_at_next_body,
    find_public_bodies,
    names_a_place,
)
from docbatch.pipeline.entities.names import (
    GIVEN_NAMES,
    LEADING_NOISE,
    NOT_NAME_WORDS,
    ORG_HEADS,
    ORG_SUFFIXES,
    display_name,
)

__all__ = ["find_parties"]

_TW = r"(?:Mc|Mac|O['\u2019]|D['\u2019])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_CW = r"(?:MC|MAC|O['\u2019])?[A-Z]{2,}(?:-[A-Z]{2,})?"
#: A surname may start with "St." or "Ste." ("Vanessa St. Pierre").
_SURNAME = rf"(?:Ste?\.[ ])?{_TW}"
_CAPS_SURNAME = rf"(?:STE?\.[ ])?{_CW}"
_INIT = r"[A-Z]\."
_GEN = r"(?:,?\s(?:Jr\.|Sr\.|JR\.|SR\.|II|III|IV)(?![\w]))?"
_PERSON = (
    rf"(?:(?:{_INIT}[ ])?{_TW}(?:[ ](?:{_INIT}|{_TW})){{0,2}}[ ]{_SURNAME}{_GEN}"
    rf"|(?:{_INIT}[ ])?{_CW}(?:[ ](?:{_INIT}|{_CW})){{0,2}}[ ]{_CAPS_SURNAME}{_GEN}"
    # a surname in capitals after given names in title case: "Matter of Enrique ALDAY-DOMINGUEZ"
    rf"|{_TW}(?:[ ](?:{_INIT}|{_TW})){{0,2}}[ ]{_CAPS_SURNAME}{_GEN})"
)
#: A word may be hyphenated over a line break ("Interna-\ntional").
_WORD = (
    r"(?:Ste?\.(?=[ ][A-Z])|[A-Z][A-Za-z'\u2019\-]*(?:(?<=[a-z]-)[ \t]*\n[ \t]*[a-z]+)?"
    r"|[A-Z]{2,}|\d+[A-Za-z]*)"
)
#: Initials that open a company name ("C. R. Bard, Inc.", "J. Crew Group, Inc.").
_INITIALS = r"(?:[A-Z]\.[ ]){1,3}"
#: "Grace, Tisdale & Clifton, P.A.": names before the "&" of a firm, joined by commas.
_FIRM_LIST = rf"(?:(?:{_WORD},[ ]){{1,4}}(?={_WORD}[ ]&[ ]))"
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
_ORG = re.compile(
    rf"(?<![\w.])(?:{_INITIALS}|{_FIRM_LIST})?(?:{_WORD}[ ](?:(?:&|of|OF|the|THE){_JOIN})?){{0,5}}"
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
    rf"(?<![\w.])(?:{_WORD}[ ](?:(?:&|of)[ ])?){{1,4}}"
    rf"(?:{'|'.join(h.title() for h in sorted(ORG_HEADS))})(?![\w])"
    # "Calvary Chapel of Bangor", "University of Texas at Austin"
    rf"(?:[ ]of[ ](?:the[ ])?{_TW}(?:[ ]{_TW}){{0,2}}(?:[ ]at[ ]{_TW}(?:[ ]{_TW})?)?(?![\w]))?"
    # a capital after it on the same line goes on with the name; on the next line only a
    # word that goes on a name does ("Standard Insurance\nCompany", "Texas Insurance\nCode")
    r"(?![ \t]+(?:of[ \t]+(?:the[ \t]+)?)?[A-Z])"
    rf"(?![ \t]*\n[ \t]*(?:{_CONTINUATION})(?![\w]))"
)
_ROLES = {
    "plaintiff": "plaintiff", "defendant": "defendant", "petitioner": "petitioner",
    "respondent": "respondent", "appellant": "appellant", "appellee": "appellee",
    "intervenor": "intervenor", "debtor": "debtor", "movant": "movant",
}  # fmt: skip
_ROLE_WORD = (
    r"(?P<role>Plaintiff|Defendant|Petitioner|Respondent|Appellant|Appellee|Intervenor"
    r"|Debtor|Movant)s?"
)
_CUE_BEFORE = re.compile(rf"\b{_ROLE_WORD}[ ]+(?=[A-Z])")
#: A caption's right-hand column, cut into the text line by line: ") No. 21-1",
#: "] Appeal from ...".
_COLUMN = r"(?:[ \t]*[)\]][^\n]*)?"
_CAPTION_ROLE = (
    r"(?i:plaintiff|defendant|petitioner|respondent|appellant|appellee|intervenor|debtor|movant)"
)
_CAPTION = re.compile(
    rf"^[ \t]*(?P<names>[^\n)\]]{{3,200}}?),?{_COLUMN}[ \t]*\n"
    rf"(?:[ \t]*[)\]][ \t]*\n)*[ \t]*"
    rf"(?P<role>{_CAPTION_ROLE})(?i:s)?(?:[ ]*[\u2014\u2013,-][ ]*(?P<second>(?i:appellant|appellee"
    r"|petitioner|respondent))(?i:s)?)?"
    r"(?:[ ]*\((?P<below>(?i:plaintiff|defendant))s?[ ](?i:below)\))?[,.]?"
    rf"{_COLUMN}[ \t]*$"
    rf"|^(?P<names2>[^\n]{{3,3000}}?),[ \t]*(?P<role2>{_CAPTION_ROLE})(?i:s)?"
    r"(?:[\u2014\u2013-](?P<second2>(?i:appellant|appellee|petitioner|respondent|intervenor))"
    r"(?i:s)?)?"
    r"[,.]?[ \t]*$",
    re.MULTILINE,
)
#: One name in a caption's list: "A", "B and C", "A; B".
_CAPTION_PART = re.compile(
    r"(?:(?:and|AND)[ ]+|;\s*)?(?P<p>[^\s;][^;]*?)(?=[ ]+(?:and|AND)[ ]+|;|$)"
)
_TITLE = re.compile(
    r"\b(?P<title>(?:Chief |Magistrate |District |Circuit )?Judge|Justice|Hon\.|Honorable|"
    rf"Mr\.|Ms\.|Mrs\.|Dr\.)[ ]+(?P<name>{_PERSON}|{_SURNAME})"
)
_JUDGE_AFTER = re.compile(
    rf"(?P<name>{_PERSON}),[ ]+(?:United[ ]States[ ](?:District|Magistrate|Circuit|Bankruptcy)"
    r"[ ]Judge|U\.S\.(?:D|M)\.J\.|(?:Senior[ ])?(?:Circuit|District)[ ]Judge|C?J\.)"
)
#: A government as a party of a caption: "STATE OF INDIANA", "United States of America",
#: "Commonwealth of Pennsylvania", "People of the State of New York".
_GOVERNMENT = re.compile(
    r"(?i:(?:the[ ])?(?:state|commonwealth|people[ ]of[ ]the[ ]state|city|county|town|village)"
    r"[ ]of[ ](?:[A-Z][a-z]+|[A-Z]+)(?:[ ](?:[A-Z][a-z]+|[A-Z]+)){0,2}"
    r"|united[ ]states(?:[ ]of[ ]america)?)"
)
#: A public office before a full name: "then-Secretary of State Trey Grayson", "Attorney
#: General Jeff Jackson".
_OFFICE_BEFORE = re.compile(
    r"\b(?P<title>Secretary[ ]of[ ]State|Attorney[ ]General|(?:Lieutenant[ ])?Governor|Senator"
    rf"|Representative|Mayor|Speaker)[ ]+(?P<name>{_PERSON})(?![\w])"
)
_CUED_PERSON = re.compile(rf"{_PERSON}|{_SURNAME}(?![\w.])")
_BARE_PERSON = re.compile(rf"(?<![\w.])(?P<name>{_PERSON})(?![\w])")


def find_parties(text: str, excluded: Sequence[tuple[int, int]] = ()) -> list[RawMention]:
    """People and organisations in ``text``, outside the ``excluded`` spans."""
    found: list[RawMention] = []
    found += _caption_parties(text)
    found += _inline_caption_parties(text)
    found += _cued_parties(text)
    found += _titled_people(text)
    found += _organisations(text)
    found += _bare_people(text)
    found += block_parties(text)
    found += find_public_bodies(text)
    found = [cut_at_next_body(text, m) for m in found]
    names = _Spans(excluded)
    kept = [m for m in _best(found) if not names.overlaps(m.start, m.end)]
    taken = _Spans([(m.start, m.end) for m in kept])
    # this case's own parties, even where the citation finder saw a cited case's name
    references = reference_parties(text)
    kept = [_with_reference_role(m, references) for m in kept]
    kept += [m for m in references if not taken.overlaps(m.start, m.end)]
    kept += _surname_aliases(text, kept, excluded)
    kept = _without_namesakes(text, _best(kept))
    return _full_names_for_cut_organisations(_full_names_for_surnames(kept))


def _without_namesakes(text: str, found: list[RawMention]) -> list[RawMention]:
    """ "Walter Reed" where the text names the "Walter Reed Army Medical Center": a name
    that the text also uses to begin an institution's name (words ending in a head noun such
    as "Center", "Hospital", "Society", maybe over a line break) is no person when only its
    shape made it one (no cue, role or title)."""
    heads = "|".join(h.title() for h in sorted(ORG_HEADS))
    kept = []
    for mention in found:
        if (
            mention.type is EntityType.PERSON
            and mention.confidence <= 0.7
            and not (mention.attributes.get("role") or mention.attributes.get("title"))
        ):
            name = r"[ ]".join(re.escape(w) for w in mention.text.split())
            pattern = rf"(?<![\w.]){name}(?:[ ]+[A-Z][a-z]+){{0,3}}[ ]*\n?[ ]*(?:{heads})(?![\w])"
            if re.search(pattern, text):
                continue
        kept.append(mention)
    return kept


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


def _full_names_for_surnames(people: list[RawMention]) -> list[RawMention]:
    """ "Ms. St. Pierre" after "Vanessa St. Pierre": the titled surname is her too."""
    full: dict[str, str] = {}
    for mention in people:
        words = mention.normalized.split()
        if mention.type is EntityType.PERSON and len(words) > 1 and mention.confidence >= 0.7:
            full.setdefault(_surname(words), mention.normalized)
    result = []
    for mention in people:
        name = full.get(mention.normalized)
        if mention.type is EntityType.PERSON and name is not None and name != mention.normalized:
            attributes = {**mention.attributes, "alias_of": name}
            mention = RawMention(
                mention.type, mention.start, mention.end, mention.text, name,
                mention.confidence, attributes,
            )  # fmt: skip
        result.append(mention)
    return result


def _surname(words: Sequence[str]) -> str:
    """The last name of a name's words, with its "St." ("St. Pierre", not "Pierre")."""
    surname = words[-1].rstrip(",")
    if len(words) > 2 and words[-2].lower() in ("st.", "ste."):
        surname = f"{words[-2]} {surname}"
    return surname


def _caption_parties(text: str) -> list[RawMention]:
    """Names on caption lines ending in ", Plaintiff," / ", Defendants." (also with the role
    on the next line, a ")" column beside it, "Appellant (Defendant Below)")."""
    found: list[RawMention] = []
    for match in _CAPTION.finditer(text):
        group = "names" if match["names"] is not None else "names2"
        words = [match[g] for g in ("role", "role2", "second", "second2", "below") if match[g]]
        roles = [_ROLES[w.lower().rstrip("s")] for w in words]
        # "Appellant (Defendant Below)": the role here is the first; the other is kept too
        role, other = roles[0], next((r for r in roles[1:] if r != roles[0]), "")
        start = match.start(group)
        if _caption_mentions(text, start, match.end(group), role)[-1:] == [None] or re.search(
            r"(?:^|[ ])[a-z]+[ \t]*\n[ \t]*$", text[max(0, start - 80) : start]
        ):
            # the last name is no name alone: it broke over the lines above
            start = _caption_start(text, start)
        for mention in _caption_mentions(text, start, match.end(group), role):
            if mention is not None and other:
                mention = RawMention(
                    mention.type, mention.start, mention.end, mention.text, mention.normalized,
                    mention.confidence, {**mention.attributes, "appeal_role": other},
                )  # fmt: skip
            if mention is not None:
                found.append(mention)
    return found


#: A Supreme Court caption gives the first party's role inline: "ABIGAIL NOEL FISHER,
#: PETITIONER v. UNIVERSITY / OF TEXAS AT AUSTIN ET AL." (the other side's name may go on
#: to a second line in capitals).
_INLINE_CAPTION = re.compile(
    r"^[ \t]*(?P<first>[A-Z][A-Z .,'\u2019&-]{2,150}?),[ ]+(?P<role>PETITIONERS?|APPELLANTS?)"
    r"[ ]+v\.[ ]+(?P<second>[A-Z][A-Z .,'\u2019&-]{1,150}?(?:[ \t]*\n[ \t]*[A-Z][A-Z .,'\u2019&-]"
    r"{1,150}?)?)[ \t]*$",
    re.MULTILINE,
)
_OTHER_SIDE = {"petitioner": "respondent", "appellant": "appellee"}


def _inline_caption_parties(text: str) -> list[RawMention]:
    """Both parties of an inline caption, the second with the role opposite the first's."""
    found = []
    for match in _INLINE_CAPTION.finditer(text):
        role = match["role"].lower().rstrip("s")
        for group, side in (("first", role), ("second", _OTHER_SIDE[role])):
            begin, stop = _strip_et_al(text, *match.span(group))
            mention = _classify(text, begin, stop, 0.95, side)
            if mention is not None:
                found.append(mention)
    return found


def _caption_mentions(text: str, start: int, end: int, role: str) -> list[RawMention | None]:
    """The names of a caption's list ("A, B and C; D"), each classified (None: no name)."""
    found = []
    for part in _CAPTION_PART.finditer(text[start:end]):
        for begin, stop in _caption_items(text, start + part.start("p"), start + part.end("p")):
            begin, stop = _strip_et_al(text, begin, stop)
            begin, stop = _strip_description(text, begin, stop)
            found.append(_classify(text, begin, stop, 0.95, role))
    return found


#: Where a caption's comma list goes on to its next name: a capital or "the" and a capital
#: ("DEMOCRACY NORTH CAROLINA, the League of Women Voters ..., John P. Clark, ..."), not a
#: suffix ("ACME, INC.", "JEFF CARMON, III") nor a description ("in his official capacity").
_NEXT_ITEM = re.compile(
    rf",[ ]+(?:and[ ]+)?(?:(?:the|The)[ ]+)?(?=[A-Z])(?!(?:{_SUFFIX_ANY}|Jr\.|Sr\.|JR\.|SR\.|II"
    r"|III|IV|Esq\.)(?![\w]))"
)
_MATTER_OF = re.compile(r"(?:In[ ]the[ ]Matter[ ]of|(?i:matter[ ]of)|In[ ]re)[ ]+")
_LEAD_WORD = re.compile(r"(?:(?:and|AND)[ ]+)?(?:(?:the|The)[ ]+)?")


def _caption_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The names of one part of a caption's list, split at its commas ("A, in his official
    capacity as X, B, C"), without "Matter of" and a leading "the"."""
    items, begin = [], start
    for cut in _NEXT_ITEM.finditer(text, start, end):
        items.append((begin, cut.start()))
        begin = cut.end()
    items.append((begin, end))
    result = []
    for begin, stop in items:
        while stop > begin and text[stop - 1] in " ,":
            stop -= 1
        lead = _MATTER_OF.match(text, begin, stop) or _LEAD_WORD.match(text, begin, stop)
        result.append((lead.end() if lead else begin, stop))
    return result


def _caption_start(text: str, start: int) -> int:
    """Where a caption's names begin: up to two lines above the role's line when the
    names broke over them ("Standard Insurance Company; Dearborn National Life /
    Insurance Company, / Defendants")."""
    for _ in range(2):
        if start == 0:
            break
        above_start = text.rfind("\n", 0, start - 1) + 1
        # a bracketed caption's column is no part of the name ("SYSTEM, ]")
        above = re.sub(r"[ \t]*[)\]][ \t]*$", "", text[above_start : start - 1]).strip()
        if (
            not re.fullmatch(r"[A-Za-z][A-Za-z ,;&.'\u2019-]*", above)
            or (above.endswith((",", ".", ":")) and not _suffix_line(text, start))
            or re.fullmatch(r"(?i)v\.?|vs\.?|versus|and", above)
        ):
            break
        start = above_start + len(text[above_start:start]) - len(text[above_start:start].lstrip())
    return start


def _suffix_line(text: str, start: int) -> bool:
    """Whether the line from ``start`` holds only a company suffix ("INC., ]"): the end of
    a name whose words are on the line above ("FEDEX GROUND PACKAGE SYSTEM,")."""
    end = text.find("\n", start)
    line = re.sub(r"[)\]].*$", "", text[start : end if end >= 0 else len(text)])
    return line.strip().rstrip(",").lower() in ORG_SUFFIXES


def _strip_description(text: str, start: int, end: int) -> tuple[int, int]:
    """ "LINDA HILL, survivor of Cecil Hunt" is Linda Hill; "DIRECTOR, OFFICE OF ..." is
    the office."""
    piece = text[start:end]
    tail = re.search(r",[ ]+(?=[a-z])", piece)
    if tail:
        end = start + tail.start()
    head = re.match(r"(?:DIRECTOR|Director|SECRETARY|Secretary|COMMISSIONER|Commissioner),[ ]+",
                    text[start:end])  # fmt: skip
    return (start + head.end(), end) if head else (start, end)


def _strip_et_al(text: str, start: int, end: int) -> tuple[int, int]:
    """ "MICHAEL TOFAUTE, et al." is Michael Tofaute."""
    match = re.search(r",?[ ]+(?:et[ ]+al\.?|ET[ ]+AL\.?)$", text[start:end])
    return (start, start + match.start()) if match else (start, end)


def _cued_parties(text: str) -> list[RawMention]:
    """ "Plaintiff Acme Holdings, Inc.", "Defendant John R. Smith"."""
    found: list[RawMention] = []
    for cue in _CUE_BEFORE.finditer(text):
        role = _ROLES[cue["role"].lower()]
        org = _ORG.match(text, cue.end())
        if org is not None:
            found.append(_org_mention(text, org.start(), org.end(), 0.95, role))
            continue
        person = _CUED_PERSON.match(text, cue.end())
        if person is not None and _plausible_person(person[0]):
            confidence = 0.9 if " " in person[0] else 0.7
            found.append(_person(text, person.start(), person.end(), confidence, role))
    return found


def _titled_people(text: str) -> list[RawMention]:
    """ "Judge Furman", "Ms. Owens", "Jesse M. Furman, United States District Judge"."""
    found: list[RawMention] = []
    for match in _TITLE.finditer(text):
        if _plausible_person(match["name"]):
            start, end = match.span("name")
            found.append(_person(text, start, end, 0.9, "", title=match["title"]))
    for match in _OFFICE_BEFORE.finditer(text):
        if _plausible_person(match["name"]):
            start, end = match.span("name")
            found.append(_person(text, start, end, 0.85, "", title=match["title"]))
    for match in _JUDGE_AFTER.finditer(text):
        start, end = _trim_leading(text, *match.span("name"))
        if end > start and _plausible_person(text[start:end]):
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
        if len(words) < 2 or not _plausible_person(name):
            continue
        if re.search(rf"[ ]{_INIT}[ ]", name):
            found.append(_person(text, start, end, 0.7, ""))
        elif words[0].lower() in GIVEN_NAMES:
            found.append(_person(text, start, end, 0.6, ""))
    return found


def _surname_aliases(
    text: str, people: Sequence[RawMention], excluded: Sequence[tuple[int, int]]
) -> list[RawMention]:
    """Bare surnames of people already found with good evidence ("Smith caused ...")."""
    by_surname: dict[str, str] = {}
    for mention in people:
        words = mention.normalized.split()
        if mention.type is EntityType.PERSON and mention.confidence >= 0.7 and len(words) > 1:
            by_surname.setdefault(_surname(words), mention.normalized)
    found: list[RawMention] = []
    taken = _Spans([(m.start, m.end) for m in people] + list(excluded))
    for surname, full in by_surname.items():
        for match in re.finditer(rf"(?<![\w.])({re.escape(surname)})(?![\w])(?!\s+v\.)", text):
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


def _classify(text: str, start: int, end: int, confidence: float, role: str) -> RawMention | None:
    """An organisation or a person for the whole of text[start:end], if it is one."""
    piece = _without_column(text[start:end])  # a name may break over lines
    if _GOVERNMENT.fullmatch(piece) or AGENCY.fullmatch(piece):
        return _org_mention(text, start, end, confidence, role)
    words = [w.strip(",.").lower() for w in piece.split()]
    if len(words) > 1 and (
        names_a_place(piece)
        or words[-1] in BODY_WORDS
        or (any(w in BODY_WORDS for w in words) and "of" in words)
    ):
        # "DEMOCRACY NORTH CAROLINA", "The NORTH CAROLINA STATE BOARD OF ELECTIONS"
        return _org_mention(text, start, end, confidence, role)
    # "CALVARY CHAPEL OF BANGOR": head nouns are matched in title case
    if (
        _ORG.fullmatch(piece)
        or _ORG_HEAD.fullmatch(piece)
        or _ORG_HEAD.fullmatch(display_name(piece))
    ):
        # "Insurance Company," alone is the last line of a name broken over two lines.
        if not _has_name_words(piece):
            return None
        return _org_mention(text, start, end, confidence, role)
    if re.fullmatch(_PERSON, piece) and _plausible_person(piece):
        return _person(text, start, end, confidence, role)
    return None


def _trim_leading(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading cue or sentence words ("The", "Plaintiff", "See") from a span."""
    while True:
        match = re.match(r"(\S+)[ ]+", text[start:end])
        # A bare number opens a numbered paragraph ("1 Gift Surplus, LLC operates ...").
        if match is None or not (match[1].lower() in LEADING_NOISE or match[1].isdigit()):
            return start, end
        start += match.end()


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
    match = re.match(rf"{_TW},[ ]", text[start:end])
    if match is None or "&" not in text[start + match.end() : end]:
        return start
    before = re.search(r"(?:^|[ ])(?P<w>[A-Z][a-z]+|[A-Z]\.)[ ]$", text[max(0, start - 30) : start])
    if before is not None and (before["w"].endswith(".") or before["w"].lower() in GIVEN_NAMES):
        return start + match.end()
    return start


def _has_name_words(name: str) -> bool:
    """An organisation needs a distinctive word besides its suffix and head noun."""
    words = [w.strip(",").lower() for w in name.split()]
    return any(
        w not in ORG_SUFFIXES and w not in ORG_HEADS and w not in NOT_NAME_WORDS
        and w not in LEADING_NOISE and w not in {"&", "and", "of", "the"}
        for w in words
    )  # fmt: skip


def _plausible_person(name: str) -> bool:
    words = [w.strip(",.").lower() for w in name.split()]
    return bool(words) and not any(w in NOT_NAME_WORDS or w in ORG_SUFFIXES for w in words)


def _person(
    text: str, start: int, end: int, confidence: float, role: str, title: str = ""
) -> RawMention:
    attributes = {key: value for key, value in (("role", role), ("title", title)) if value}
    end = _without_office(text, start, end)
    raw = text[start:end]
    return RawMention(EntityType.PERSON, start, end, raw, display_name(raw), confidence, attributes)


#: Words of an office that follow a name without a comma ("Hon. Alison Grimes Secretary of
#: State", "Timothy K. Moore General Counsel"): never the end of the name.
_OFFICE_WORDS = frozenset(
    {"secretary", "general", "attorney", "counsel", "chief", "director", "commissioner",
     "governor", "senator", "speaker", "president", "chair", "chairman", "member", "clerk",
     "solicitor", "deputy", "assistant", "executive", "investigator", "treasurer", "auditor"}
)  # fmt: skip


def _without_office(text: str, start: int, end: int) -> int:
    """Where a person's name ends when office words follow it in the same span."""
    words = list(re.finditer(r"\S+", text[start:end]))
    while len(words) > 2 and words[-1][0].strip(",.").lower() in _OFFICE_WORDS:
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
_COLUMN_BREAK = re.compile(r"[ \t]*[)\]][ \t]*\n")


def _without_column(raw: str) -> str:
    """A name broken over the lines of a bracketed caption, without the column between
    ("FEDEX GROUND PACKAGE SYSTEM, ]\nINC." is "FEDEX GROUND PACKAGE SYSTEM, INC.")."""
    raw = re.sub(r"(?<=[a-z])-[ \t]*\n[ \t]*(?=[a-z])", "", raw)  # "Interna-\ntional"
    return " ".join(_COLUMN_BREAK.sub(" ", raw).split())


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
