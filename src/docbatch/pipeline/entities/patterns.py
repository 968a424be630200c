"""Case and docket numbers by pattern, and the mention every pattern finder builds.

Statutes and regulations are :mod:`docbatch.pipeline.entities.statutes`; court rules
:mod:`docbatch.pipeline.entities.rules`.
"""

from __future__ import annotations

import re

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention

__all__ = ["CALIFORNIA_DOCUMENT", "find_case_numbers", "mention"]

_NUMBER = (
    # Pennsylvania's appellate dockets: number, district and kind, year: "402 MAL 2011",
    # "1234 EDA 2019", "123 C.D. 2019"
    r"\d{1,4}[ ](?:[EMW](?:AL|AP|DA)|C\.D\.)[ ](?:19|20)\d\d(?![\d])|"
    r"\d{4}-\d{2}-\d(?![\d-])|"  # Virginia's court of appeals: Record No. 1824-10-3
    r"(?:\d{1,2}[:-])?\d{2,4}-[A-Za-z]{1,4}-\d{2,6}(?:-[A-Z]{1,5})*"  # 1:23-cv-04567-JMF, 2-15-cv-1
    r"(?:-\d{1,3}(?![\d-]))?"  # a criminal case's defendant: 3:09-cr-00276-RLW-1, 2-18-cr-571-001
    r"|(?:\d{1,2}:)?\d{2}(?:cv|CV|cr|CR|mc|MC)\d{2,6}"  # no hyphens: 1:20CV457, 1:12cr45
    r"|\d{2}[A-Z]\d{2}(?:-[A-Z0-9]{2,6}){2,3}"  # Indiana: 49S00-0308-DP-392
    r"|\d{4}-[A-Z]{2}\d{4,6}|[A-Z]{2}\d{5,7}"  # Missouri: 1711-CC00064, ED108783
    r"|(?:ED|WD|SD)[ ]\d{5,6}(?![\d])"  # and spaced: "No. ED 83155"
    r"|\d{2}[A-Z]{2}\d{3,6}"  # year, kind, sequence (Colorado): 23CA2129
    # 21-1234, 2017-03-1235, 11\u2013345; a bankruptcy case's judge and chapter: 17-80033-CRJ7
    # (a federal office's number may open it: "No. 4:23-01175")
    # (the judge's initials may be in lower case: "14-35284-tmb7")
    r"|(?:\d{1,2}:)?\d{2,4}[-\u2013]\d{1,7}(?:-\d{2,7})?"
    r"(?:-(?:[A-Z]{1,5}|[a-z]{2,4})(?:1[13]|[79])?(?![\w]))?"
    r"|\d{5,6}-(?:19|20)\d\d"  # a state file number: 80097-2017
    r"|(?<=No\.[ ])[A-Z]-\d{4,6}"  # a state supreme court's docket: "No. S-14054"
    r"|[A-Z]{1,3}\s?\d{2}-\d{2,6}"  # CV 12-3456
    r"|\d[A-Z]{1,3}\d{2,4}-\d{3,6}"  # Florida's district courts of appeal: 4D2023-2459
    r"|\d[A-Z]{2,3}-\d{2}-\d{3,6}(?:[ ]?(?:CI|CR|CV|DR|PR|CN)\b)?"  # Alaska: 4FA-99-2449 CI
    r"|\d{6}[A-Z]{2}\d{6}[A-Z]{0,3}"  # Florida's uniform case number: 501988CF006586A
    r"|(?:19|20)\d\dAP\d{1,6}(?:-[A-Z]{2,3}(?![\w]))?"  # Wisconsin: 2016AP2214, 2005AP2480-CR
    r"|(?:CAAP|SCAP|SCWC|SCPW|SCOT|CAAW)-\d{2}-\d{7}"  # Hawai'i: CAAP-13-0000182
    r"|[ASX]\d{2}[A-Z]\d{4}"  # Georgia's appellate courts: A03A1865, S19A0001
    r"|[1-5]-\d{2}-\d{4}(?:WC)?(?![\d-])"  # Illinois' appellate court: 1-15-2522
    r"|\d{4,6}-\d-(?:I{1,3})(?![\w-])"  # Washington's court of appeals: 33971-8-III
    r"|(?<=No\.[ ])[SA]-\d{2}-\d{2,6}(?![\d-])"  # Nebraska: S-07-138, A-19-0123
    r"|(?<=No\.[ ])[A-HS]\d{6}(?!\d)"  # California's courts of appeal: B266015, S123456
    r"|\d{2}[ ]BK[ ]\d{3,5}(?:-[A-Z]{2,4})?"  # Puerto Rico's Title III cases: 17 BK 3283-LTS
    r"|[A-Z]{2,3}-(?:19|20)\d\d-\d{1,6}(?![\w-])"  # kind, year, number: CF-2018-4
    # Arizona: the supreme court's "CR-23-0236-PR", the court of appeals' "1 CA-CR 19-0123",
    # a superior court's "CR2018-118086-001"
    r"|[A-Z]{2}-\d{2}-\d{4}-[A-Z]{2}(?![\w-])"
    r"|[12][ ]CA-[A-Z]{2}[ ]\d{2}-\d{4}(?![\w-])"
    r"|[A-Z]{2}(?:19|20)\d\d-\d{5,6}(?:-\d{3})?(?![\w-])"
    # Pennsylvania's common pleas: "CP-67-CR-0005812-2022"; E.D.N.Y.'s bankruptcy court, its
    # office first and its judge's initials in lower case: "8-09-78584-ast"
    r"|CP-\d{2}-[A-Z]{2}-\d{7}-\d{4}"
    r"|\d-\d{2}-\d{5}(?:-[a-z]{2,4})?(?![\w-])"
)
_LABELLED_NUMBER = re.compile(
    r"(?<![\w.])(?:(?P<label>Case|Civil\s+Action|Civ\.\s+A\.|Criminal\s+Action|Crim\.\s+A\."
    r"|Docket|Dkt\.|Index|Appeal|Misc\.|Cause|Originating\s+Case|District\s+Case|Record"
    r"|(?:DC\s+)?Docket)\s+)?(?:Nos?(?:\.|(?=:))|(?<=[Cc]ase[ ])[Nn]umber|(?<=Docket[ ])#"
    r"|(?<=Petition[ ])#|(?<=[Cc]ase[ ])#|(?<=CASE[ ])#)[ \t]*:?[ \t]*"
    rf"(?P<num>{_NUMBER}|\d{{3,}}(?=\s*[,.;)]{{0,2}}(?:\s|$)))"
)
#: A docket report's case in another court, the court before its number: "Case in other
#: court: USCA, 5th Circuit, 10-30767", "Case in other court: 9th Circuit, 18-35501".
_OTHER_COURT_CASE = re.compile(
    rf"(?m)Case[ \u00a0]in[ \u00a0]other[ \u00a0]court:[^\n]*?[ \t,;](?P<num>{_NUMBER})[ \t]*$"
)
#: An Attorney General's opinion cited by its series number: "OAG 92-73", "AGO 2015-059".
_OPINION_SERIES = re.compile(r"(?<![\w.])(?P<series>OAG|AGO)[ ]+(?P<num>\d{2,4}-\d{1,4})(?![\w-])")
#: An ECF header names the case: "Case: 14-1326 Document: 3", "Case 17-3510, Document 1-1".
_ECF_CASE = re.compile(
    rf"(?<![\w.])(?:Appellate\s+)?Case:?[ ]+(?P<num>{_NUMBER})(?=,?[ ]+Doc(?:ument|\.)?\b)"
)
#: "Georgia Bar No. 462110", "Direct Dial No. 513-564-7036": numbers, not cases; nor a
#: legislature's "House Bill No. 1286", "Resolution No. 163", "Act No. 447"; nor a filing on
#: this case's docket: "ECF No. 101", "ECF Nos. 104, 105", "Doc. No. 33-2", "R. Doc. No. 5".
_NOT_A_CASE = re.compile(
    r"(?i:\b(?:bar|dial|phone|tel\.?|telephone|fax|registration|entry|account|serial|policy"
    r"|claim|patent|page|room|suite|document|id|bill|resolution|act|ordinance|amendment|ecf"
    r"|docs?\.|dkt\.)\s*)$"
)
#: A federal docket number is unmistakable even without "No.".
_BARE_FEDERAL = re.compile(
    # (typeset with en dashes too: "5:17\u2013cr\u201300174\u2013D\u20131")
    r"(?<![\w:-])\d{1,2}:\d{2}[-\u2013](?:cv|cr|mc|md|bk|mj|ap)[-\u2013]\d{3,6}"
    # (and the defendant's number: "3:09-cr-00276-RLW-1")
    r"(?:[-\u2013][A-Z]{1,5})*(?:[-\u2013]\d{1,2}(?![\w-]))?\b"
    r"|(?<![\w:-])\d{1,2}:\d{2}(?:cv|CV|cr|CR)\d{3,6}\b"  # "1:20CV457"
)
#: California's courts of appeal head an opinion with their docket number alone on a line
#: ("B266015", district letter and six digits).
_CALIFORNIA_DOCKET_LINE = re.compile(r"(?m)^[ \t]*(?P<num>[A-HS]\d{6})[ \t]*$")
#: A clerk's filing stamp ends with the case's number on a line of its own: "FILED /
#: TARRANT COUNTY / 12/11/2024 11:44 AM / THOMAS A. WILDER / DISTRICT CLERK /
#: 153-360214-24".
_CLERK_STAMP_NUMBER = re.compile(
    r"(?m)^[ \t]*(?:[A-Z]+[ ])?CLERK[ \t]*\n[ \t]*(?P<num>\d{2,4}-\d{3,7}-\d{2,4})[ \t]*$"
)
#: Maryland's appellate dockets are numbered by term: "No. 45, September Term, 2013",
#: "Misc. Docket AG No. 11, Sept. Term, 2013" (attorney grievance).
_MARYLAND_TERM = re.compile(
    r"(?<![\w.])(?P<label>Misc\.[ ]Docket[ ](?:AG[ ])?)?No\.[ ](?P<num>\d{1,4}),[ ]"
    r"(?:September|Sept\.)[ ]Term,[ ](?P<year>(?:19|20)\d\d)"
)
_PUBLIC_LAW = re.compile(r"(?:Pub\.\s?L\.|L\.)\s*$")
#: Alabama's appellate numbers by division, alone on a line under the caption: "6 Div. 870."
DIVISION_NUMBER = re.compile(r"(?m)^[ \t]*(?P<num>\d{1,2}[ ]Div\.[ ]\d{1,5})\.?[ \t]*$")

#: A California document: its reporters or its courts.
CALIFORNIA_DOCUMENT = re.compile(
    r"Cal\.[ ]?(?:App\.|Rptr\.|[2-5](?:d|th))|Court[ ]of[ ]Appeal[^\n]{0,60}California"
    r"|Supreme[ ]Court[ ]of[ ]California|California[ ]Court[ ]of[ ]Appeal"
)


def find_case_numbers(text: str) -> list[RawMention]:
    """Case and docket numbers ("Case No. 1:23-cv-04567-JMF" → "1:23-cv-04567-JMF")."""
    found: list[RawMention] = []
    taken: list[tuple[int, int]] = []
    for match in _LABELLED_NUMBER.finditer(text):
        if _PUBLIC_LAW.search(text, max(0, match.start() - 8), match.start()):
            continue  # "Pub. L. No. 111-203" is a statute, not a case
        if not match["label"] and _NOT_A_CASE.search(
            text, max(0, match.start() - 20), match.start()
        ):
            continue
        if (match["label"] or "").startswith(("Docket", "Dkt")) and len(match["num"]) < 5:
            continue  # "Docket No. 477" is an entry on a docket, not a case
        label = " ".join((match["label"] or "No.").split())
        number = " ".join(match["num"].split()).replace("\u2013", "-")  # typeset "11\u2013345"
        confidence = 0.95 if match["label"] else 0.8
        found.append(
            mention(EntityType.CASE_NUMBER, text, match, number, confidence, {"label": label})
        )
        taken.append(match.span())
    for match in _OTHER_COURT_CASE.finditer(text):
        start, end = match.span("num")
        found.append(RawMention(EntityType.CASE_NUMBER, start, end, match["num"], match["num"],
                                0.85, {"label": "Case"}))  # fmt: skip
        taken.append((start, end))
    for match in _ECF_CASE.finditer(text):
        if not any(s <= match.start("num") < e for s, e in taken):
            found.append(mention(EntityType.CASE_NUMBER, text, match, match["num"], 0.85,
                                  {"label": "Case"}))  # fmt: skip
            taken.append(match.span())
    for match in _OPINION_SERIES.finditer(text):
        if not any(s < match.end() and match.start() < e for s, e in taken):
            found.append(mention(EntityType.CASE_NUMBER, text, match, match[0], 0.85,
                                  {"label": match["series"]}))  # fmt: skip
            taken.append(match.span())
    for match in _BARE_FEDERAL.finditer(text):
        if not any(s <= match.start() < e for s, e in taken):
            number = match[0].replace("\u2013", "-")
            found.append(mention(EntityType.CASE_NUMBER, text, match, number, 0.85))
            taken.append(match.span())
    for match in _MARYLAND_TERM.finditer(text):
        found = [m for m in found if not (match.start() <= m.start < match.end())]
        label = " ".join((match["label"] or "").split())
        number = f"{label} No. {match['num']}, Sept. Term, {match['year']}".strip()
        found.append(mention(EntityType.CASE_NUMBER, text, match, number, 0.85,
                             {"label": label or "No."}))  # fmt: skip
        taken.append(match.span())
    lines = [*_CLERK_STAMP_NUMBER.finditer(text), *DIVISION_NUMBER.finditer(text)]
    if CALIFORNIA_DOCUMENT.search(text) is not None:
        lines += _CALIFORNIA_DOCKET_LINE.finditer(text)
    for match in lines:  # a number alone on its line, where nothing above read it
        if not any(s <= match.start("num") < e for s, e in taken):
            start, end = match.span("num")
            found.append(RawMention(EntityType.CASE_NUMBER, start, end, match["num"],
                                    match["num"], 0.8, {"label": ""}))  # fmt: skip
            taken.append((start, end))
    found += [m for m in _case_number_column(text) if not any(s < m.end and m.start < e
                                                             for s, e in taken)]  # fmt: skip
    return found


#: The heading of a table's column of case numbers, its cells split by tabs: "Case
#: Number\tName\tCase Type" (a court's case search, an appellate case summary).
_COLUMN_HEADS = frozenset({"case number", "case no.", "case #", "docket number", "docket no."})
#: A case number alone in a cell: "S15021", "4FA-12-02133CI", "2:19-cv-01234".
_CELL_NUMBER = re.compile(r"(?=[^\s]*\d)[A-Z0-9][A-Za-z0-9:.-]{3,24}")


def _case_number_column(text: str) -> list[RawMention]:
    """The cells under a "Case Number" column heading, down to the table's end (a blank
    line)."""
    found = []
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    column = None
    for index, line in enumerate(lines):
        cells = line.split("\t")
        if not line.strip():
            column = None
        elif len(cells) > 1 and any(c.strip().lower() in _COLUMN_HEADS for c in cells):
            column = next(i for i, c in enumerate(cells) if c.strip().lower() in _COLUMN_HEADS)
        elif column is not None and len(cells) > column:
            start = offsets[index] + sum(len(c) + 1 for c in cells[:column])
            cell = cells[column]
            start += len(cell) - len(cell.lstrip())
            value = cell.strip()
            if _CELL_NUMBER.fullmatch(value):
                found.append(RawMention(EntityType.CASE_NUMBER, start, start + len(value),
                                        value, value, 0.8, {"label": "Case Number"}))  # fmt: skip
    return found


def mention(
    kind: EntityType,
    text: str,
    match: re.Match[str],
    normalized: str,
    confidence: float,
    attributes: dict[str, str] | None = None,
) -> RawMention:
    start, end = match.span()
    return RawMention(kind, start, end, text[start:end], normalized, confidence, attributes or {})
