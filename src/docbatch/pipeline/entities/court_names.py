"""The names courts are written with: every state's name and Bluebook abbreviation, the
states whose highest court is a "Court of Appeals", and a court mention with its
courts-db id. Shared by :mod:`courts` (courts named in full) and :mod:`unstated_courts`
(courts a text names without their state)."""

from __future__ import annotations

import functools
import re

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention

__all__ = [
    "APPEALS_COURTS", "HIGHEST_COURTS_OF_APPEALS", "STATES", "STATE_ABBREVIATIONS",
    "STATE_ABBR_PATTERN", "STATE_BY_NAME", "STATE_NAME_PATTERN", "court_id", "court_mention",
    "state_abbreviation",
]  # fmt: skip

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


def _loose(abbreviation: str) -> str:
    """A regex for an abbreviation that tolerates missing or extra spaces after periods."""
    return r"\.\s?".join(re.escape(part.strip()) for part in abbreviation.split("."))


STATE_ABBREVIATIONS = {re.sub(r"\s", "", abbr).lower(): abbr for _, abbr in STATES}
#: Patterns of every state's Bluebook abbreviation (spacing tolerated) and of its name.
STATE_ABBR_PATTERN = "|".join(_loose(abbr) for _, abbr in sorted(STATES, key=lambda s: -len(s[1])))
STATE_BY_NAME = {name.lower(): abbr for name, abbr in STATES}
STATE_NAME_PATTERN = "|".join(
    re.escape(name) for name, _ in sorted(STATES, key=lambda s: -len(s[0]))
).replace("Hawaii", "Hawai['\u2019\u02bb]?i")  # "Hawai'i", as its own courts write it


def state_abbreviation(written: str) -> str:
    """The Bluebook abbreviation of a state written by name ("New  York", "NEW YORK"), by
    abbreviation ("N. Y.") or as "Columbia" of "District of Columbia"."""
    key = re.sub("['\u2019\u02bb]", "", " ".join(written.split()).lower())
    if key == "columbia":
        key = "district of columbia"
    return STATE_BY_NAME.get(key) or STATE_ABBREVIATIONS[re.sub(r"\s", "", key)]


#: Where a state names its highest court "Court of Appeals".
HIGHEST_COURTS_OF_APPEALS = frozenset({"N.Y.", "Md.", "D.C."})
#: A state's intermediate court of appeals where the Bluebook does not write it "<state> Ct.
#: App.".
APPEALS_COURTS = {
    "Tex.": "Tex. App.", "Colo.": "Colo. App.", "Ill.": "Ill. App. Ct.",
    "Okla.": "Okla. Civ. App.",
}  # fmt: skip


def court_mention(text: str, start: int, end: int, value: str, confidence: float) -> RawMention:
    """A court mention of ``value``, with its courts-db id when it has one."""
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
