"""Courts a text names without their state, read as its state's: "(App.Div.2002)", "the
Appeals Court", "a Juvenile Court judge", "our supreme court", "the Supreme Court"; and the
two readings of a text's state they rest on, :func:`cited_state` (the state whose reports
or name it cites most) and :func:`own_state` (the state whose court heads it)."""

from __future__ import annotations

import functools
import re

from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.court_names import (
    APPEALS_COURTS,
    HIGHEST_COURTS_OF_APPEALS,
    STATE_BY_NAME,
    STATES,
    court_mention,
)

__all__ = ["cited_state", "own_state", "unstated_courts"]

#: The top of a document, where its court's heading stands.
_HEADING_AREA = 600


@functools.lru_cache(maxsize=4)  # asked by several finders of one document's text
def cited_state(text: str) -> str | None:
    """The state whose own reports an opinion cites most ("414 Mass. 423", "(Tex. 2002)")
    or names most (in its heading above all), when that is at least three times and twice
    as often as any other."""
    counts = []
    for name, abbreviation in STATES:
        mark = re.escape(abbreviation)
        volume = rf"\b\d{{1,4}}[ ]{mark}(?:[ ]?(?:App\.|Super\.|Ct\.|Div\.|\dd|\dth))*[ ]\d"
        parenthetical = rf"\({mark}[ ]?(?:App\.[^()\n]{{0,30}}?)?(?:1[89]|20)\d\d\)"
        named = rf"\b{re.escape(name)}\b"
        # the court's heading ("Superior Court of New Jersey") tells it best: it counts thrice
        heading = 3 * len(re.findall(named, text[:_HEADING_AREA]))
        counts.append((len(re.findall(f"{volume}|{parenthetical}|{named}", text)) + heading, name))
    counts.sort(reverse=True)
    (best, name), (second, _) = counts[0], counts[1]
    return name if best >= 3 and best >= 2 * second else None


#: A state court heading an opinion: "MISSOURI COURT OF APPEALS", "Supreme Court of Indiana".
_OWN_STATE_COURT = re.compile(
    r"(?i:(?P<s1>[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?)[ ]+(?:Court[ ]+of[ ]+Appeals|Supreme[ ]+Court)"
    r"|(?:Supreme[ ]+(?:Judicial[ ]+)?Court(?:[ ]+of[ ]+Appeals)?|Appellate[ ]+Court"
    r"|Court[ ]+of[ ]+(?:Special[ ]+)?Appeals?)[ ]+of[ ]+(?:the[ ]+State[ ]+of[ ]+)?"
    r"(?P<s2>[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?))"
)


#: A federal court named on a document's first page.
_FEDERAL_COURT = r"(?i:united[ ]states[ ]court|circuit[ ]court[ ]of[ ]appeals|district[ ]court)"


def own_state(text: str) -> str:
    """The Bluebook abbreviation of the state whose court heads the document ("Mo."), if
    the first page names one state court and no federal one."""
    head = text[:3000]
    if re.search(_FEDERAL_COURT, head):
        return ""
    for match in _OWN_STATE_COURT.finditer(head):
        words = (match["s1"] or match["s2"]).lower().split()
        # "the Missouri Court of Appeals", "New York Court of Appeals"
        abbr = STATE_BY_NAME.get(" ".join(words)) or STATE_BY_NAME.get(words[-1])
        if abbr:
            return abbr
    return ""


#: Courts a text names without its state, read as the courts of the state it cites most:
#: "(App.Div.2002)" (New Jersey's or New York's Appellate Division), "the Appeals Court"
#: (Massachusetts'), "a Juvenile Court judge".
_UNSTATED_COURT = re.compile(
    r"\((?P<division>App\.\s?Div\.)\s?(?:1[89]|20)\d\d\)"
    # after an article only: "Chilton County Probate Court" is a county's court
    r"|\b(?:the|The|a|A|an|An)[ ](?:(?P<appeals>Appeals[ ]Court)\b"
    r"|(?P<kind>Juvenile|Probate|Family|Housing|Land|Municipal"
    r"|(?i:circuit|superior|chancery)|juvenile)[ ](?i:court)\b(?![ ]of))"
    # a state's intermediate court names the state's highest: "our supreme court held"
    r"|\b(?:[Oo]ur|OUR)[ ](?P<supreme>(?i:supreme[ ]court))\b"
    # "the Supreme Court" alone: the state's in a state court's opinion, else the Nation's
    r"|\b(?:the|The)[ ](?P<bare_supreme>Supreme[ ]Court)\b(?![ ]of\b|,[ ][A-Z]|[ ]\(|[ ]Rule)"
    # in a state court's opinion, its state's courts in lower case ("the supreme court",
    # Wisconsin), "the Court of Appeals" and its parenthetical "(Ct.App.2009)" (South Carolina)
    r"|\b(?:the|The)[ ](?P<own_supreme>supreme[ ]court)\b(?![ ]of\b)"
    r"|\b(?:the|The)[ ](?P<own_appeals>Court[ ]of[ ]Appeals)\b(?![ ]of\b|[ ]for\b|,[ ][A-Z])"
    r"|\((?P<own_app>Ct\.[ ]?App\.)[ ]?(?:1[89]|20)\d\d\)"
)
#: Trial courts a state court's opinion names by their kind alone ("the circuit court",
#: "the Superior Court"), read so (as any kind in lower case: "the juvenile court") only in
#: an opinion headed by that state's court.
_STATE_COURT_KINDS = frozenset({"circuit", "superior", "chancery"})
_UNSTATED_KIND = {"juvenile": "Juv. Ct.", "probate": "Prob. Ct.", "family": "Fam. Ct.",
                  "housing": "Hous. Ct.", "land": "Land Ct.", "municipal": "Mun. Ct.",
                  "circuit": "Cir. Ct.", "superior": "Super. Ct.", "chancery": "Ch."}  # fmt: skip


#: A federal court's heading: its opinion's "the Supreme Court" is the Nation's.
_FEDERAL_HEAD = re.compile(
    rf"(?i){_FEDERAL_COURT}|supreme[ ]court[ ]of[ ]the[ ]united[ ]states|\bCir\.[ ]\d{{4}}\)"
    # a federal agency's decision: "U.S. Department of Justice", "Board of Immigration Appeals"
    r"|(?:u\.[ ]?s\.|united[ ]states)[ ]department[ ]of|board[ ]of[ ](?:immigration|veterans)"
)


def _bare_supreme_court(text: str, own: str) -> str | None:
    """Which court "the Supreme Court" is: the state's whose court heads the text (``own``),
    the Nation's in a federal court's text, else the state's the text cites most (an
    attorney general's opinion); never New York's (a trial court)."""
    if own:
        return None if own == "N.Y." else own
    if _FEDERAL_HEAD.search(text[:_HEADING_AREA]):
        return "U.S."
    state = cited_state(text)
    abbr = STATE_BY_NAME[state.lower()] if state else None
    return None if abbr == "N.Y." else abbr


#: An intermediate court's heading that gives its state only under its district: "IN THE
#: COURT OF APPEALS / ELEVENTH APPELLATE DISTRICT / LAKE COUNTY, OHIO" (Ohio's districts).
_APPEALS_HEADING = re.compile(
    r"(?m)^[ \t]*(?:IN[ ]THE[ ])?(?P<court>COURT[ ]OF[ ]APPEALS)[ \t]*\n(?:[ \t]*\n)*"
    r"(?:[ \t]*[A-Z][A-Z ]+DISTRICT[ \t]*\n(?:[ \t]*\n)*)?"
    r"[ \t]*[A-Z][A-Z .']+[ ]COUNTY,[ ]+(?P<state>[A-Z][A-Z ]+?)[ \t]*$"
)


def _appeals_heading(text: str) -> list[RawMention]:
    """The court of :data:`_APPEALS_HEADING` at the top of ``text``, as its state's."""
    match = _APPEALS_HEADING.search(text[:_HEADING_AREA])
    abbr = STATE_BY_NAME.get(" ".join(match["state"].lower().split())) if match else None
    if match is None or abbr is None:
        return []
    value = APPEALS_COURTS.get(abbr, f"{abbr} Ct. App.")
    return [court_mention(text, *match.span("court"), value, 0.8)]


def unstated_courts(text: str) -> list[RawMention]:
    """The courts of :data:`_UNSTATED_COURT`, when the text's state stands out, and an
    appeals court's heading that names its state under its district."""
    return _appeals_heading(text) + _unstated_courts(text)


def _unstated_courts(text: str) -> list[RawMention]:
    matches = list(_UNSTATED_COURT.finditer(text))
    own = own_state(text) if matches else ""
    bare = [m for m in matches if m["bare_supreme"]]
    supreme = _bare_supreme_court(text, own) if bare else None
    found = [court_mention(text, *m.span("bare_supreme"), supreme, 0.7) for m in bare if supreme]
    found += _own_state_courts([m for m in matches if m.lastgroup in _OWN_GROUPS], text, own)
    matches = [m for m in matches if not m["bare_supreme"] and m.lastgroup not in _OWN_GROUPS]
    state = cited_state(text) if matches else None
    if state is None:
        return found
    abbr = STATE_BY_NAME[state.lower()]
    for match in matches:
        if match["division"]:
            value = {"N.J.": "N.J. Super. Ct. App. Div.", "N.Y.": "N.Y. App. Div."}.get(abbr)
            start, end = match.span("division")
        elif match["appeals"]:
            value = "Mass. App. Ct." if abbr == "Mass." else None
            start, end = match.span("appeals")
        elif match["supreme"]:
            value = None if abbr == "N.Y." else abbr  # New York's is a trial court
            start, end = match.span("supreme")
        else:
            kind = match["kind"].lower()
            if (kind in _STATE_COURT_KINDS or kind == match["kind"]) and own != abbr:
                continue  # "the circuit court" of a federal or another state's opinion
            value = f"{abbr} {_UNSTATED_KIND[kind]}"
            start, end = match.start("kind"), match.end()
        if value is not None:
            found.append(court_mention(text, start, end, value, 0.75))
    return found


_OWN_GROUPS = frozenset({"own_supreme", "own_appeals", "own_app"})


def _own_state_courts(matches: list[re.Match[str]], text: str, own: str) -> list[RawMention]:
    """The courts of a state court's opinion that it names without their state: only in an
    opinion headed by a state's court whose reports it cites most."""
    state = cited_state(text) if matches and own else None
    if state is None or STATE_BY_NAME[state.lower()] != own or own == "N.Y.":
        return []  # New York's "supreme court" is a trial court; its appeals court the highest
    appeals = (
        own if own in HIGHEST_COURTS_OF_APPEALS else APPEALS_COURTS.get(own, f"{own} Ct. App.")
    )
    values = {"own_supreme": own, "own_appeals": appeals, "own_app": appeals}
    return [court_mention(text, *m.span(m.lastgroup or ""), values[m.lastgroup or ""], 0.7)
            for m in matches]  # fmt: skip
