"""Courts: Bluebook abbreviations, circuit names and caption headings.

Mentions are normalised to the Bluebook abbreviation ("S.D.N.Y.", "2d Cir.",
"N.D. Cal."). courts-db supplies the court id (``attributes["court_id"]``): by its
``citation_string`` for abbreviations, and by :func:`courts_db.find_court` for full
names. courts-db does not recognise the abbreviations in running text, hence the
patterns here. Court names inside citation parentheticals are found like any other.
"""

from __future__ import annotations

import functools
import re

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention

__all__ = ["canonical_court", "court_id", "find_courts"]

#: (full name, Bluebook abbreviation) of every state and federal district territory.
STATES: tuple[tuple[str, str], ...] = (
    ("Alabama", "Ala."), ("Alaska", "Alaska"), ("Arizona", "Ariz."), ("Arkansas", "Ark."),
    ("California", "Cal."), ("Colorado", "Colo."), ("Connecticut", "Conn."),
    ("Delaware", "Del."), ("District of Columbia", "D.C."), ("Florida", "Fla."),
    ("Georgia", "Ga."), ("Hawaii", "Haw."), ("Idaho", "Idaho"), ("Illinois", "Ill."),
    ("Indiana", "Ind."), ("Iowa", "Iowa"), ("Kansas", "Kan."), ("Kentucky", "Ky."),
    ("Louisiana", "La."), ("Maine", "Me."), ("Maryland", "Md."), ("Massachusetts", "Mass."),
    ("Michigan", "Mich."), ("Minnesota", "Minn."), ("Mississippi", "Miss."),
    ("Missouri", "Mo."), ("Montana", "Mont."), ("Nebraska", "Neb."), ("Nevada", "Nev."),
    ("New Hampshire", "N.H."), ("New Jersey", "N.J."), ("New Mexico", "N.M."),
    ("New York", "N.Y."), ("North Carolina", "N.C."), ("North Dakota", "N.D."),
    ("Ohio", "Ohio"), ("Oklahoma", "Okla."), ("Oregon", "Or."), ("Pennsylvania", "Pa."),
    ("Puerto Rico", "P.R."), ("Rhode Island", "R.I."), ("South Carolina", "S.C."),
    ("South Dakota", "S.D."), ("Tennessee", "Tenn."), ("Texas", "Tex."), ("Utah", "Utah"),
    ("Vermont", "Vt."), ("Virginia", "Va."), ("Washington", "Wash."),
    ("West Virginia", "W. Va."), ("Wisconsin", "Wis."), ("Wyoming", "Wyo."),
)  # fmt: skip

_ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
             "Ninth", "Tenth", "Eleventh")  # fmt: skip
_CIRCUIT_ABBR = ("1st", "2d", "3d", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th")
_DIRECTIONS = {"northern": "N.D.", "southern": "S.D.", "eastern": "E.D.", "western": "W.D.",
               "central": "C.D.", "middle": "M.D."}  # fmt: skip


def _loose(abbreviation: str) -> str:
    """A regex for an abbreviation that tolerates missing or extra spaces after periods."""
    return r"\.\s?".join(re.escape(part.strip()) for part in abbreviation.split("."))


_STATE_ABBR = {re.sub(r"\s", "", abbr).lower(): abbr for _, abbr in STATES}
_STATE_ALT = "|".join(_loose(abbr) for _, abbr in sorted(STATES, key=lambda s: -len(s[1])))
_STATE_NAME = {name.lower(): abbr for name, abbr in STATES}
_NAME_ALT = "|".join(re.escape(name) for name, _ in sorted(STATES, key=lambda s: -len(s[0])))

_CIRCUIT = re.compile(
    r"(?<![\w.])(?P<n>1st|2d|2nd|3d|3rd|[4-9]th|1[01]th|D\.\s?C\.|Fed\.)\s?Cir\.", re.ASCII
)
_DISTRICT = re.compile(
    rf"(?<![\w.])(?P<dir>[NSEWCM]\.\s?D\.|D\.)\s?(?P<state>{_STATE_ALT})(?![\w])", re.ASCII
)
_CIRCUIT_NAME = re.compile(
    r"\b(?:(?:United\s+States\s+)?Court\s+of\s+Appeals\s+for\s+the\s+)?"
    rf"(?P<n>{'|'.join(_ORDINALS)}|D\.C\.|Federal)\s+Circuit\b",
    re.IGNORECASE,
)
_DISTRICT_NAME = re.compile(
    r"\bUnited\s+States\s+District\s+Court\s*(?:,\s*|for\s+the\s+)?"
    rf"(?:(?P<dir>{'|'.join(_DIRECTIONS)})\s+)?District\s+of\s+(?P<state>{_NAME_ALT})\b",
    re.IGNORECASE,
)


def canonical_court(value: str) -> str | None:
    """The Bluebook abbreviation of a court string, or None if it is not one we know.

    >>> canonical_court("S.D. N.Y."), canonical_court("2nd Cir.")
    ('S.D.N.Y.', '2d Cir.')
    """
    value = value.strip()
    match = _CIRCUIT.fullmatch(value)
    if match:
        return _circuit(match["n"])
    match = _DISTRICT.fullmatch(value)
    if match:
        return _district(match["dir"], match["state"])
    return None


def _circuit(number: str) -> str:
    number = {"2nd": "2d", "3rd": "3d"}.get(number, number)
    if number.lower() in _ORDINAL_INDEX:
        number = _CIRCUIT_ABBR[_ORDINAL_INDEX[number.lower()]]
    elif number.replace(" ", "").upper() == "D.C.":
        number = "D.C."
    elif number.lower() in ("fed.", "federal"):
        number = "Fed."
    return f"{number} Cir."


_ORDINAL_INDEX = {name.lower(): index for index, name in enumerate(_ORDINALS)}


def _district(direction: str, state: str) -> str:
    direction = re.sub(r"\s", "", direction).upper()
    abbr = _STATE_ABBR[re.sub(r"\s", "", state).lower()]
    # Bluebook closes up runs of single capitals ("S.D.N.Y.", "D.N.J.") and spaces the
    # rest ("N.D. Cal.", "D. Del.").
    closed = re.fullmatch(r"(?:[A-Z]\.)+", abbr) is not None
    return f"{direction}{abbr}" if closed else f"{direction} {abbr}"


def find_courts(text: str) -> list[RawMention]:
    """Every court abbreviation, circuit name and district-court heading in ``text``."""
    found: list[RawMention] = []
    for match in _CIRCUIT.finditer(text):
        found.append(_mention(text, match.start(), match.end(), _circuit(match["n"]), 0.9))
    for match in _DISTRICT.finditer(text):
        value = _district(match["dir"], match["state"])
        found.append(_mention(text, match.start(), match.end(), value, 0.9))
    for match in _CIRCUIT_NAME.finditer(text):
        found.append(_mention(text, match.start(), match.end(), _circuit(match["n"]), 0.85))
    for match in _DISTRICT_NAME.finditer(text):
        direction = _DIRECTIONS.get((match["dir"] or "").lower(), "D.")
        state = _STATE_NAME[" ".join(match["state"].lower().split())]
        value = _district(direction, state)
        found.append(_mention(text, match.start(), match.end(), value, 0.9))
    return found


def _mention(text: str, start: int, end: int, value: str, confidence: float) -> RawMention:
    identifier = court_id(value)
    attributes = {"court_id": identifier} if identifier else {}
    return RawMention(EntityType.COURT, start, end, text[start:end], value, confidence, attributes)


def court_id(abbreviation: str) -> str | None:
    """The courts-db id of a Bluebook abbreviation ("S.D.N.Y." → "nysd"), if known."""
    return _court_index().get(_key(abbreviation))


def _key(value: str) -> str:
    return re.sub(r"[\s.]", "", value).lower().replace("3rd", "3d").replace("2nd", "2d")


@functools.cache
def _court_index() -> dict[str, str]:
    """courts-db federal courts by their normalised citation string."""
    try:
        from courts_db import load_courts_db
    except ImportError:  # courts-db only adds ids; mentions are found without it
        return {}
    index: dict[str, str] = {}
    for court in load_courts_db():
        cite = court.get("citation_string") or ""
        if cite and court.get("system") == "federal":
            index.setdefault(_key(cite), court["id"])
    return index
