"""California's codes as its courts cite them: "Pen. Code, § 484", "Bus. & Prof. Code,
§ 2234, subd. (e)", "Welfare and Institutions Code section 786", and the bare sections
that belong to them (see :func:`california_sections`). Part of the statute finders of
:mod:`docbatch.pipeline.entities.statutes`.
"""

from __future__ import annotations

import re

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.patterns import CALIFORNIA_DOCUMENT, mention

__all__ = ["california_sections"]


#: California's codes as the California Style Manual abbreviates them ("Pen. Code", "Bus.
#: & Prof. Code", "Code Civ. Proc.") and by name ("Penal Code", "Business and Professions
#: Code"), with their Bluebook names.
_CALIFORNIA_CODES = {
    "Bus. & Prof. Code": "Bus. & Prof. Code", "Business and Professions Code": "Bus. & Prof. Code",
    "Civ. Code": "Civ. Code", "Civil Code": "Civ. Code",
    "Code Civ. Proc.": "Civ. Proc. Code", "Code of Civil Procedure": "Civ. Proc. Code",
    "Com. Code": "Com. Code", "Commercial Code": "Com. Code",
    "Corp. Code": "Corp. Code", "Corporations Code": "Corp. Code",
    "Educ. Code": "Educ. Code", "Ed. Code": "Educ. Code", "Education Code": "Educ. Code",
    "Elec. Code": "Elec. Code", "Elections Code": "Elec. Code",
    "Evid. Code": "Evid. Code", "Evidence Code": "Evid. Code",
    "Fam. Code": "Fam. Code", "Family Code": "Fam. Code",
    "Gov. Code": "Gov't Code", "Government Code": "Gov't Code",
    "Health & Saf. Code": "Health & Safety Code", "Health and Safety Code": "Health & Safety Code",
    "Ins. Code": "Ins. Code", "Insurance Code": "Ins. Code",
    "Lab. Code": "Lab. Code", "Labor Code": "Lab. Code",
    "Pen. Code": "Penal Code", "Penal Code": "Penal Code",
    "Prob. Code": "Prob. Code", "Probate Code": "Prob. Code",
    "Pub. Resources Code": "Pub. Res. Code", "Public Resources Code": "Pub. Res. Code",
    "Rev. & Tax. Code": "Rev. & Tax. Code", "Revenue and Taxation Code": "Rev. & Tax. Code",
    "Veh. Code": "Veh. Code", "Vehicle Code": "Veh. Code",
    "Welf. & Inst. Code": "Welf. & Inst. Code",
    "Welfare and Institutions Code": "Welf. & Inst. Code",
}  # fmt: skip
#: Each code by its name written without spaces ("Pen.Code" and "Pen. Code" alike).
_CALIFORNIA_BY_KEY = {name.replace(" ", ""): code for name, code in _CALIFORNIA_CODES.items()}
_CALIFORNIA_CODE_NAME = "|".join(
    re.escape(name).replace(r"\.\ ", r"\.[ ]?").replace(r"\ ", "[ ]")
    for name in sorted(_CALIFORNIA_CODES, key=len, reverse=True)
)
_SUBDIVISIONS = r"\([a-zA-Z0-9]{1,4}\)(?:[ ]?\([a-zA-Z0-9]{1,4}\))*"
#: "Pen. Code, § 550, subds. (a)(1) & (b)(1)", "Bus. & Prof.Code, § 2234", "Penal Code
#: section 148, subdivision (a)(1)", and "§ 2234, subd. (e)" once a code is named.
_CALIFORNIA = re.compile(
    rf"(?<![\w.])(?:(?:Cal\.|California)[ ])?(?P<code>{_CALIFORNIA_CODE_NAME}),?[ ]"
    rf"(?P<mark>§§?|[Ss]ections?)[ ]?(?P<sec>\d+(?:\.\d+)?[a-z]?)(?![\d.]\d)"
    rf"(?P<subs>(?:,[ ]subds?\.[ ]?|,?[ ]subdivisions?[ ]){_SUBDIVISIONS}"
    rf"(?:[ ]?(?:&|and|,)[ ]?{_SUBDIVISIONS})*)?"
)
_CALIFORNIA_BARE = re.compile(
    rf"(?<![\w.§])§[ ]?(?P<sec>\d+(?:\.\d+)?[a-z]?)(?![\d.]\d|[\w\-])"
    rf"(?P<subs>,[ ]subds?\.[ ]?{_SUBDIVISIONS}(?:[ ]?(?:&|and|,)[ ]?{_SUBDIVISIONS})*)?"
)
#: How far (characters) a bare section still belongs to the California code named last
#: before it: a paragraph or two.
_CALIFORNIA_NEAR = 1500
#: The next section of a California list: "§§ 11359, 11357, subd. (a)".
_CALIFORNIA_MORE = re.compile(
    rf",[ ](?:and[ ])?(?P<sec>\d+(?:\.\d+)?[a-z]?)(?![\d.]\d|[\w\-])"
    rf"(?P<subs>,[ ]subds?\.[ ]?{_SUBDIVISIONS}(?:[ ]?(?:&|and|,)[ ]?{_SUBDIVISIONS})*)?"
)
#: A section named in words in a California opinion: "a section 602 wardship petition",
#: "[section] 781" (three digits or more: "section 2 of the lease" is a contract's).
_CALIFORNIA_WORDS = re.compile(
    r"(?<![\w.])(?:section|\[section\])[ ](?P<sec>\d{3,5}(?:\.\d+)?[a-z]?)(?![\d.]\d|[\w\-])"
    rf"(?P<subs>,[ ]subds?\.[ ]?{_SUBDIVISIONS}(?:[ ]?(?:&|and|,)[ ]?{_SUBDIVISIONS})*)?"
)


def california_sections(text: str, taken: list[tuple[int, int]]) -> list[RawMention]:
    """California's codes as its courts cite them (see :data:`_CALIFORNIA`), each
    subdivision its own provision, each section of a list ("§§ 11359, 11357, subd. (a)").

    A bare "§ 2234, subd. (e)" (or, in words, "section 602") belongs to the code named
    last before it when that was near (:data:`_CALIFORNIA_NEAR`); further on, to the
    opinion's own code, the California code it names most (first named on a tie), as its
    footnote "All further statutory references are to the X Code" says; none when the last
    code named was not California's."""
    if CALIFORNIA_DOCUMENT.search(text) is None:
        return []
    found: list[RawMention] = []
    named: list[str] = []  # each time a code is named
    for match in _CALIFORNIA.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        code = f"Cal. {_CALIFORNIA_BY_KEY[match['code'].replace(' ', '')]}"
        named.append(code)
        found += _subdivided(match, code)
        position = match.end()
        while (more := _CALIFORNIA_MORE.match(text, position)) is not None:
            found += _subdivided(more, code)
            position = more.end()
    own = max(named, key=lambda c: (named.count(c), -named.index(c)), default=None)
    for match in (*_CALIFORNIA_BARE.finditer(text), *_CALIFORNIA_WORDS.finditer(text)):
        spans = [*taken, *((m.start, m.end) for m in found)]
        if any(match.start() < end and start < match.end() for start, end in spans):
            continue
        ours = max((m for m in found if m.end <= match.start()), key=lambda m: m.end, default=None)
        others = max((end for _, end in taken if end <= match.start()), default=-1)
        if ours is None or others > ours.end:
            continue  # no code named yet, or the last one named was not California's
        near = match.start() - ours.end <= _CALIFORNIA_NEAR
        code = ours.attributes["code"] if near or own is None else own
        found += _subdivided(match, code)
    return found


def _subdivided(match: re.Match[str], code: str) -> list[RawMention]:
    """One mention per subdivision of a California section ("§ 550, subds. (a)(1) &
    (b)(1)" is § 550(a)(1) and § 550(b)(1)), or the section alone; the first spans the
    citation, each other its own subdivision."""
    text, section = match.string, match["sec"]
    if not match["subs"]:
        return [mention(EntityType.STATUTE, text, match, f"{code} § {section}", 0.8,
                        {"code": code})]  # fmt: skip
    found = []
    offset = match.start("subs")
    for index, sub in enumerate(re.finditer(r"(?:\([a-zA-Z0-9]{1,4}\)[ ]?)+", match["subs"])):
        start = match.start() if index == 0 else offset + sub.start()
        end = match.end() if index == 0 else offset + sub.end()
        end = end if index == 0 else end - (text[end - 1] == " ")
        name = f"{code} § {section}{sub[0].replace(' ', '')}"
        found.append(RawMention(EntityType.STATUTE, start, end, text[start:end], name, 0.8,
                                {"code": code}))  # fmt: skip
    return found
