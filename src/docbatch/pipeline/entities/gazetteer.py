"""National bodies that a filing names without a legal form or a place.

"Executive Office for Immigration Review", "Federal Bureau of Prisons", "United States
Marine Corps", "American Legion": no suffix ("Inc."), no seat ("North Carolina State
Board of ...") and often no head noun marks these as organisations, yet court filings
name them constantly. They come from a hand-kept list (``data/national_bodies.txt``),
each with its other names and acronyms; every form is reported under the body's canonical
name, each with its other names and acronyms.

Every full name keeps its own form, and an acronym is reported under the name the document
spells the body with (else its canonical name), so "BOP" and "Federal Bureau of Prisons"
are one organisation. An acronym matches as
a whole word only, and is no body:

- where an address puts a state's abbreviation ("Arlington, VA 22202"): after a comma or
  before a number;
- where the document defines it as something else: "Dependents' Educational Assistance
  (DEA)".

A body named as a party of a cited case ("FDA v. All. for Hippocratic Med., 602 U.S. 367")
is citation metadata, and a listed name that only begins a longer one ("American Civil
Liberties Union Foundation of Northern California") is left to the rules that find that.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.bodies import in_case_name
from docbatch.pipeline.entities.names import display_name

__all__ = ["find_national_bodies"]


@cache
def _patterns() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern over every form of every body, and each form's canonical name."""
    canonical: dict[str, str] = {}
    names: list[str] = []
    acronyms: list[str] = []
    data = resources.files(__package__).joinpath("data/national_bodies.txt")
    for line in data.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        forms = [form.strip() for form in line.split("|")]
        for form in forms:
            canonical[_key(form)] = forms[0]
            if re.fullmatch(r"[A-Z]{2,6}", form):
                acronyms.append(re.escape(form))
            else:
                words = [re.escape(word) for word in form.split()]
                names.append(r"\s+".join(words))
                names.append(r"\s+".join(word.upper() for word in words))
    names.sort(key=len, reverse=True)
    name_part = rf"(?<![\w.])(?:{'|'.join(names)})(?![\w])(?!{_LONGER})"
    acronym_part = rf"(?<![\w.&/-])(?<!,[ ])(?:{'|'.join(acronyms)})(?![\w&/-])(?!\.\w)(?![ ]+\d)"
    return re.compile(rf"{name_part}|{acronym_part}"), canonical


#: What makes a listed name the start of a longer one: "... Union Foundation of Northern
#: California", "... Legion Post 12", "NAACP Legal Defense ...".
_LONGER = r"[ \t]*\n?[ \t]*(?:Foundation|Fund|Legal|Post|Chapter|Council|of[ ]+(?!the\b)[A-Z])"


def _key(form: str) -> str:
    return " ".join(form.split()).casefold()


def find_national_bodies(text: str) -> list[RawMention]:
    """Every national body of the list that ``text`` names, under its canonical name."""
    pattern, canonical = _patterns()
    matches = [
        (match, canonical[_key(match[0])])
        for match in pattern.finditer(text)
        if _key(match[0]) in canonical and not in_case_name(text, match.start(), match.end())
    ]
    # an acronym takes the name the document itself spells the body with, if it does
    spelled: dict[str, str] = {}
    for match, body in matches:
        if not _is_acronym(match[0]):
            spelled.setdefault(body, display_name(match[0]))
    found = []
    redefined: dict[str, bool] = {}
    for match, body in matches:
        form = match[0]
        if _is_acronym(form):
            if form not in redefined:
                redefined[form] = _defined_otherwise(text, form, body, canonical)
            if redefined[form]:
                continue
            name = spelled.get(body, body)
        else:
            name = display_name(form)
        found.append(
            RawMention(EntityType.ORGANIZATION, match.start(), match.end(), form, name, 0.8)
        )
    return found


def _is_acronym(form: str) -> bool:
    return re.fullmatch(r"[A-Z]{2,6}", form) is not None


def _defined_otherwise(text: str, acronym: str, name: str, canonical: dict[str, str]) -> bool:
    """Whether ``text`` spells ``acronym`` out as something other than ``name``: "(DEA)"
    after words that are none of the body's names."""
    for match in re.finditer(rf"\((?:the[ ])?{acronym}\)", text):
        before = " ".join(text[max(0, match.start() - 80) : match.start()].split())
        if not any(
            before.casefold().endswith(form)
            for form, body in canonical.items()
            if body == name and not _is_acronym(form.upper())
        ):
            return True
    return False
