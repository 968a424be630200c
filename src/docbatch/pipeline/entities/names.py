"""Word lists and display-name cleaning for people and organisations.

Small, hand-kept gazetteers: organisation suffixes and head nouns, party and title cues,
common given names, and words that are never part of a person's name in legal prose.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from importlib import resources

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention

__all__ = [
    "BUILDING_BY_NUMBER",
    "BUILDING_HEAD",
    "ENTRY_VERBS",
    "GIVEN_NAMES",
    "LEADING_NOISE",
    "LOWER",
    "NOT_NAME_WORDS",
    "ORG_HEADS",
    "ORG_SUFFIXES",
    "STAR_PAGE",
    "UPPER",
    "alias_surnames",
    "display_name",
    "is_shouting",
    "person_name",
    "surname",
]

#: Letters of names for regular expressions' classes, accented Latin letters included
#: ("Sánchez", "Fernández-Martínez", "SÁNCHEZ PIRILLO LLC"): upper and lower case.
UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff"

#: Legal-form suffixes: strong evidence that the words before them name an organisation.
ORG_SUFFIXES: dict[str, str] = {
    key.lower(): key
    for key in (
        "Inc.", "Inc", "Incorporated", "LLC", "L.L.C.", "Corp.", "Corporation", "Co.", "Company",
        "Ltd.", "Limited",
        "L.P.", "LP", "LLP", "L.L.P.", "N.A.", "P.C.", "PLC", "plc", "GmbH", "S.A.", "AG",
        "P.A.", "PLLC", "P.L.L.C.", "P.L.C.", "N.V.", "B.V.", "S.p.A.",
    )
}  # fmt: skip

#: Nouns that end many organisation names; weaker evidence than a legal suffix.
ORG_HEADS: frozenset[str] = frozenset(
    {
        "bank", "trust", "holdings", "group", "partners", "associates", "fund", "foundation",
        "agency",
        "association", "university", "insurance", "bancorp", "capital", "securities",
        "industries", "enterprises", "technologies", "systems", "ventures", "laboratories",
        "society", "church", "chapel", "institute", "center", "council", "committee",
        "coalition", "alliance", "league", "hospital", "college", "supply", "diocese",
        "archdiocese", "organization", "organisation",
        # tribes and public forces named without a legal form: "Oglala Sioux Tribe",
        # "Cherokee Nation", "Utah Highway Patrol", "Indiana State Police", "Joint Terrorism
        # Task Force"
        "tribe", "nation", "pueblo", "patrol", "police", "force",
    }
)  # fmt: skip

#: A building by its number, in words or figures: "Four Gateway Center", "ONE GATEWAY
#: CENTER", "One Saint Andrew's Plaza" (an address's line, never a firm or a party).
BUILDING_BY_NUMBER = (
    r"(?i:(?:one|two|three|four|five|six|seven|eight|nine|ten|\d{1,3})[ ](?:[a-z'\u2019]+[ ]){1,2}"
    r"(?:center|centre|plaza|place|square|tower|park|commerce))\b"
)
#: The last word of a building named by its name: "PJKK Federal Building", "The William K.
#: Nakamura Courthouse".
BUILDING_HEAD = r"(?i:Building|Bldg\.?|Courthouse|Tower)\b"

#: A docket entry's verbs, which a name found in an entry may run into on either side:
#: "Removing Andrew L. Liao", "by Judge John A. Houston Rejecting Document".
ENTRY_VERBS: frozenset[str] = frozenset(
    {"rejecting", "removing", "granting", "denying", "vacating", "terminating", "striking",
     "adding", "appointing", "approving", "dismissing", "referring", "reassigning",
     "withdrawing", "accepting", "adopting", "overruling", "sustaining"}
)  # fmt: skip

#: Words stripped from the front of a candidate name ("The", "Plaintiff", "See", ...).
LEADING_NOISE: frozenset[str] = frozenset(
    {
        "the", "a", "an", "see", "also", "cf.", "and", "or", "but", "against", "under", "in",
        "on", "by", "for", "from", "with", "to", "of", "that", "this", "dated", "plaintiff",
        "plaintiffs", "defendant", "defendants", "petitioner", "petitioners", "respondent",
        "respondents", "appellant", "appellants", "appellee", "appellees", "however",
        "meanwhile", "thus", "here", "because", "although", "when", "after", "before",
        "since", "moreover", "accordingly", "nor", "neither", "both", "each", "where",
        "while", "whether", "if", "as", "at", "judge", "justice", "mr.", "ms.", "mrs.", "dr.",
        "intervenor", "intervenors", "defendant-intervenor", "defendant-intervenors",
        "plaintiff-intervenor", "plaintiff-intervenors", "attorney",
        # a bankruptcy docket's parties and the verbs of its entries' titles ("Application to
        # Employ Diamond McCarthy LLP", "Filed by Debtors Robert G. Drace")
        "debtors", "creditors", "employ", "retain",
        "granting", "denying", *ENTRY_VERBS,
        # "for Amicus Curiae National Association of ...", "Lawsuit Filed Against Acme Co."
        "amicus", "amici", "curiae", "filed",
    }
)  # fmt: skip

#: Words that are never part of a person's name in this kind of text.
NOT_NAME_WORDS: frozenset[str] = frozenset(
    {
        "january", "february", "march", "april", "may", "june", "july", "august", "september",
        "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
        # a docket entry's words after a party's type: "Debtor Statement of Current Monthly
        # Income", "Notice to Debtor Not Represented by an Attorney"
        "statement", "represented", "not",
        # the words after a defendant's name in an entry: "as to Daniel Roe Signed by ...",
        # "Plea of Guilty as to Daniel Roe Objections to R&R due by 8/7/2008"
        "signed", "objections",
        # "MINUTES before Senior Judge Coyle RE: 3/15/04 Hrg", "ORDER for RELEASE of passport"
        "re", "release",
        "friday", "saturday", "sunday", "court", "courts", "circuit", "district", "judge",
        "justice", "united", "states", "state", "america", "american", "rule", "rules",
        "section", "act", "code", "plaintiff", "plaintiffs", "defendant", "defendants",
        "petitioner", "respondent", "appellant", "appellee", "order", "opinion", "motion",
        "complaint", "exchange", "securities", "federal", "county", "city", "new", "york",
        "supreme", "appeals", "commission", "department", "the", "and", "of", "so", "ordered",
        "dated", "denied", "granted", "filed", "entered", "docketed", "id", "see", "also",
        # a docket's sentences in capitals: "OCIS HAS AUTOMATICALLY ASSIGNED", "POSTED BY"
        "has", "have", "had", "was", "were", "is", "are", "been", "by",
        "street", "avenue", "road",
        "government", "congress", "senate", "house", "magistrate", "chief", "honorable",
        "southern", "northern", "eastern", "western", "central", "middle", "civil",
        "criminal", "procedure", "evidence", "first", "second", "third", "fourth", "fifth",
        "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "amendment", "article",
        "memorandum", "judgment", "agreement", "contract", "company", "bank", "trust",
        "holdings", "capital", "group", "inc", "llc", "corp", "ltd", "law", "laws", "statute",
        "regulation", "constitution", "clause", "count", "claim", "claims", "case", "no",
        # institutions named after people ("Thomas More Society", "Thomas F. Eagleton
        # Courthouse") and roles, groups and papers ("Staff Judge Advocate", "Leadership
        # Team", "Profile Forms") that have a name's shape
        "society", "courthouse", "building", "chapel", "community", "institute", "center",
        "hospital", "school", "college", "library", "museum", "council", "committee",
        "coalition", "alliance", "league", "advocate", "advocates", "team", "leadership",
        "staff", "form", "forms", "profile", "office", "clerk", "counsel", "board",
        # "Appellee (Plaintiff Below)"
        "below",
        # a web page's headings: "Participants & Attorneys", "Docket Entries"
        "participants", "attorneys", "parties", "entries", "documents", "briefs",
        # "Austin et al.", and the Bluebook's abbreviations of case-name words ("Jefferson
        # Cnty. Bd. of Educ."), which no person's name holds
        "et", "al", "cnty", "bd", "educ", "ass'n", "comm'n", "dep't", "gov't", "int'l",
        "nat'l", "sch", "dist", "univ", "hosp", "mut", "twp", "mfg", "prods", "indus",
        "servs", "sys", "transp", "auth", "comm", "admin", "envtl",
        # a docket's words after a title: "Adopting Magistrate Judge Findings and
        # Recommendation", "Findings ... of the Magistrate Judge Upon", "ATTORNEY TO BE
        # NOTICED"
        "findings", "recommendation", "recommendations", "upon", "noticed",
        # a criminal docket's words: "Adama Kane Interpreter: X", "(Defendant Location:
        # Bond)", the headings "Complaints / Disposition / None"
        "interpreter", "location", "complaints", "disposition", "none",
    }
)  # fmt: skip

#: Given names, for the weakest person evidence ("Alice Baker" with no cue): the 1990 U.S.
#: Census first-name lists less ordinary words ("Will", "Grant"), see
#: ``scripts/make_given_names.py``.
GIVEN_NAMES: frozenset[str] = frozenset(
    line
    for line in resources.files(__package__)
    .joinpath("data/given_names.txt")
    .read_text(encoding="ascii")
    .splitlines()
    if line and not line.startswith("#")
)

_CONNECTORS = {
    "and": "and",
    "of": "of",
    "the": "the",
    "de": "de",
    "&": "&",
    "at": "at",
    "for": "for",
    "to": "to",
    "on": "on",
    "in": "in",
}


def is_shouting(value: str) -> bool:
    """True when the letters of ``value`` are (almost) all capitals, as in captions."""
    letters = [c for c in value if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


#: A reporter's page number in running text ("*930"), as star paging prints it.
STAR_PAGE = re.compile(r"(?<!\S)\*{1,3}\d{1,5}(?!\S)")  # "**480": a second reporter's page


def display_name(value: str) -> str:
    """A clean display form: single spaces, and title case for an ALL-CAPS caption name.

    >>> display_name("ACME HOLDINGS, INC.")
    'Acme Holdings, Inc.'
    """
    value = re.sub(r"(?<=[a-z])-[ \t]*\n[ \t]*(?=[a-z])", "", value)  # "Interna-\ntional"
    # a word in capitals broken at a line's end: "OFFICE OF THE FED-\nERAL PUBLIC"
    value = re.sub(r"(?<=[A-Z]{2})-[ \t]*\n[ \t]*(?=[A-Z]{2,4}\b)", "", value)
    value = re.sub(r"(?<=\w)-[ \t]*\n[ \t]*(?=\w)", "-", value)  # "SMITH-\nJONES": a real hyphen
    value = STAR_PAGE.sub(" ", value)  # "Masterson *930 Mattei": a reporter's page, no word
    value = " ".join(value.split()).strip(" ,;")
    if not is_shouting(value):
        return value
    words: list[str] = []
    for index, word in enumerate(value.split(" ")):
        core = word.rstrip(",")
        tail = word[len(core) :]
        if core.lower() in ORG_SUFFIXES:
            core = ORG_SUFFIXES[core.lower()]
        elif index and core.lower() in _CONNECTORS:
            core = _CONNECTORS[core.lower()]
        elif (re.fullmatch(r"I{1,3}|IV|VI{0,3}", core) and index) or core in _INITIALISMS:
            pass  # "Eggers IV"; "USA", not "Usa"
        elif index and re.fullmatch(r"[A-Z]{2}", core) and words[-1].endswith(","):
            pass  # a state after its town: "WINDHAM, NH" is "Windham, NH"
        elif index and re.fullmatch(r"[B-DF-HJ-NP-TV-XZ]{2,4}", core):
            pass  # initials with no vowel to read as a word: "EDMOND PD", "CAVALRY SPV I"
        elif not re.fullmatch(r"(?:[A-Z]\.)+", core):  # initials stay as they are
            core = _title_word(core)
        words.append(core + tail)
    return " ".join(words)


def person_name(value: str) -> str:
    """A person's display name, a surname in capitals among words in title case included:
    "Gretchen RIVERA" is "Gretchen Rivera" (initials and generations stay)."""
    value = display_name(value)
    words = value.split(" ")
    if not any(re.fullmatch(r"[A-Z][a-z]+", w) for w in words):
        return value
    return " ".join(
        _title_word(w)
        if re.fullmatch(r"[A-Z]{2,}(?:[-'\u2019][A-Z]{2,})?,?", w)
        and not re.fullmatch(r"I{1,3}|IV|VI{0,3}|JR|SR", w.rstrip(","))
        else w
        for w in words
    )


#: Words in capitals that are initials, kept so in a name in capitals.
_INITIALISMS = frozenset({"USA", "U.S.A.", "US", "LLC", "LLP", "FBI", "IRS", "DOJ", "ICE"})


def _title_word(word: str) -> str:
    """ "SMITH" → "Smith", "O'BRIEN" → "O'Brien", "SMITH-JONES" → "Smith-Jones",
    "ATTORNEY'S" → "Attorney's"."""
    parts = re.split(r"([-'\u2019])", word.lower())
    # "MCCALL" is "McCall"
    parts = [f"Mc{p[2:].title()}" if p.startswith("mc") and len(p) > 3 else p for p in parts]
    titled = [part[:1].upper() + part[1:] for part in parts]
    if len(titled) >= 3 and titled[-1] == "S" and titled[-2] in ("'", "\u2019"):
        titled[-1] = "s"  # a possessive, not a name after an apostrophe
    return "".join(titled)


def surname(words: Sequence[str]) -> str:
    """The last name of a name's words, with its "St." ("St. Pierre", not "Pierre")."""
    last = words[-1].rstrip(",")
    if len(words) > 2 and words[-2].lower() in ("st.", "ste."):
        last = f"{words[-2]} {last}"
    return last


def alias_surnames(
    mentions: Sequence[RawMention], among: Callable[[RawMention], bool] = lambda _: True
) -> list[RawMention]:
    """A person named by surname alone ("Ms. St. Pierre", "Justice REYNA"), or by given name
    and surname ("Brewster Jamieson"), is the one person of the document, of those
    ``among`` accepts, with that name and a fuller one ("Vanessa St. Pierre", "FELIPE REYNA,
    Justice.", "Brewster H. Jamieson"). The short mention then takes the full name as its
    value (and as ``alias_of``); with two such people ("John Smith", "Mary Smith") it is
    left as it is."""

    def eligible(mention: RawMention) -> bool:
        return mention.type is EntityType.PERSON and among(mention)

    def sure(mention: RawMention) -> bool:
        # a weak name is a full name only when it has a role ("FELIPE REYNA, Justice.")
        return eligible(mention) and (mention.confidence >= 0.7 or "role" in mention.attributes)

    full: dict[str, set[str]] = {}
    for mention in mentions:  # "Brewster Jamieson" is "Brewster H. Jamieson" too
        words = mention.normalized.split()
        if sure(mention) and len(words) > 2:
            key = f"{words[0]} {surname(words)}".casefold()
            full.setdefault(key, set()).add(mention.normalized)
    for mention in mentions:
        words = mention.normalized.split()
        fuller = full.get(mention.normalized.casefold(), set())
        if sure(mention) and len(words) > 1 and len(fuller - {mention.normalized}) != 1:
            full.setdefault(surname(words).casefold(), set()).add(mention.normalized)
    result = []
    for mention in mentions:
        names = full.get(mention.normalized.casefold(), set()) if eligible(mention) else set()
        if len(names) == 1 and mention.normalized not in names:
            (name,) = names
            mention = dataclasses.replace(
                mention, normalized=name, attributes={**mention.attributes, "alias_of": name}
            )
        result.append(mention)
    return result
