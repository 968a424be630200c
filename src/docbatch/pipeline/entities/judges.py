"""The judges of a filing: who a judge cue names, and who only looks like a judge.

:func:`mark_judges` gives a person the ``role`` ``"judge"`` for "Before Barksdale,
Stewart, and Dennis, Circuit Judges", "Dickson, Justice.", "Shepard, C.J., and Sullivan
and Boehm, JJ., concur.", "James M. Dowd, Judge", "DC Judge: Failla", "Assigned to: Judge
X", "Mr. Justice X ... delivered the opinion" and a judge's title; judges named only by
surname there become person mentions. A justice who "took no part" is no judge of the
case, and a letter's "Honorable" addressee is none either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention, with_attributes
from docbatch.pipeline.entities.names import (
    LOWER,
    NOT_NAME_WORDS,
    ORG_SUFFIXES,
    UPPER,
    alias_surnames,
    display_name,
)

__all__ = ["LIST_NAME", "mark_judges"]

_WORD = (
    r"(?:[A-Z]['\u2019](?=[A-Z]))?"  # "O'Connor", "O'CONNOR"
    rf"(?:[{UPPER}][{LOWER}]+(?:[-'\u2019][{UPPER}][{LOWER}]+)?|[{UPPER}]{{2,}}(?:[-'\u2019][{UPPER}]{{2,}})?"
    rf"|Ma?c[{UPPER}]{{2,}})"  # "McDONALD" in a panel of capitals
)
_NAME = (
    rf"(?:(?:{_WORD}|[A-Z]\.)[ ]){{0,3}}(?:Ste?\.[ ])?{_WORD}"
    r"(?:,?[ ](?:Jr\.|Sr\.|JR\.|SR\.|II|III|IV|Junior)(?![\w]))?"
)
_ONE_TITLE = (
    # (a court of appeals' docket: "Sandra L. Lynch, Appellate Judge", "Steven J. McAuliffe,
    # U.S. District Judge")
    r"(?:Chief[ ]Justice|Justice|Chief[ ]Judge|(?:U\.S\.[ ])?(?:Senior[ ])?(?:Circuit|District"
    r"|Magistrate|Bankruptcy|Appellate)[ ]Judge|Senior[ ]Judge|Associate[ ]Judge|Judge"
    # a state trial judge under an appeal's heading: "R. Kinard Johnson, Jr., Family Court Judge"
    r"|(?:Family|Circuit|Probate|Superior|Juvenile|Municipal|County|Chancery|Trial)[ ]Court"
    r"[ ]Judge|Presiding[ ]Judge|Presiding[ ]J\.|C\.[ ]?J\.|P\.[ ]?J\.|J\.|{boards}[ ]Judge"
    r"|Board[ ]Member"
    # New Jersey's judges: of the Superior Court ("WAUTERS, J.S.C."), its Appellate Division
    # ("J.A.D.", "P.J.A.D."), the Tax Court ("J.T.C."), the Chancery Division ("P.J.Ch.")
    r"|(?:A\.[ ]?|P\.[ ]?)?J\.[ ]?S\.[ ]?C\.|(?:P\.[ ]?)?J\.[ ]?A\.[ ]?D\.|J\.[ ]?T\.[ ]?C\."
    r"|P\.[ ]?J\.[ ]?Ch\.)"
).format(boards=r"(?:(?:Appellate[ ])?Immigration|Administrative[ ]Law|Veterans[ ]Law)")
#: The titles after a panel list; an agency's board ("PAULEY, GUENDELSBERGER, and KENDALL
#: CLARK, Board Members"; "WILSON and GORMAN, Appellate Immigration Judges") as a court's.
_TITLES = (
    r"(?:JJ\.|Js\.|(?:Senior[ ]|Associate[ ])?"
    r"(?:Circuit[ ]|District[ ]|(?:U\.S\.[ ])?Bankruptcy[ ])?Judges"
    r"|Justices|Board[ ]Members"
    r"|(?:(?:Appellate[ ])?Immigration|Administrative[ ]Law|Veterans[ ]Law)[ ]Judges)"
)
#: "Dickson, Justice", also broken over a line ("ROBERTS,\nC. J.").
_SINGLE_JUDGE = re.compile(
    rf"(?<![\w.,])(?P<name>{_NAME}),(?:[ ]|[ \t]*\n[ \t]*){_ONE_TITLE}(?![\w])"
)
#: Judges sitting for others who stepped aside: "NAKASONE, in place of NAKAMURA, C.J.,
#: FUJISE, LEONARD, and GINOZA, JJ., all recused." (those named after "in place of").
_RECUSED = re.compile(r"\bin[ ]place[ ]of[ ][^\n]{3,250}?\brecused\b")
#: A justice who "took no part in the consideration or decision of the case".
_NO_PART = re.compile(r"(?:,[ ]*)?(?:J\.,[ ]+)?took[ ]+no[ ]+part\b")
#: A letter's salutation ("Dear Judge Armstead:"): the document is a letter, and the
#: "Honorable" it is addressed to is no judge of it.
_SALUTATION = re.compile(r"(?m)^[ \t]*Dear[ ][^\n]{2,60}:[ \t]*$")
#: A docket's conflict memo: "No probable conflict re Magistrate Judge John Z Boyle."
_CONFLICT_RE = re.compile(
    r"\bconflict[ ]re[ ](?:Magistrate[ ]|District[ ]|Chief[ ]|Senior[ ])?(?:Judge|Justice)[ ]"
)
#: An opinion given on request ("Requested by: Hon. X"): a letter as well.
_REQUESTED = re.compile(r"(?m)^[ \t]*Requested[ ]by:")
_JUDGE_LIST = re.compile(
    rf"(?<![\w.])(?P<names>{_NAME}(?:,[ ]{_NAME})*(?:,?[ ](?:and|AND|&)[ ]|,[ ]){_NAME}),[ \t]*\n?"
    rf"[ \t]*{_TITLES}(?![\w])"
)
#: A panel named after "Before", at a line's end: "Before Ivins, Kornee, and Marquette.",
#: each name perhaps with its title first ("Before Chief Justice GRAY, Justice VANCE, and
#: Justice REYNA.").
_TITLED = r"(?:(?:Chief[ ])?(?:Justices?|JUSTICES?|Judges?|JUDGES?)[ ])?"  # "Before Judges A, B"
_BEFORE_LIST = re.compile(
    r"(?m)\b(?:Before|BEFORE):?[ \t]+(?:(?:Judges|JUDGES):[ ])?"
    rf"(?P<names>{_TITLED}{_NAME}(?:,[ ]{_TITLED}{_NAME})*,?[ ]"
    # (or in a docket entry, before its docket number: "Before Judges: Millett, Rao and
    # Childs. [22-8513]")
    rf"(?:and|AND|&)[ ]{_TITLED}{_NAME})\.?(?:[ \t]*$|(?=[ \t]+\[\d))"
)
#: A Massachusetts report's panel line: "Present: Marshall, C.J., Ireland, Spina, & Gants, JJ."
_PRESENT_LIST = re.compile(
    # Maryland's "ARGUED BEFORE: BARBERA, C.J., HARRELL, ..., McDONALD and WATTS, JJ."
    r"(?m)^[ \t]*(?:Present|PRESENT|(?:ARGUED|Argued)[ ](?:BEFORE|before)):?[ \t]*"
    r"(?P<names>[^\n]{3,300}?),?[ \t]+(?:JJ\.|Justices)\.?"
    r"[ \t]*$"
)
#: A letter's note of the panel that heard the case: "(Arg. & Sub. \u2013 Jan. 12, 2023—Smith
#: Wollman and Loken)", surnames often without commas and broken over lines.
_PANEL_NOTE = re.compile(
    r"\((?:Arg(?:ued)?\.?|Sub(?:mitted)?\.?)[^()\n]{0,40}?(?:\n[^()\n]{0,40}?)?[\u2014\u2013]"
    r"(?P<names>[A-Z][a-z]+(?:,?\s+(?:and\s+)?[A-Z][a-z]+){1,4})\)"
)
#: New York's Court of Appeals names its concurring judges after the opinion: "Chief
#: Judge LIPPMAN and Judges CIPARICK, GRAFFEO, READ, SMITH, PIGOTT and JONES concur."
#: (Colorado's "JUSTICES LEE and ROVIRA concur in part and dissent in part.")
_CONCUR_LIST = re.compile(
    rf"\b(?:Chief[ ]Judge[ ](?P<chief>{_NAME})[ ]and[ ])?(?:Judges|Justices|JUSTICES)[ ]"
    rf"(?P<names>{_NAME}(?:,[ ]{_NAME})*,?[ ](?:and|AND)[ ]{_NAME})[ ]concur\b"
)
_JUDGE_LABEL = re.compile(
    # (a claims register's "Judge: Trish M Brown\tChapter: 7", its initial without a period)
    rf"\b(?:DC|District|Trial)[ ]Judge:[ ]*(?P<name>{_NAME})"
    r"|(?m:^)[ \t]*Judge:[ ]*(?P<plain>[A-Z][a-z]+[ ][A-Z]\.?[ ][A-Z][a-z]+(?=[ \t]*(?:\t|$)))"
)
#: An old report's author line: "Mr. Justice BREWER, after stating the facts as above,
#: delivered the opinion of the court." (never a justice named in another sentence).
_DELIVERED = re.compile(
    # Colorado's "JUSTICE DUBOFSKY / delivered the opinion of the Court."
    r"\b(?:(?:Mr\.|MR\.)[ ])?(?:Chief[ ]Justice|CHIEF[ ]JUSTICE|Justice|JUSTICE)[ \t\n]+"
    r"(?P<name>[A-Z][A-Za-z'\u2019-]+)(?=[^.]{0,120}?\bdelivered[ ]the[ ]opinion)"
)
#: An author line with the title first, alone on its line: "Justice BEATTY.", "Chief
#: Justice TOAL." (South Carolina's reports), "Judge HAYES." ; the name in capitals.
_TITLED_AUTHOR = re.compile(
    r"(?m)^[ \t]*(?:\*\d{1,5}[ ]+)?(?:Acting[ ])?(?:Chief[ ])?(?:Justice|Judge)[ ]"
    r"(?P<name>[A-Z][A-Z'\u2019-]{2,}(?:[ ][A-Z][A-Z'\u2019-]{2,})?)\.[ \t]*$"
)
#: Arizona's author line, the justices who joined listed after it: "CHIEF JUSTICE TIMMER
#: authored the Opinion of the Court, in which VICE CHIEF JUSTICE LOPEZ, JUSTICES BOLICK,
#: BEENE, KING, BRUTINEL (RETIRED), and JUDGE SKLAR joined."
_AUTHORED = re.compile(
    r"\b(?:(?:VICE|Vice)\s+)?(?:(?:CHIEF|Chief)\s+)?(?:JUSTICE|Justice|JUDGE|Judge)\s+"
    r"(?P<name>[A-Z][A-Za-z'\u2019-]+)\s+authored\s+the\s+(?:[Oo]pinion|[Dd]ecision)"
    r"(?:[^.]{0,60}?,\s+in\s+which\s+(?P<names>[^.;]{3,400}?)\s+joined)?"
)
#: A title or a note inside such a list, no name: "VICE CHIEF JUSTICE", "(RETIRED)"; and
#: a word of the list.
_LIST_TITLE = re.compile(r"(?i:vice|chief|justices?|judges?|retired|pro|tem|and)")
_LIST_WORD = re.compile(r"[A-Z][A-Za-z'\u2019-]+")
#: A docket report's "Assigned to: Judge Gregory M. Sleet" and "Referred to: ...".
_ASSIGNED = re.compile(
    rf"(?m)^[ \t]*(?:Assigned|Referred)[ ]to:[ \t]*(?:(?:Chief[ ])?(?:Senior[ ])?"
    rf"(?:District[ ]|Magistrate[ ]|Bankruptcy[ ])?Judge[ ]|Hon\.[ ]|Honorable[ ])?"
    rf"(?P<name>{_NAME})"
)
_JUDGE_TITLES = frozenset(
    {"judge", "justice", "hon.", "honorable", "chief judge", "magistrate judge", "district judge",
     "circuit judge"}
)  # fmt: skip
#: A name in a list of names ("Barksdale, Stewart, and Dennis").
LIST_NAME = re.compile(rf"(?<![\w.])(?P<name>{_NAME})(?![\w])")


def _judge_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the names a judge cue names."""
    for match in _SINGLE_JUDGE.finditer(text):
        if text[max(0, match.start() - 1) : match.start()] == "(":
            continue  # "(Roberts, C.J., concurring)": a judge of the case cited
        yield _trim(text, *match.span("name"))
    for match in _JUDGE_LIST.finditer(text):
        offset = match.start("names")
        for name in LIST_NAME.finditer(match["names"]):
            yield _trim(text, offset + name.start(), offset + name.end())
    for match in (*_BEFORE_LIST.finditer(text), *_PRESENT_LIST.finditer(text)):
        offset = match.start("names")
        for name in LIST_NAME.finditer(match["names"]):
            yield _trim(text, offset + name.start(), offset + name.end())
    for match in _CONCUR_LIST.finditer(text):
        if match["chief"]:
            yield _trim(text, *match.span("chief"))
        offset = match.start("names")
        for name in LIST_NAME.finditer(match["names"]):
            yield _trim(text, offset + name.start(), offset + name.end())
    for match in _JUDGE_LABEL.finditer(text):
        yield match.span("name" if match["name"] else "plain")
    for match in _ASSIGNED.finditer(text):
        yield match.span("name")
    for match in (*_DELIVERED.finditer(text), *_TITLED_AUTHOR.finditer(text)):
        yield match.span("name")
    for match in _AUTHORED.finditer(text):
        yield match.span("name")
        if match["names"]:
            offset = match.start("names")
            for word in _LIST_WORD.finditer(match["names"]):
                if not _LIST_TITLE.fullmatch(word[0]):
                    yield offset + word.start(), offset + word.end()
    for match in _PANEL_NOTE.finditer(text):
        offset = match.start("names")
        for name in re.finditer(r"[A-Z][a-z]+", match["names"]):
            yield offset + name.start(), offset + name.end()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "Before", "The", "Honorable", "Chief Justice" from a judge's name."""
    while True:
        match = re.match(
            r"(Before|BEFORE|The|THE|Honorable|HONORABLE|Hon\.|and|AND|Chief|Justices?|JUSTICES?"
            r"|Judges?|JUDGES?)[ :]+",
            text[start:end],
        )
        if match is None:
            return start, end
        start += match.end()


def mark_judges(text: str, people: list[RawMention]) -> list[RawMention]:
    """``people`` with the judges of the document marked (``role`` ``"judge"``), plus
    person mentions for judges named only by surname in a judge cue."""
    result = list(people)
    recused = [match.span() for match in _RECUSED.finditer(text)]
    for start, end in _judge_spans(text):
        if any(s <= start < e for s, e in recused):
            continue
        # "KAGAN, J., took no part in the consideration or decision": a justice, not a judge
        # of this case
        no_part = bool(_NO_PART.match(text, end, end + 40) or _NO_PART.match(text, end + 1))
        name = text[start:end]
        words = [w.strip(",.").lower() for w in name.split()]
        if not words or any(w in NOT_NAME_WORDS or w in ORG_SUFFIXES for w in words):
            continue
        clash = [i for i, m in enumerate(result) if m.start < end and start < m.end]
        if not clash:
            result.append(
                RawMention(EntityType.PERSON, start, end, name, display_name(name), 0.85,
                           {} if no_part else {"role": "judge"})
            )  # fmt: skip
        if no_part:
            continue
        for index in clash:
            if result[index].type is EntityType.PERSON and not result[index].attributes.get("role"):
                result[index] = with_attributes(result[index], role="judge")
    letter = _SALUTATION.search(text) is not None or _REQUESTED.search(text) is not None
    titles = _JUDGE_TITLES - {"hon.", "honorable"} if letter else _JUDGE_TITLES
    greeted = [match.span() for match in _SALUTATION.finditer(text)]
    # a docket's conflict memo names judges who are no judges of the case
    greeted += [(m.end() - 1, m.end() + 40) for m in _CONFLICT_RE.finditer(text)]
    return alias_surnames([
        with_attributes(m, role="judge")
        if m.type is EntityType.PERSON and not m.attributes.get("role")
        and m.attributes.get("title", "").lower() in titles
        and not any(start <= m.start < end for start, end in greeted)
        else m
        for m in result
    ], among=lambda m: m.attributes.get("role") == "judge")  # fmt: skip
