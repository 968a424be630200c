"""Caption parties: the names a caption lists with their roles.

"ACME HOLDINGS, INC., Plaintiff," (the role also on the next line, beside a ")" column),
a comma list of parties with their capacities ("MARK LANE, in his official capacity as
..., PETER ROE IV, ... Defendants."), "Matter of X, Respondent" and a Supreme Court
caption with the role inline ("X, PETITIONER v. Y ET AL."). Each name is classified as a
person or an organisation with the shapes of :mod:`~docbatch.pipeline.entities.shapes`.
"""

from __future__ import annotations

import dataclasses
import re

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.blocks import AGENCY
from docbatch.pipeline.entities.bodies import BODY_WORDS, names_a_place
from docbatch.pipeline.entities.gazetteer import find_national_bodies
from docbatch.pipeline.entities.names import (
    GIVEN_NAMES,
    NOT_NAME_WORDS,
    ORG_SUFFIXES,
    display_name,
)
from docbatch.pipeline.entities.shapes import (
    _ORG,
    _ORG_HEAD,
    _PERSON,
    _SUFFIX_ANY,
    _has_name_words,
    _org_mention,
    _person,
    _without_column,
    person_before_company,
    plausible_person,
)
from docbatch.pipeline.entities.unstated_courts import cited_state

__all__ = ["caption_parties", "is_transcript", "transcript_view"]


def caption_parties(text: str) -> list[RawMention]:
    """The parties of every caption of ``text``, each with the role the caption gives."""
    view = _caption_view(text)
    found = (
        _caption_parties(view) + _inline_caption_parties(view) + _in_error_parties(view)
        + _of_whom_parties(view) + _one_line_parties(view) + _prosecution_parties(view)
        + _reporter_title_parties(view)
    )  # fmt: skip
    # each mention's text as written, its drawn column included; a page header's document
    # number after a wide gap is no part of a name ("Burgess v. Greater Cleveland Regional
    # Transit Authority        Doc. 38")
    found = [_without_document_number(text, m) for m in found]
    return [dataclasses.replace(m, text=text[m.start : m.end]) for m in found]


_DOCUMENT_NUMBER = re.compile(r"[ \t]{4,}(?:Doc(?:ument)?\.?|DktEntry:?)[ ]*\d+[ \t]*$")


def _without_document_number(text: str, mention: RawMention) -> RawMention:
    number = _DOCUMENT_NUMBER.search(text, mention.start, mention.end)
    if number is None:
        return mention
    raw = text[mention.start : number.start()]
    return dataclasses.replace(
        mention, end=number.start(), text=raw, normalized=display_name(" ".join(raw.split()))
    )


#: A caption's column drawn with box characters ("┐", "│", "┘" and a ">" alone at the
#: line's end), as the Sixth Circuit's slip opinions draw it.
_DRAWN_COLUMN = re.compile(r"[\u2500-\u257f]|(?<=[ \t])>(?=[ \t]*$)", re.MULTILINE)
#: A caption's right-hand column set off by spaces alone, after a name's or a role's comma
#: or period: "UNITED STATES OF AMERICA ,          No. 09-10139".
_SPACED_COLUMN = re.compile(r"(?<=[,.][ ])[ ](?=[ ]{6,}\S)")
#: The fill characters the Eighth Circuit's slips print before a role
#: ("lllllllllllllllllllPlaintiff - Appellee").
_FILL = re.compile(r"l{6,}")


#: A transcript's line number, at the start of each of its numbered lines (1 to 25).
_LINE_NUMBER = re.compile(r"^[ ]?\d{1,2}(?=[ ]{2,}\S|[ ]*$)", re.MULTILINE)
#: A transcript caption's column of colons: "HUMAN SERVICES, ET AL.,          :".
_COLON_COLUMN = re.compile(r"(?<=\S)(?P<gap>[ ]{6,}):(?=[ ]*(?:\S[^\n]*)?$)", re.MULTILINE)
#: The blank line of a double-spaced transcript.
_DOUBLE_SPACING = re.compile(r"\n(?=[ \t]*\n)")


def _caption_view(text: str) -> str:
    """``text`` with every caption column written as a typed caption's ")" column and
    fill characters as spaces; a transcript also loses its line numbers and its double
    spacing. The same length, so offsets stay those of ``text``."""
    text = _DRAWN_COLUMN.sub(")", text)
    text = _SPACED_COLUMN.sub(")", text)
    text = _FILL.sub(lambda match: " " * len(match[0]), text)
    if is_transcript(text):
        text = transcript_view(text)
        text = _COLON_COLUMN.sub(lambda match: match["gap"] + ")", text)
        text = _DOUBLE_SPACING.sub(" ", text)
    return text


def is_transcript(text: str) -> bool:
    """Whether ``text`` is a transcript with numbered lines (twenty near its top)."""
    return len(_LINE_NUMBER.findall(text, 0, 4000)) >= 20


def transcript_view(text: str) -> str:
    """A transcript's text without its line numbers (spaces in their place)."""
    return _LINE_NUMBER.sub(lambda match: " " * len(match[0]), text)


#: A criminal case's caption with no roles, at the top: "Commonwealth vs. Willie Furr.",
#: "STATE OF OHIO v. JOHN ROE", "The People v. Ann Lee": the government prosecutes (the
#: plaintiff), the other side is the defendant.
_PROSECUTION = re.compile(
    r"^[ \t]*(?P<gov>(?:The[ ]|THE[ ])?(?:Commonwealth|COMMONWEALTH|State|STATE|People|PEOPLE)"
    r"(?:[ ](?i:of)[ ](?:(?i:the)[ ](?i:state)[ ](?i:of)[ ])?"
    r"(?P<state>[A-Z][A-Za-z]+(?:[ ][A-Z][A-Za-z]+)?))?)"
    # the sides may stand on lines of their own: "STATE of Connecticut\nv.\nAnthony DYOUS."
    r"(?:[ ]+|[ \t]*\n[ \t]*)(?:v\.|vs\.|V\.|VS\.|versus)(?:[ ]+|[ \t]*\n[ \t]*)"
    r"(?P<other>[^\n,;]{3,120}?)\.?[ \t]*$",
    re.MULTILINE,
)
#: The heading a caption stands in.
_CAPTION_AREA = 1500


def _prosecution_parties(text: str) -> list[RawMention]:
    """The government and the defendant of a roleless criminal caption at the top. A bare
    "Commonwealth" or "State" is named for the state whose reports the opinion cites most
    (a project holds many states; "State" alone would make them one entity), and left out
    when no state stands out."""
    match = _PROSECUTION.search(text, 0, _CAPTION_AREA)
    if match is None or re.search(rf"(?i),?[ ]{_CAPTION_ROLE}s?$", match["other"]):
        return []
    found = [m for m in _caption_mentions(text, *match.span("other"), "defendant") if m]
    state = match["state"] and display_name(match["state"])
    government = _government(text, *match.span("gov"), state, "plaintiff")
    return [*found, government] if government is not None else found


_BARE_GOVERNMENT = re.compile(
    r"(?:(?i:the)[ ])?(?:Commonwealth|COMMONWEALTH|State|STATE|People|PEOPLE)"
)


def _government(text: str, start: int, end: int, state: str | None, role: str) -> RawMention | None:
    """The government a caption names ("The STATE", "Commonwealth of Virginia"), named for
    the state whose reports the text cites most when it gives none; None when none does."""
    written = " ".join(text[start:end].split())
    kind = re.sub(r"(?i)^the[ ]", "", written).split()[0].capitalize()
    state = state or cited_state(text)
    if state is None:
        return None
    name = f"People of the State of {state}" if kind == "People" else f"{kind} of {state}"
    return RawMention(EntityType.ORGANIZATION, start, end, text[start:end], name, 0.9,
                      {"role": role})  # fmt: skip


#: A reporter's title line in capitals, first in the text, with no roles: "PERMANENT
#: MISSION OF INDIA TO THE UNITED NATIONS et al. v. CITY OF NEW YORK" (the Caselaw Access
#: Project's Supreme Court opinions).
#: The sides may stand on lines of their own ("ROBERT A. HANSEN FAMILY TRUST\nv.\nFGH
#: INDUSTRIES, LLC.", Michigan's reports).
#: In mixed case the sides stand on lines of their own ("Darlee Frith Shelton FOWLKES\nv.\n
#: Winford Calvin FOWLKES.", Virginia's) or on one ("The Home Insurance Company of New York
#: v. John Kirk, for use of William Kirk.", an old Illinois report's).
_REPORTER_TITLE = re.compile(
    r"\A\s*(?:(?P<first>[A-Z][A-Z0-9 .,'\u2019&-]{2,200}?)(?:,?[ ]et[ ]al\.)?"
    r"(?:[ ]|[ \t]*\n[ \t]*)v\.(?:[ ]|[ \t]*\n[ \t]*)"
    r"(?P<second>[A-Z][A-Z0-9 .,'\u2019&-]{2,200}?)(?:,?[ ]et[ ]al\.)?\.?[ \t]*\n"
    r"|(?:The[ ])?(?P<first2>[A-Z][A-Za-z0-9 .,'\u2019&-]{2,200}?)[ \t]*\n[ \t]*v\.[ \t]*\n[ \t]*"
    r"(?P<second2>[A-Z][A-Za-z0-9 .,'\u2019&-]{2,200}?)\.?[ \t]*\n"
    # on one line, names with no comma (none of a capacity: "X, Adm'r, &c."); an old
    # report's use plaintiff after them: "John Kirk, for use of William Kirk."
    r"|(?:The[ ])?(?P<first3>[A-Z][A-Za-z0-9 .'\u2019&-]{2,200}?)[ ]v\.[ ]"
    r"(?P<second3>[A-Z][A-Za-z0-9 .'\u2019&-]{2,200}?)(?:,[ ]for[ ]use[ ]of[ ][^\n,]{3,80}?)?"
    r"\.?[ \t]*\n)"
)
#: Which side of a reporter's title is which, by the counsel's words: the first party
#: named petitions or appeals.
_SIDES = (
    (re.compile(r"\bfor[ ](?:the[ ])?petitioners?\b"), "petitioner", "respondent"),
    (re.compile(r"\bfor[ ](?:the[ ])?appellants?\b"), "appellant", "appellee"),
    (re.compile(r"\bfor[ ](?:the[ ])?plaintiffs?\b"), "plaintiff", "defendant"),
)


def _reporter_title_parties(text: str) -> list[RawMention]:
    """The two sides of a reporter's title line, with the roles its counsel paragraphs
    give them; a government's criminal case is read by :func:`_prosecution_parties`."""
    match = _REPORTER_TITLE.match(text)
    if (
        match is None
        or _PROSECUTION.match(text, max(match.start(f"first{n}") for n in ("", "2", "3")))
        or re.search(rf"\b{_CAPTION_ROLE}S?\b", match[0], re.IGNORECASE)
    ):
        return []  # a caption that gives its roles is read by the readers above
    first, second = next(((a, b) for pattern, a, b in _SIDES if pattern.search(text)), ("", ""))
    found = []
    groups = next(
        (f"first{n}", f"second{n}") for n in ("", "2", "3") if match[f"first{n}"] is not None
    )
    for group, role in zip(groups, (first, second), strict=True):
        piece = match[group]
        listed = [m for m in _caption_mentions(text, *match.span(group), role) if m is not None]
        if len(listed) > 1:  # "STANCO MASONRY, INCORPORATED and Amerisure Mutual Insurance ..."
            found += listed
            continue
        mention = _classify(text, *match.span(group), 0.9, role)
        if mention is None and len(piece.split()) > 1 and not _INITIALS_ONLY.fullmatch(piece):
            # a name in capitals that no shape reads is a body ("PERMANENT MISSION OF INDIA")
            mention = _org_mention(text, *match.span(group), 0.85, role)
        if mention is not None:
            found.append(mention)
    return found


#: A caption's appellant among the parties listed above: "Tina Roe, Gene Roe, Defendants,
#: / of whom Tina Roe is Appellant." (South Carolina's reports).
_OF_WHOM = re.compile(
    r"^[ \t]*of[ ]+whom[ ]+(?P<names>[^\n]{3,300}?)[ ]+(?:is|are)[ \t\u00a0]+"
    r"(?P<role>(?i:appellant|appellee|petitioner|respondent))s?[.,]?[ \t\u00a0]*$",
    re.MULTILINE,
)


def _of_whom_parties(text: str) -> list[RawMention]:
    """The parties an "of whom X is Appellant." line names, with that role."""
    found = []
    for match in _OF_WHOM.finditer(text):
        role = _ROLES[match["role"].lower()]
        found += [m for m in _caption_mentions(text, *match.span("names"), role) if m is not None]
    return found


_ROLES = {
    "plaintiff": "plaintiff", "defendant": "defendant", "petitioner": "petitioner",
    "respondent": "respondent", "appellant": "appellant", "appellee": "appellee",
    "intervenor": "intervenor", "debtor": "debtor", "movant": "movant",
}  # fmt: skip
#: A caption's right-hand column, cut into the text line by line: ") No. 21-1",
#: "] Appeal from ...".
_COLUMN = r"(?:[ \t]*[)\]][^\n]*)?"
_CAPTION_ROLE = (
    r"(?i:plaintiff|defendant|petitioner|respondent|appellant|appellee|intervenor|debtor|movant)"
)
_CAPTION = re.compile(
    # never counsel's "..., for / Appellant." or "on behalf of / Petitioners." broken over
    # the lines
    rf"^[ \t]*(?P<names>[^\n)\]]{{3,200}}?)(?<=\S)(?<!\bfor)(?<!\bfor[ ]the)(?<!\bof)"
    rf",?{_COLUMN}[ \t]*\n"
    rf"(?:[ \t]*(?:[)\]][ \t]*)?\n)*[ \t]*"
    # the role below may come second: Indiana's "Appellant-Defendant"
    # California's "Plaintiff and Respondent"
    rf"(?P<role>{_CAPTION_ROLE})(?i:s)?(?:(?:[ ]*[\u2014\u2013,-][ ]*|[ ]+and[ ]+)"
    r"(?P<second>(?i:appellant|appellee|petitioner|respondent|plaintiff|defendant))(?i:s)?)?"
    # "Appellants/Cross-Appellees"
    r"(?:[ ]*/[ ]*(?i:cross-)?(?i:appellant|appellee|petitioner|respondent)s?)?"
    r"(?:[ ]*\((?P<below>(?i:plaintiff|defendant))s?[ ](?i:below)\))?[,.]?"
    rf"{_COLUMN}[ \t]*$"
    # the role may stand apart, padded with no-break spaces (an HTML caption's "&nbsp;")
    rf"|^(?P<names2>[^\n]{{3,3000}}?),[ \t\u00a0]*(?:(?i:nominal)[ ])?"
    rf"(?P<role2>{_CAPTION_ROLE})(?i:s)?"
    r"(?:(?:[\u2014\u2013-]|[ ]and[ ])"
    r"(?P<second2>(?i:appellant|appellee|petitioner|respondent|intervenor|plaintiff|defendant))"
    r"(?i:s)?)?"
    # the same parties' roles in a cross-appeal: "Plaintiffs-Appellants/Cross-Appellees,"
    r"(?:[ ]*/[ ]*(?i:cross-)?(?i:appellant|appellee|petitioner|respondent)s?)?"
    # a footnote's mark after the role: "TOWN OF MERRIMAC, Plaintiff-Appellant,\u2020"
    r"[,.]?[\u2020\u2021*]?[ \t\u00a0]*$",
    re.MULTILINE,
)
#: The end of one group of a caption line that names two: ", Defendants. and ".
_ROLE_AND = re.compile(rf",[ \t\u00a0]*(?P<role>{_CAPTION_ROLE})(?i:s)?\.[ \t]+and[ \t]+")
#: A role inside a caption line, before the others' "et al.": ", Appellants, et al.".
_ROLE_ET_AL = re.compile(rf",[ ]+(?P<role>{_CAPTION_ROLE})(?i:s)?,[ ]+(?:et[ ]+al\.?|ET[ ]+AL\.?)$")
#: One name in a caption's list: "A", "B and C", "A; B".
_CAPTION_PART = re.compile(
    # "AND" at a line's end breaks one name ("DEPARTMENT OF HEALTH AND / HUMAN SERVICES")
    r"(?:(?:and|AND)[ ]+|;\s*)?(?P<p>[^\s;][^;]*?)(?=[ ]+(?:and|AND)[ ]+(?=[A-Za-z])|;|$)"
)
#: A government as a party of a caption: "STATE OF INDIANA", "United States of America",
#: "Commonwealth of Pennsylvania", "People of the State of New York".
_GOVERNMENT = re.compile(
    r"(?i:(?:the[ ])?(?:state|commonwealth|people[ ]of[ ]the[ ]state|city|county|town|village)"
    r"[ ]of[ ](?:[A-Z][a-z]+|[A-Z]+)(?:[ ](?:[A-Z][a-z]+|[A-Z]+)){0,2}"
    r"|united[ ]states(?:[ ]of[ ]america)?)"
)


#: Both sides of a caption on one line, each with its role: "Estate of Agnes C. Robinson,
#: National Savings and Trust Company, Executor, Petitioner, v. Commissioner of Internal
#: Revenue, Respondent." (the Tax Court's and old reporters' style), or the first side's
#: role opening the line of "v." and the second side running on over a few lines:
#: "Ronald D. ROCKSTAD, and White Swan, Inc., / Appellants v. GLOBAL FINANCE / INVESTMENT
#: COMPANY, INC., an Alaska / Corporation, Appellee.".
_ONE_LINE = re.compile(
    rf"^[ \t]*(?P<first>[^\n]{{3,600}}?),(?:[ \t]+|[ \t]*\n[ \t]*)(?P<r1>{_CAPTION_ROLE})(?i:s)?"
    # the role on appeal after the role below: "Tina WESTER, Plaintiff-Appellant, v. ..."
    rf"(?:-(?P<a1>{_CAPTION_ROLE})(?i:s)?)?,?"
    r"[ \t]+(?:v\.|vs\.|versus|V\.)(?:[ \t]+|[ \t]*\n[ \t]*)"
    rf"(?P<second>[^\n]{{3,600}}?(?:\n[^\n]{{1,300}}?){{0,3}}?),[ \t]*"
    # the role may go to the next line, after a footnote's number: "v. K.S.,\n1\nDEFENDANT."
    rf"(?:\n[ \t]*(?:\d{{1,2}}[ \t]*\n[ \t]*)?)?(?P<r2>{_CAPTION_ROLE})"
    rf"(?i:s)?(?:-(?P<a2>{_CAPTION_ROLE})(?i:s)?)?[.,]?[ \t]*$",
    re.MULTILINE,
)


def _one_line_parties(text: str) -> list[RawMention]:
    found: list[RawMention] = []
    for match in _ONE_LINE.finditer(text):
        for group, word, appeal in (("first", match["r1"], match["a1"]),
                                    ("second", match["r2"], match["a2"])):  # fmt: skip
            role = _ROLES[word.lower().rstrip("s")]
            for mention in _caption_mentions(text, *match.span(group), role):
                if mention is not None and appeal:
                    attributes = {**mention.attributes, "appeal_role": appeal.lower().rstrip("s")}
                    mention = dataclasses.replace(mention, attributes=attributes)
                if mention is not None:
                    found.append(mention)
    return found


def _caption_parties(text: str) -> list[RawMention]:
    """Names on caption lines ending in ", Plaintiff," / ", Defendants." (also with the role
    on the next line, a ")" column beside it, "Appellant (Defendant Below)")."""
    found: list[RawMention] = []
    for match in _CAPTION.finditer(text):
        group = "names" if match["names"] is not None else "names2"
        if group == "names2" and _ONE_LINE.match(text, match.start()):
            continue  # both sides on one line: read by _one_line_parties
        if group == "names2" and re.search(r"[,)]\s+for\s+[A-Z]", match[group]):
            continue  # counsel "..., for X and another, respondents.": an appearance
        inner = _ROLE_AND.search(text, match.start(group), match.end(group))
        if group == "names2" and inner is not None:
            # "A, B, Defendants. and C, Nominal Defendant.": two groups of names on one line
            groups = ((match.start(group), inner.start(), inner["role"]),
                      (inner.end(), match.end(group), match["role2"]))  # fmt: skip
            for start, end, word in groups:
                role = _ROLES[word.lower().rstrip("s")]
                found += [m for m in _caption_mentions(text, start, end, role) if m is not None]
            continue
        words = [match[g] for g in ("role", "role2", "second", "second2", "below") if match[g]]
        roles = [_ROLES[w.lower().rstrip("s")] for w in words]
        # "Appellant (Defendant Below)": the role here is the first; the other is kept too
        role, other = roles[0], next((r for r in roles[1:] if r != roles[0]), "")
        start, end = match.start(group), match.end(group)
        inner = _ROLE_ET_AL.search(text, start, end)
        if group == "names2" and inner is not None:
            # New York's "BLEEKER JONES LLC et al., Appellants, et al., Defendants.": the names
            # before the inner role have it; the others ("et al.") the last
            role, other, end = _ROLES[inner["role"].lower()], "", inner.start()
        if None in _caption_mentions(text, start, end, role) or re.search(
            r"(?:^|[ ])[a-z]+[ \t]*\n[ \t]*$", text[max(0, start - 80) : start]
        ):
            # a name of the list is no name alone: it broke over the lines above
            start = _caption_start(text, start)
        for mention in _caption_mentions(text, start, end, role):
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


#: An old reporter's caption of two sides in capitals, each maybe with an office and "et
#: al.": "REAGAN, United States Marshal, et al.\nv.\nAIKEN et al."
_SIDE = r"[A-Z][A-Z'\u2019&.-]+(?:[ ][A-Z][A-Z'\u2019&.-]+){0,6}"
_STACKED_CAPTION = re.compile(
    rf"^[ \t]*(?P<first>{_SIDE})(?:,[^\n]*|[ ]+et[ ]al\.?)?[ \t]*\n"
    r"[ \t]*(?:v\.|vs\.|V\.|VS\.)[ \t]*\n"
    rf"[ \t]*(?P<second>{_SIDE})(?:,[^\n]*|[ ]+et[ ]al\.?)?[ \t]*$",
    re.MULTILINE,
)
_IN_ERROR = re.compile(r"(?i)\bfor[ ]+(?:the[ ]+)?plaintiffs?[ ]+in[ ]+error\b")


def _in_error_parties(text: str) -> list[RawMention]:
    """A writ of error's caption: its first side is the plaintiff in error, its second the
    defendant in error (read only when counsel appear "for plaintiff in error")."""
    if _IN_ERROR.search(text) is None:
        return []
    match = _STACKED_CAPTION.search(text, 0, 2500)
    if match is None:
        return []
    found = []
    for group, role in (("first", "plaintiff in error"), ("second", "defendant in error")):
        start, end = match.span(group)
        mention = _classify(text, start, end, 0.9, role)
        alone = " " not in text[start:end] and text[start:end].lower() not in NOT_NAME_WORDS
        if mention is None and alone:
            mention = _person(text, start, end, 0.85, role)  # a surname alone
        if mention is not None:
            found.append(mention)
    return found


def _caption_mentions(text: str, start: int, end: int, role: str) -> list[RawMention | None]:
    """The names of a caption's list ("A, B and C; D"), each classified (None: no name)."""
    found: list[RawMention | None] = []
    for part_start, part_end in _caption_part_spans(text, start, end):
        items = _caption_items(text, part_start, part_end)
        pieces = [(n, piece) for item in items for n, piece in enumerate(_trade_names(text, *item))]
        for trade_name, (begin, stop) in pieces:
            begin, stop = _strip_et_al(text, begin, stop)
            begin, stop = _strip_description(text, begin, stop)
            if _capacity(text[begin:stop]):
                found.append(None)  # "COLORADO RECEIVER": the capacity of the name before
                continue
            if _BARE_GOVERNMENT.fullmatch(text, begin, stop):  # "The STATE, Petitioner,"
                found.append(_government(text, begin, stop, None, role))
                continue
            person = person_before_company(text, begin, stop)
            if person is not None:  # "Paulette Bernard & Koehler & Isaacs, LLP": two parties
                found.append(_person(text, *person, 0.95, role))
                begin = text.index("&", person[1]) + 2
            mention = _classify(text, begin, stop, 0.95, role)
            if trade_name and mention is not None and mention.type is EntityType.PERSON:
                # the name a business trades under ("d/b/a Plaza Cleaners") is no person's
                mention = _org_mention(text, begin, stop, 0.95, role)
            found.append(mention)
    return found


#: A professional's degree after the name ("Paul G. KLEINMAN, M.D."): no name of its own.
_DEGREES = r"(?:M\.[ ]?D\.|Ph\.[ ]?D\.|D\.[ ]?O\.|D\.[ ]?D\.[ ]?S\.|R\.[ ]?N\.|D\.[ ]?V\.[ ]?M\.)"
#: Where a caption's comma list goes on to its next name: a capital or "the" and a capital
#: ("DEMOCRACY NORTH CAROLINA, the League of Women Voters ..., John P. Clark, ..."), not a
#: suffix ("ACME, INC.", "JEFF CARMON, III") nor a description ("in his official capacity").
_NEXT_ITEM = re.compile(
    # (a list stacked one name a line: "CITY OF WEST FRANKFORT,\nTIMOTHY C. ARVIEW, and\n")
    r",(?:[ ]+|[ \t]*\n[ \t]*)(?:and[ \t]*\n?[ \t]*)?(?:(?:the|The)[ ]+)?(?=[A-Z])"
    rf"(?!(?:{_SUFFIX_ANY}|Jr\.|Sr\.|JR\.|SR\.|II|III|IV|Esq\.|{_DEGREES})(?![\w]))"
)
_MATTER_OF = re.compile(r"(?:In[ ]the[ ]Matter[ ]of|(?i:matter[ ]of)|In[ ]re)[ ]+")
_LEAD_WORD = re.compile(r"(?:(?:and|AND)[ ]+)?(?:(?:the|The)[ ]+)?")


#: Between a party's legal name and the name it trades under: "RICHMOND SERVICES, INC. dba
#: RICHMOND NATIONAL INSURANCE COMPANY", "516 Inc., dba DG Plumbing".
_TRADE_NAME = re.compile(
    r",?[ ]+(?:dba|DBA|d/b/a|D/B/A|doing[ ]business[ ]as|DOING[ ]BUSINESS[ ]AS|a/k/a|A/K/A"
    r"|f/k/a|F/K/A)[ ]+"
)


def _trade_names(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The names of one caption item: a legal name and the names it trades under, each
    one name of the same party."""
    pieces, begin = [], start
    for match in _TRADE_NAME.finditer(text, start, end):
        pieces.append((begin, match.start()))
        begin = match.end()
    return [*pieces, (begin, end)]


#: A body's name up to an "and" that joins two objects of its "of": "MISSOURI DEPARTMENT OF
#: LABOR" (and "INDUSTRIAL RELATIONS"), "Department of Health" (and "Human Services").
_BODY_OF = re.compile(
    r"(?i:\b(?:department|division|board|commission|office|bureau|council|committee|agency"
    r"|administration|ministry|secretary)[ ]+of[ ]+(?:the[ ]+)?[A-Za-z]+)$"
)


def _caption_part_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of a caption's list between "and"s and semicolons, an "and" inside a
    body's name ("Department of Labor and Industrial Relations") kept in it."""
    spans: list[tuple[int, int]] = []
    for part in _CAPTION_PART.finditer(text[start:end]):
        begin, stop = start + part.start("p"), start + part.end("p")
        joined = text[begin:stop]
        if (
            spans
            and _BODY_OF.search(text, *spans[-1])
            and re.match(r"[ ]+(?:and|AND)[ ]+", text[spans[-1][1] : begin + 1] + " ")
            and "," not in joined
            and len(joined.split()) <= 3
            and joined.split()[0].lower() not in GIVEN_NAMES
        ):
            spans[-1] = (spans[-1][0], stop)
            continue
        spans.append((begin, stop))
    return spans


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


#: A line of a court's heading above a caption, never a party's name: "UNITED STATES
#: DISTRICT COURT", "NORTHERN DISTRICT OF NEW YORK", "DISTRICT OF MAINE", "ALBANY DIVISION"
#: (a party's line ends with a comma: "DISTRICT OF COLUMBIA,").
_COURT_HEADING_LINE = re.compile(
    r"(?i:\bcourt\b)|^(?i:northern|southern|eastern|western|middle|central)[ ]+(?i:district)\b"
    r"|\b(?i:division)$|^(?i:district[ ]+of)[ ]+[A-Za-z ]+$"
)


def _caption_start(text: str, start: int) -> int:
    """Where a caption's names begin: up to two lines above the role's line when the
    names broke over them ("Standard Insurance Company; Dearborn National Life /
    Insurance Company, / Defendants")."""
    for lines_up in range(6):
        line_start = text.rfind("\n", 0, start)  # the names may be indented
        if line_start <= 0:
            break
        above_start = text.rfind("\n", 0, line_start) + 1
        # a bracketed caption's column is no part of the name ("SYSTEM, ]")
        above = re.sub(r"(?:[ \t]*[)\]])+[ \t]*$", "", text[above_start:line_start]).strip()
        # a list in capitals stacked one party a line: "CITY OF WEST FRANKFORT,\nTIMOTHY C.
        # ARVIEW, and\nTHAD SNELL,\n\nDefendants."
        stacked = (
            above.isupper()
            and above.endswith(",")
            and not re.search(rf"\b(?i:{_CAPTION_ROLE})s?,$", above)
        )
        if (lines_up >= 2 and not stacked) or _COURT_HEADING_LINE.search(above):
            break  # "UNITED STATES DISTRICT COURT / NORTHERN DISTRICT OF NEW YORK": the court's
        if (
            not re.fullmatch(r"[A-Za-z][A-Za-z ,;&.'\u2019-]*", above)
            or (
                above.endswith((",", ".", ":"))
                and not stacked
                and not _suffix_line(text, start)
                # "DAVID R. / BRIGHT": a name broken after its initial
                and not re.search(r"(?:^|[ ;,])[A-Z]\.$", above)
            )
            or re.fullmatch(r"(?i)v\.?|vs\.?|versus|and", above)
        ):
            break
        start = (
            above_start
            + len(text[above_start:line_start])
            - len(text[above_start:line_start].lstrip())
        )
    return start


def _suffix_line(text: str, start: int) -> bool:
    """Whether the line from ``start`` holds only a company suffix ("INC., ]"): the end of
    a name whose words are on the line above ("FEDEX GROUND PACKAGE SYSTEM,")."""
    end = text.find("\n", start)
    line = re.sub(r"[)\]].*$", "", text[start : end if end >= 0 else len(text)])
    return line.strip().rstrip(",").lower() in ORG_SUFFIXES


#: The capacities in which a caption names a party after its name ("STERLING CONSULTING
#: CORP., COLORADO RECEIVER", "STEVEN M. RODOLAKIS, CHAPTER 7 TRUSTEE").
_CAPACITIES = frozenset(
    {"receiver", "trustee", "executor", "executrix", "administrator", "administratrix",
     "guardian", "conservator", "custodian", "representative", "nominee"}
)  # fmt: skip


def _capacity(piece: str) -> bool:
    """Whether a caption's list item is a capacity ("Chapter 7 Trustee"), not a party; the
    United States Trustee is a party."""
    words = piece.lower().split()
    return (
        0 < len(words) <= 4
        and words[-1].strip(",.") in _CAPACITIES
        and not re.match(r"(?:united[ ]states|u\.[ ]?s\.)[ ]", piece.lower())
    )


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
    """ "MICHAEL TOFAUTE, et al." is Michael Tofaute, and "Paul G. KLEINMAN, M.D." is Paul
    G. Kleinman."""
    while match := re.search(rf",?[ ]+(?:et[ ]+al\.?|ET[ ]+AL\.?|{_DEGREES}),?$", text[start:end]):
        end = start + match.start()
    return start, end


def _national_body(piece: str) -> bool:
    """ "Commissioner of Internal Revenue", "UNITED STATES MARINE CORPS": a listed body."""
    return any(m.start == 0 and m.end == len(piece) for m in find_national_bodies(piece))


def _classify(text: str, start: int, end: int, confidence: float, role: str) -> RawMention | None:
    """An organisation or a person for the whole of text[start:end], if it is one."""
    piece = _without_column(text[start:end])  # a name may break over lines
    if _GOVERNMENT.fullmatch(piece) or AGENCY.fullmatch(piece) or _national_body(piece):
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
    if re.fullmatch(_PERSON, piece) and plausible_person(piece):
        return _person(text, start, end, confidence, role)
    if _INITIALS_ONLY.fullmatch(piece):
        # "D.G. AND S.H., PLAINTIFFS, v. K.S.": a family case names its parties by initials
        return _person(text, start, end, confidence, role)
    return None


#: A party named by initials alone: "D.G.", "O.S.H.", "J. D.".
_INITIALS_ONLY = re.compile(r"(?:[A-Z]\.[ ]?){2,4}")
