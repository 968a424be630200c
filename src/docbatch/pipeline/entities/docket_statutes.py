"""Sections of the U.S. Code as a federal docket report writes them, title and section
after a colon: the civil cause ("Cause: 28:1332 Diversity-Breach of Contract") and the
criminal counts ("18:922G.F UNLAWFUL TRANSPORT OF FIREARMS", "8:1326(a) and (b)(1)
Reentry of Removed Alien", "18:371 and 3551 et seq.; CONSPIRACY")."""

from __future__ import annotations

import re

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention

__all__ = ["COUNT_CODE", "docket_statutes"]

#: A count's title and section as PACER codes it, with the offence's class letter after it
#: left out: "18:922G", "21:841A=CD", "18:1956-4999" (PACER's "other" offence code),
#: "18:513(a)".
COUNT_CODE = r"[1-5]?\d:\d{1,5}[A-Za-z]?(?:\([a-zA-Z0-9]{1,4}\))*(?:-\d{4})?(?:=[A-Z]{1,3})?"

#: A docket report's cause of action, title and section of the U.S. Code after a colon:
#: "Cause: 28:2201 Declaratory Judgment", "Cause: 42:1983 Civil Rights Act".
_DOCKET_CAUSE = re.compile(
    # (the title may keep a leading zero: "Cause: 05:702 Administrative Procedure Act")
    # (PACER may close up the kind of case: "Cause: 28:1331cv Fed. Question")
    r"\bCause:[ \t]*(?P<cite>0?(?P<title>[1-5]?\d):(?P<sec>\d{1,5}(?:(?!cv|cr)[a-z]{1,2})?))"
    r"(?:cv|cr)?(?=[ \t(]|$)",
    re.MULTILINE,
)
#: A criminal docket's count, title and section of the U.S. Code with the offence's class:
#: "18:922G.F" (18 U.S.C. § 922(g), a felony), "21:841A=CD.F", "18:1343.M".
#: A federal criminal docket's counts by title and section, the offence before or after
#: them: "8:1326(a) and (b)(1) Reentry of Removed Alien", "21:841(a)(1) enhanced by
#: (b)(1)(C) - Possession ...", "Production of Child Pornography 18:2251(a) & (e)",
#: "18:2252(a)(4) & 2252(b)(2) - Possession" (read in docket reports only).
_DOCKET_OFFENCE = re.compile(
    # (a one- or two-digit section only before another code or section: "18:2; ...", "18:2
    # and 1001(a)", never a time of day)
    # (also in brackets after the count's code: "18:513A.F (18:513(a) and 2 -UTTERING")
    r"(?:^|(?<=[ \t(]))(?P<title>[1-5]?\d):(?P<sec>\d{3,5}[A-Za-z]?|\d{1,2}(?=;|[ ]and[ ]))"
    r"(?P<sub>(?:\([a-zA-Z0-9]{1,4}\))*)"
    # another section or subsection of the title: "18:371 and 3551 et seq.", "31:5314 and
    # 5322(b)", "8:1326(a) and (b)(1)"
    r"(?:[ ]?(?:&|and|enhanced[ ]by)[ ]?(?:(?P<sec2>\d{3,5}[A-Za-z]?|\d{1,2}(?=[ ]-))"
    r"(?P<more>(?:\([a-zA-Z0-9]{1,4}\))*)(?:[ ]et[ ]seq\.)?"
    r"|(?P<more2>(?:\([a-zA-Z0-9]{1,4}\))+)))?"
    # (not a count with its class: "18:922G.F UNLAWFUL ...", read by _DOCKET_COUNT)
    r"(?=[ \t]*(?:-[ ]?)?[A-Z][a-z]|[ \t]+(?:-)?[A-Z]{2,}|[ \t]*$|[;,]|\.(?![FMP]\b))",
    re.MULTILINE,
)
_DOCKET_REPORT = re.compile(r"(?:Pending|Terminated)[ ]Counts|DOCKET[ ]FOR[ ]CASE")
_DOCKET_COUNT = re.compile(
    # (PACER's "other" offence code after the section: "18:1956-4999.F MONEY LAUNDERING")
    r"(?<![\w:.])(?P<cite>(?P<title>[1-5]?\d):(?P<sec>\d{2,5})(?P<sub>[A-Z])?(?:-\d{4})?"
    r"(?:=[A-Z]{1,3})?\.[FMP])"
    # a second section, of the same title or another: "18:1014.F, 2 - LOAN AND CREDIT
    # APPLICATIONS; aid & abet", "18:982.F, 28:2461(c) - CRIMINAL FORFEITURE"
    r"(?:,[ ](?P<also>(?:(?P<title2>[1-5]?\d):)?(?P<sec2>\d{1,5})"
    r"(?P<sub2>(?:\([a-z0-9]{1,4}\))*)))?"
    r"(?=[ \t]+(?:-[ ]+)?[A-Z]{3,})"  # the offence follows in capitals
)


def docket_statutes(text: str) -> list[RawMention]:
    """The causes and counts of a docket report, each a section of the U.S. Code."""
    found: list[RawMention] = []
    offences = _DOCKET_OFFENCE.finditer(text) if _DOCKET_REPORT.search(text) else ()
    for match in offences:
        if re.search(r"Cause:[ \t]*$", text[max(0, match.start() - 12) : match.start()]):
            continue  # "Cause: 28:1332": the civil cause, read below
        code = f"{match['title']} U.S.C."
        parts = [(match.start("title"), match.end("sub"), match["sec"], match["sub"])]
        if match["sec2"]:
            parts.append((match.start("sec2"), match.end("more"), match["sec2"], match["more"]))
        elif match["more2"]:
            parts.append((match.start("more2"), match.end("more2"), match["sec"], match["more2"]))
        for start, end, section, sub in parts:
            normalized = f"{code} § {section}{sub}"
            found.append(RawMention(EntityType.STATUTE, start, end, text[start:end], normalized,
                                    0.85, {"code": code}))  # fmt: skip
    # a docket's civil cause ("Cause: 28:1332") and criminal counts ("18:922G.F")
    for match in (*_DOCKET_CAUSE.finditer(text), *_DOCKET_COUNT.finditer(text)):
        sub = match.groupdict().get("sub")
        section = f"{match['sec']}{f'({sub.lower()})' if sub else ''}"
        found.append(_section(text, match.span("cite"), match["title"], section))
        if match.groupdict().get("also"):
            title = match["title2"] or match["title"]
            found.append(_section(text, match.span("also"), title, match["sec2"] + match["sub2"]))
    return found


def _section(text: str, span: tuple[int, int], title: str, section: str) -> RawMention:
    """A section of the U.S. Code a docket report writes at ``span``."""
    start, end = span
    code = f"{title} U.S.C."
    return RawMention(EntityType.STATUTE, start, end, text[start:end], f"{code} § {section}",
                      0.85, {"code": code})  # fmt: skip
