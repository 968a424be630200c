"""Courts: Bluebook abbreviations, circuit names and caption headings.

Mentions are normalised to the Bluebook abbreviation ("S.D.N.Y.", "2d Cir.",
"N.D. Cal."). courts-db supplies the court id (``attributes["court_id"]``): by its
``citation_string`` for abbreviations, and by :func:`courts_db.find_court` for full
names. courts-db does not recognise the abbreviations in running text, hence the
patterns here. Court names inside citation parentheticals are found like any other.
"""

from __future__ import annotations

import re

from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.court_names import (
    APPEALS_COURTS,
    HIGHEST_COURTS_OF_APPEALS,
    STATE_ABBR_PATTERN,
    STATE_ABBREVIATIONS,
    STATE_BY_NAME,
    STATE_NAME_PATTERN,
    court_mention,
    state_abbreviation,
)
from docbatch.pipeline.entities.unstated_courts import unstated_courts

__all__ = ["canonical_court", "find_courts"]

_ORDINALS = ("First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
             "Ninth", "Tenth", "Eleventh")  # fmt: skip
_CIRCUIT_ABBR = ("1st", "2d", "3d", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "11th")
_DIRECTIONS = {"northern": "N.D.", "southern": "S.D.", "eastern": "E.D.", "western": "W.D.",
               "central": "C.D.", "middle": "M.D."}  # fmt: skip


_CIRCUIT = re.compile(
    r"(?<![\w.])(?P<n>1st|2d|2nd|3d|3rd|[4-9]th|1[01]th|D\.\s?C\.|Fed\.)[ \t]?\n?[ \t]*Cir\.",
    re.ASCII,
)
_DISTRICT = re.compile(
    rf"(?<![\w.])(?P<dir>[NSEWCM]\.\s?D\.|D\.)\s?(?P<state>{STATE_ABBR_PATTERN})(?![\w])", re.ASCII
)
#: A state's court of appeal right before a circuit's name: "Court of Appeal of Louisiana,
#: Fourth Circuit", "Louisiana Court of Appeal, Second Circuit", "Florida District Court of
#: Appeal, First District".
_STATE_APPEAL_BEFORE = re.compile(
    rf"(?:Court\s+of\s+Appeals?\s+of\s+(?:the\s+State\s+of\s+)?(?:{STATE_NAME_PATTERN})"
    rf"|(?:{STATE_NAME_PATTERN})\s+Court\s+of\s+Appeals?),?\s*$"
)
_CIRCUIT_NAME = re.compile(
    # (the D.C. Circuit's docket heading omits "the": "Court of Appeals for District of
    # Columbia Circuit"; its footer says "DC Circuit (USCA)")
    r"\b(?:(?:United\s+States\s+)?Court\s+of\s+Appeals\s+for\s+(?:the\s+)?)?"
    rf"(?P<n>{'|'.join(_ORDINALS)}|1st|2d|2nd|3d|3rd|[4-9]th|1[01]th|D\.C\.|DC|District\s+of"
    r"\s+Columbia|Federal)\s+Circuit\b"
    # not a state's numbered trial court: "10th Circuit Court- District Division" (New
    # Hampshire), "the 17th Circuit Court" (the "Circuit Court of Appeals" is federal)
    r"(?!\s*Court\b(?!\s+of\s+Appeals))",
    re.IGNORECASE,
)
#: A federal district named alone in prose: "filed in the Central District of California",
#: "a matter before the District of Minnesota" (not "the District of Columbia").
#: After "the", a docket's "Appeal From:", or at a line's start with its direction (a
#: district docket's heading "Eastern District of Virginia - (Alexandria)").
_BARE_DISTRICT = re.compile(
    # (or with none when the heading goes on with its division: "District of Utah (Central)")
    r"(?:(?<=\bthe\s)|(?<=From:\s)|(?<![^\n])(?=[NSEWCM][a-z]+\s+District|District\s+of\s+"
    rf"(?:{STATE_NAME_PATTERN})[ ]\([A-Z][a-z]+\)))"
    r"(?:(?P<dir>Northern|Southern|Eastern|Western|Central|Middle)\s+)?District\s+of\s+"
    # (a docket's heading may write the state in capitals: "Eastern District of TEXAS")
    rf"(?!Columbia)(?P<state>{STATE_NAME_PATTERN}|(?-i:{STATE_NAME_PATTERN.upper()}))\b"
)
#: CM/ECF's and PACER's own name of a district: "California Northern District", "New York
#: Southern District" (a notice's heading, a docket report's "U.S. District Court,
#: California Northern District (Oakland)").
_STATE_FIRST_DISTRICT = re.compile(
    rf"\b(?P<state>{STATE_NAME_PATTERN})\s+(?P<dir>Northern|Southern|Eastern|Western|Central|Middle)"
    r"\s+District\b(?!\s+of\b)"
)
_DISTRICT_NAME = re.compile(
    r"(?:\bUnited\s+States|(?<![\w.])U\.\s?S\.)\s+District\s+Court\s*"
    r"(?:,\s*|for\s+the\s+|[\u2014\u2013-]\s*)?"
    rf"(?:(?P<dir>{'|'.join(_DIRECTIONS)})\s+)?District\s+of\s+(?P<state>{STATE_NAME_PATTERN}|Columbia)\b",
    re.IGNORECASE,
)
#: A heading that abbreviates the district but spells the state: "United States District
#: Court, E.D. North Carolina", "District Court, M.D. North Carolina.".
_DISTRICT_ABBR_NAME = re.compile(
    r"(?:\bUnited\s+States\s+|(?<![\w.])U\.\s?S\.\s+|\b)District\s+Court,?\s+(?P<dir>[NSEWCM]\.\s?D\.|D\.)\s?"
    rf"(?P<state>{STATE_NAME_PATTERN})(?![\w])"
)


#: States with one federal district, so "USDC Colorado" in an ECF stamp is "D. Colo.".
_ONE_DISTRICT = frozenset(
    {"Alaska", "Arizona", "Colorado", "Connecticut", "Delaware", "District of Columbia",
     "Hawaii", "Idaho", "Kansas", "Maine", "Maryland", "Massachusetts", "Minnesota",
     "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico",
     "North Dakota", "Oregon", "Puerto Rico", "Rhode Island", "South Carolina",
     "South Dakota", "Utah", "Vermont", "Wyoming"}
)  # fmt: skip
#: The federal court of a one-district state by its state: "USDC Arizona", "U.S. District
#: Court of Arizona" (a docket's minute entry), "United States District Court for Kansas".
_USDC = re.compile(
    r"\b(?:USDC\s+|(?:U\.\s?S\.|United\s+States|US)\s+District\s+Court\s+(?:of|for)\s+(?:the\s+)?)"
    rf"(?P<state>{'|'.join(sorted(_ONE_DISTRICT, key=len, reverse=True))})\b"
)
#: A federal appellate docket's court below: "Appeal From: District Court of New Hampshire,
#: Concord", "Appeal From: U.S. District Court for Northern California, Oakland".
_APPEAL_FROM_DISTRICT = re.compile(
    r"(?<=Appeal[ ]From:[ ])(?:U\.\s?S\.\s+|United\s+States\s+)?District\s+Court\s+(?:of|for)\s+"
    r"(?:the\s+)?(?:(?P<dir>Northern|Southern|Eastern|Western|Central|Middle)\s+)?"
    rf"(?:District\s+of\s+)?(?P<state>{STATE_NAME_PATTERN})\b"
)
#: "SDNY", "EDNY", "NDCA" in dockets and notices.
_RUN_TOGETHER = re.compile(r"(?<![\w.])(?P<dir>[NSEWCM])D(?P<state>NY|CA|TX|IL|PA|FL)(?![\w])")
_RUN_TOGETHER_STATES = {"NY": "New York", "CA": "California", "TX": "Texas", "IL": "Illinois",
                        "PA": "Pennsylvania", "FL": "Florida"}  # fmt: skip
#: State courts by name: "Indiana Supreme Court", "SUPREME COURT OF INDIANA", "Missouri
#: Court of Appeals", "the United States Supreme Court".
_STATE_SUPREME = re.compile(
    rf"\b(?:(?P<s1>{STATE_NAME_PATTERN}|United\s+States)\s+Supreme\s+(?:Judicial\s+)?Court"
    r"|Supreme\s+(?:Judicial\s+)?Court(?:\s+of\s+Appeals)?\s+of\s+(?:the\s+)?"
    rf"(?:State\s+of\s+|Commonwealth\s+of\s+)?(?P<s2>{STATE_NAME_PATTERN}|United\s+States))\b",
    re.IGNORECASE,
)
#: "Missouri Court of Appeals", "Court of Appeals of Indiana", California's "Court of Appeal
#: of the State of California", Florida's "District Court of Appeal of Florida", and the
#: criminal courts of last resort ("Texas Court of Criminal Appeals").
_STATE_APPEALS = re.compile(
    rf"\b(?:(?P<s1>{STATE_NAME_PATTERN})\s+(?P<d1>District\s+)?Court\s+of\s+(?P<c1>Criminal\s+|Special\s+)?"
    r"Appeals?"
    r"|(?<!Supreme\s)(?P<d2>District\s+)?Court\s+of\s+(?P<c2>Criminal\s+|Special\s+)?Appeals?"
    r"\s+of\s+(?:the\s+)?"
    rf"(?:State\s+of\s+|Commonwealth\s+of\s+)?(?P<s2>{STATE_NAME_PATTERN})"
    # California's by district and division: "Court of Appeal, Second District, Division 1,
    # California."
    r"|Court\s+of\s+Appeals?,\s+[A-Z][a-z]+\s+(?:Appellate\s+)?District"
    rf"(?:,\s+Division\s+\w+)?,\s+(?P<s4>{STATE_NAME_PATTERN})"
    # Connecticut's and Illinois' intermediate courts: "Appellate Court of Connecticut"
    rf"|Appellate\s+Court\s+of\s+(?:the\s+State\s+of\s+)?(?P<s3>{STATE_NAME_PATTERN}))\b",
    re.IGNORECASE,
)
#: States whose highest court is (or was) named "Court of Appeals": Bluebook names it by
#: the state alone ("N.Y.", "Md.").
#: A federal court of appeals as older California reports cite it: "(C.A.5, 1990)".
_CA_CIRCUIT = re.compile(
    r"(?<=\()(?:C\.[ ]?A\.[ ]?(?P<n>1[01]|[1-9])(?=[,\s)])"
    # the Supreme Court's own style: "(CA5 1969)", "(CADC 1984)", "(CAFC 2001)"
    r"|CA(?P<sc>1[01]|[1-9]|DC|FC)(?=[ ,)]))"
)
#: Bluebook's names of courts of criminal appeals, by state.
_CRIMINAL_APPEALS = {"Tex.": "Tex. Crim. App.", "Okla.": "Okla. Crim. App.",
                     "Ala.": "Ala. Crim. App.", "Tenn.": "Tenn. Crim. App."}  # fmt: skip
#: A state's trial court named with its state: "Superior Court of the State of Alaska",
#: "Superior Court of Pennsylvania", "Alaska Superior Court".
_STATE_TRIAL = re.compile(
    # (not a federal court: "U.S. District Court of Arizona" is read as D. Ariz.)
    r"\b(?:(?<!U\.S\.\s)(?<!U\.\sS\.\s)(?<!States\s)(?<!US\s)"
    r"(?P<k1>Superior|Circuit|District|Chancery|Family|Probate|Commonwealth)\s+Court"
    r"\s+(?:of|for)\s+(?:the\s+)?(?!District\s+of\b)(?:State\s+of\s+|Commonwealth\s+of\s+)?"
    rf"(?P<s1>{STATE_NAME_PATTERN})(?![\w])(?!\s+County)"
    rf"|(?P<s2>{STATE_NAME_PATTERN})\s+(?P<k2>Superior|Chancery|Family|Probate|Commonwealth)\s+Court)\b"
)
_TRIAL_KIND = {"superior": "Super. Ct.", "circuit": "Cir. Ct.", "district": "Dist. Ct.",
               "chancery": "Ch.", "family": "Fam. Ct.", "probate": "Prob. Ct.",
               "commonwealth": "Commw. Ct."}  # fmt: skip
#: A trial court by judicial circuit and county: "Circuit Court for the Fifteenth Judicial
#: Circuit, Palm Beach County", "Circuit Court of the Ninth Judicial Circuit, in and for
#: Orange County".
_JUDICIAL_CIRCUIT_COURT = re.compile(
    r"\b(?P<kind>Circuit|Superior|District)\s+Court\s+(?:of|for)\s+the\s+[A-Z][a-z]+(?:-[a-z]+)?"
    r"\s+Judicial\s+(?:Circuit|District),?\s+(?:in\s+and\s+for\s+)?"
    r"(?P<county>(?:St\.\s)?[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s+County\b"
)
#: Florida's district courts of appeal in a citation: "(Fla. 4th DCA 2004)".
_FLORIDA_DCA = re.compile(r"(?<=\()Fla\.\s+(?:1st|2d|3d|4th|5th|6th)\s+DCA(?=\s+(?:19|20)\d\d\))")
#: "ELKHART CIRCUIT COURT", "Circuit Court of St. Charles County".
_LOCAL_COURT = re.compile(
    # (on one line: a docket's fee code above "DISTRICT COURT ..." names no court)
    r"\b(?:(?P<place>(?:St\.\s)?[A-Z][a-z]+|(?:ST\.\s)?[A-Z]{3,})[ \t]+"
    r"(?P<kind>Circuit|CIRCUIT|Superior|SUPERIOR|District|DISTRICT)\s+(?:Court|COURT)"
    # a caption's ")" column may stand between the lines of the name
    # Oklahoma's "District Court in and for Tulsa County" (its docket pages write "tulsa")
    r"|(?P<kind2>Circuit|Superior|District)\s+Court\s+(?:of|in\s+and\s+for)(?:\s+[)\]])?\s+"
    r"(?P<county>(?:St\.\s)?[A-Za-z][a-z]+(?:\s[A-Z][a-z]+)?)\s+County"
    # in capitals: "DISTRICT COURT OF TARRANT COUNTY"
    r"|(?P<kind3>CIRCUIT|SUPERIOR|DISTRICT)\s+COURT\s+OF(?:\s+[)\]])?\s+"
    r"(?P<county3>(?:ST\.\s)?[A-Z]{3,}(?:\s[A-Z]{3,})?)\s+COUNTY"
    # North Carolina's "Superior Court, Gaston County"
    r"|(?P<kind4>Circuit|Superior|District)\s+Court,[ ](?P<county4>(?:St\.\s)?[A-Z][a-z]+"
    r"(?:\s[A-Z][a-z]+)?)\s+County)\b"
)
_NOT_PLACES = frozenset(
    {"the", "united", "states", "federal", "state", "this", "said", "county", "our", "a",
     "appellate", "trial", "lower", "us", "u", "first", "second", "third", "fourth", "fifth",
     "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "judicial", "any", "each",
     "circuit", "bankruptcy"}
)  # fmt: skip
#: A state court in a citation's parenthetical: "(Mo. banc 2010)", "(Mo. App. E.D. 2007)",
#: "(Tex. App.\u2014El Paso 1989)", "(Ind. 1996)".
#: Michigan's reports put a comma before the year and name trial courts so too:
#: "(Del.Super., 2001)", "(Del. Ch., 2005)", "(Ariz.App., 2000)".
_STATE_PARENTHETICAL = re.compile(
    rf"\((?P<state>{STATE_ABBR_PATTERN})(?P<app>\s*(?:Ct\.\s*)?App\.)?"
    r"(?P<trial>\s*(?:Super|Ch|Fam|Cmwlth|Commw)\.(?:\s*Ct\.)?)?(?:\s+banc)?"
    # "(Tex.2002)": old electronic reports close up the spaces
    # the court's seat after a dash, over a line and with its district ("Tex. App.\u2014Houston
    # [14th Dist.]"); the day of the decision ("San Antonio Jan. 14, 2026"); the later history
    # after the year ("2018, pet. denied")
    r"(?:\s*(?:[NSEWCM]\.\s?D\.|[\u2014\u2013-]\s*[^()\d\n]{2,30}?"
    r"(?:\s+\[\d{1,2}(?:st|nd|rd|th)\s+Dist\.\])?))?,?\s*"
    r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+)?(?:1[6-9]|20)\d\d(?:,\s*[a-z][^()]{1,60}?)?\)"
)
#: The Bluebook's names of trial and other courts cited in a parenthetical by their kind.
_TRIAL_ABBR = {"super": "Super. Ct.", "ch": "Ch.", "fam": "Fam. Ct.", "cmwlth": "Commw. Ct.",
               "commw": "Commw. Ct."}  # fmt: skip
#: New York's style: its trial court by county ("Supreme Court, Queens County") and its
#: Appellate Division by department in a citation ("[2d Dept 1980]", "(1st Dept 2016)").
_NY_SUPREME = re.compile(r"\bSupreme\s+Court,\s+(?:[A-Z][a-z]+\s+){1,2}County\b")
_NY_DEPARTMENT = re.compile(r"(?<=[\[(])(?:1st|2d|3d|4th)\s+Dep(?:t|\u2019t|'t)\.?(?=[\s\]),])")
#: A state court's heading over two lines, the state first: "THE STATE OF SOUTH CAROLINA /
#: In The Court of Appeals", "State of Georgia / In the Supreme Court", "STATE OF MINNESOTA /
#: IN COURT OF APPEALS"; or the court first: "IN THE SUPREME COURT / STATE OF NORTH DAKOTA".
_STATE_HEADING = re.compile(
    rf"\bState\s+of\s+(?P<state>{STATE_NAME_PATTERN})[ \t]*\n[ \t]*In\s+(?:the\s+)?"
    r"(?:(?P<appeals>Court\s+of\s+Appeals)|Supreme\s+Court)\b"
    r"|(?m:^)[ \t]*In\s+(?:the\s+)?(?:(?P<appeals2>Court\s+of\s+Appeals)|Supreme\s+Court)"
    rf"[ \t]*\n[ \t]*(?:of\s+the\s+)?State\s+of\s+(?P<state2>{STATE_NAME_PATTERN})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
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
    elif number.replace(" ", "").upper() in ("D.C.", "DC") or number.lower().startswith("district"):
        number = "D.C."
    elif number.lower() in ("fed.", "federal"):
        number = "Fed."
    return f"{number} Cir."


_ORDINAL_INDEX = {name.lower(): index for index, name in enumerate(_ORDINALS)}


def _district(direction: str, state: str) -> str:
    direction = re.sub(r"\s", "", direction).upper()
    abbr = STATE_ABBREVIATIONS[re.sub(r"\s", "", state).lower()]
    # Bluebook closes up runs of single capitals ("S.D.N.Y.", "D.N.J.") and spaces the
    # rest ("N.D. Cal.", "D. Del.").
    closed = re.fullmatch(r"(?:[A-Z]\.)+", abbr) is not None
    return f"{direction}{abbr}" if closed else f"{direction} {abbr}"


#: Bankruptcy courts: "United States Bankruptcy Court for the District of Massachusetts",
#: "(Bankr. S.D.N.Y. 2001)", and the appellate panels: "Bankruptcy Appellate Panel for the
#: First Circuit", "(B.A.P. 9th Cir. 2001)".
_BANKRUPTCY_COURT = re.compile(
    r"\bBankruptcy\s+Court\s*(?:,\s*|for\s+the\s+)?"
    rf"(?:(?P<dir>{'|'.join(_DIRECTIONS)})\s+)?District\s+of\s+(?P<state>{STATE_NAME_PATTERN}|Columbia)\b"
    rf"|(?<![\w.])Bankr\.\s?(?P<adir>[NSEWCM]\.\s?D\.|D\.)\s?(?P<astate>{STATE_ABBR_PATTERN})(?![\w])"
    # a bankruptcy court's claims register, headed by its district alone: "District of
    # Oregon\nClaims Register"
    rf"|(?m:^[ \t]*(?:(?P<cdir>{'|'.join(_DIRECTIONS)})\s+)?District\s+of\s+"
    rf"(?P<cstate>{STATE_NAME_PATTERN})(?=[ \t]*\n[ \t]*Claims[ ]Register\b))",
    re.IGNORECASE,
)
_BANKRUPTCY_PANEL = re.compile(
    r"\bBankruptcy\s+Appellate\s+Panel\s+(?:of|for)\s+the\s+"
    rf"(?P<n>{'|'.join(_ORDINALS)}|1st|2d|3d|[4-9]th|1[01]th)\s+Circuit\b"
    r"|(?<![\w.])B\.\s?A\.\s?P\.\s?(?P<an>1st|2d|3d|[4-9]th|1[01]th)\s?Cir\.",
    re.IGNORECASE,
)


def _bankruptcy_courts(text: str) -> list[RawMention]:
    found = []
    for match in _BANKRUPTCY_COURT.finditer(text):
        if match["astate"]:
            value = _district(match["adir"], match["astate"])
        elif match["cstate"]:
            direction = _DIRECTIONS.get((match["cdir"] or "").lower(), "D.")
            value = _district(direction, state_abbreviation(match["cstate"]))
        else:
            direction = _DIRECTIONS.get((match["dir"] or "").lower(), "D.")
            value = _district(direction, state_abbreviation(match["state"]))
        found.append(court_mention(text, match.start(), match.end(), f"Bankr. {value}", 0.9))
    for match in _BANKRUPTCY_PANEL.finditer(text):
        found.append(court_mention(text, match.start(), match.end(),
                              f"B.A.P. {_circuit(match['n'] or match['an'])}", 0.9))  # fmt: skip
    return found


#: Federal courts that are neither a circuit's nor a district's, by name (the Bluebook's
#: abbreviation follows each).
_US = r"(?:United[ ]States[ ]|U\.[ ]?S\.[ ])"
_FEDERAL_SPECIAL = {
    rf"{_US}?Court[ ]of[ ]Federal[ ]Claims": "Fed. Cl.",
    rf"{_US}?Court[ ]of[ ]International[ ]Trade": "Ct. Int'l Trade",
    rf"{_US}?Court[ ]of[ ]Appeals[ ]for[ ]Veterans[ ]Claims": "Vet. App.",
    rf"{_US}?Court[ ]of[ ]Appeals[ ]for[ ]the[ ]Armed[ ]Forces": "C.A.A.F.",
    rf"{_US}?Judicial[ ]Panel[ ]on[ ]Multidistrict[ ]Litigation": "J.P.M.L.",
    rf"{_US}Tax[ ]Court": "T.C.",
    rf"{_US}Supreme[ ]Court": "U.S.",
}
#: A space of a name may be a line break ("United States Court of\nInternational Trade").
_ANY_SPACE = re.compile(r"\[ \](?!\?)")
_FEDERAL_SPECIAL_COURT = re.compile(
    "|".join(
        "(?P<c{}>{})".format(i, _ANY_SPACE.sub(r"\\s+", pattern))
        for i, pattern in enumerate(_FEDERAL_SPECIAL)
    ),
    re.IGNORECASE,
)
_FEDERAL_SPECIAL_VALUES = list(_FEDERAL_SPECIAL.values())  # by the number of its group


def _federal_special_courts(text: str) -> list[RawMention]:
    """ "United States Court of Federal Claims", "Judicial Panel on Multidistrict Litigation",
    "U.S. Supreme Court" and the like (see :data:`_FEDERAL_SPECIAL`)."""
    return [
        court_mention(
            text, *match.span(), _FEDERAL_SPECIAL_VALUES[int(str(match.lastgroup)[1:])], 0.9
        )
        for match in _FEDERAL_SPECIAL_COURT.finditer(text)
    ]


def find_courts(text: str) -> list[RawMention]:
    """Every court abbreviation, circuit name and district-court heading in ``text``, and
    state courts by name or in a citation's parenthetical ("(Mo. App. E.D. 2007)")."""
    found: list[RawMention] = []
    for match in _CIRCUIT.finditer(text):
        found.append(court_mention(text, match.start(), match.end(), _circuit(match["n"]), 0.9))
    for match in _DISTRICT.finditer(text):
        value = _district(match["dir"], match["state"])
        found.append(court_mention(text, match.start(), match.end(), value, 0.9))
    for match in _CIRCUIT_NAME.finditer(text):
        if _STATE_APPEAL_BEFORE.search(text, max(0, match.start() - 60), match.start()):
            continue  # "Court of Appeal of Louisiana, Fourth Circuit": a state court's circuit
        found.append(court_mention(text, match.start(), match.end(), _circuit(match["n"]), 0.85))
    for match in _DISTRICT_NAME.finditer(text):
        direction = _DIRECTIONS.get((match["dir"] or "").lower(), "D.")
        state = state_abbreviation(match["state"])
        value = _district(direction, state)
        found.append(court_mention(text, match.start(), match.end(), value, 0.9))
    for match in _DISTRICT_ABBR_NAME.finditer(text):
        if any(match.start() < m.end and m.start < match.end() for m in found):
            continue  # "S.D. Ohio": the abbreviation is the name
        state = state_abbreviation(match["state"])
        value = _district(match["dir"], state)
        found.append(court_mention(text, match.start(), match.end(), value, 0.9))
    taken = [(m.start, m.end) for m in found]
    for match in _BARE_DISTRICT.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        direction = _DIRECTIONS.get((match["dir"] or "").lower(), "D.")
        value = _district(direction, state_abbreviation(match["state"]))
        found.append(court_mention(text, match.start(), match.end(), value, 0.8))
    for match in _STATE_FIRST_DISTRICT.finditer(text):
        value = _district(_DIRECTIONS[match["dir"].lower()], state_abbreviation(match["state"]))
        found.append(court_mention(text, match.start(), match.end(), value, 0.85))
    appealed = []
    for match in _APPEAL_FROM_DISTRICT.finditer(text):
        if any(match.start() < m.end and m.start < match.end() for m in found):
            continue
        direction = _DIRECTIONS.get((match["dir"] or "").lower(), "D.")
        value = _district(direction, state_abbreviation(match["state"]))
        appealed.append(court_mention(text, match.start(), match.end(), value, 0.85))
    found += appealed
    for match in _USDC.finditer(text):
        if any(match.start() < m.end and m.start < match.end() for m in found):
            continue  # "United States District Court for the District of Columbia": read above
        value = _district("D.", STATE_BY_NAME[match["state"].lower()])
        found.append(court_mention(text, match.start(), match.end(), value, 0.85))
    for match in _RUN_TOGETHER.finditer(text):
        state = STATE_BY_NAME[_RUN_TOGETHER_STATES[match["state"]].lower()]
        found.append(
            court_mention(
                text, match.start(), match.end(), _district(f"{match['dir']}.D.", state), 0.8
            )
        )
    bankruptcy = _bankruptcy_courts(text)
    # "Bankr. S.D.N.Y." is not the district court, nor the panel's circuit its court of appeals
    found = [m for m in found if not any(b.start <= m.start < b.end for b in bankruptcy)]
    # a federal appellate docket's "Appeal From: District Court of New Hampshire" is the
    # federal court, not the state's district court of that name
    state_courts = _outside(_state_courts(text), appealed)
    special = _outside(_federal_special_courts(text), found + state_courts)
    named = found + bankruptcy + special + state_courts
    return named + _as_named_courts(text, _outside(unstated_courts(text), named), named)


def _outside(mentions: list[RawMention], others: list[RawMention]) -> list[RawMention]:
    """The ``mentions`` that overlap none of ``others``."""
    return [
        m for m in mentions
        if not any(m.start < other.end and other.start < m.end for other in others)
    ]  # fmt: skip


def _as_named_courts(
    text: str, generic: list[RawMention], named: list[RawMention]
) -> list[RawMention]:
    """ "the family court" of a text that names "Greenville County Family Court" is that
    court: a generic mention takes the one named court of its kind, when there is one."""
    result = []
    states = set(STATE_BY_NAME.values())
    for mention in generic:
        kind = mention.normalized.split(" ", 1)[-1]  # "Fam. Ct." of "S.C. Fam. Ct."
        # another state's court of that kind is not this one ("(Mo.Ct.App.1987)" in a South
        # Carolina opinion is no name of its "Court of Appeals")
        same = {m.normalized for m in named if m.normalized.endswith(f" {kind}")
                and m.normalized.removesuffix(f" {kind}") not in states}  # fmt: skip
        if len(same) == 1 and mention.normalized not in same:
            (value,) = same
            mention = court_mention(text, mention.start, mention.end, value, mention.confidence)
        result.append(mention)
    return result


def _state_courts(text: str) -> list[RawMention]:
    """State courts by name and in citation parentheticals, and local trial courts."""
    found: list[RawMention] = []
    for match in _STATE_SUPREME.finditer(text):
        state = " ".join((match["s1"] or match["s2"]).split()).lower()
        value = "U.S." if state == "united states" else STATE_BY_NAME[state]
        found.append(court_mention(text, match.start(), match.end(), value, 0.85))
    for match in _STATE_APPEALS.finditer(text):
        abbr = state_abbreviation(match["s1"] or match["s2"] or match["s3"] or match["s4"])
        special = "special" in (match["c1"] or match["c2"] or "").lower()
        if match["s3"]:
            value = f"{abbr} App. Ct."
        elif special:
            value = f"{abbr} Ct. Spec. App."
        elif match["c1"] or match["c2"]:
            value = _CRIMINAL_APPEALS.get(abbr, f"{abbr} Crim. App.")
        elif abbr in HIGHEST_COURTS_OF_APPEALS and not (match["d1"] or match["d2"]):
            # the highest court of New York, of the District of Columbia, and of Maryland
            # until 2022
            value = abbr
        elif match["d1"] or match["d2"]:
            value = f"{abbr} Dist. Ct. App."
        else:
            value = APPEALS_COURTS.get(abbr, f"{abbr} Ct. App.")
        found.append(court_mention(text, match.start(), match.end(), value, 0.85))
    for match in _STATE_TRIAL.finditer(text):
        abbr = state_abbreviation(match["s1"] or match["s2"])
        kind = _TRIAL_KIND[(match["k1"] or match["k2"]).lower()]
        found.append(court_mention(text, match.start(), match.end(), f"{abbr} {kind}", 0.85))
    for match in _JUDICIAL_CIRCUIT_COURT.finditer(text):
        kind = _TRIAL_KIND[match["kind"].lower()]
        county = " ".join(match["county"].split())
        found.append(
            court_mention(text, match.start(), match.end(), f"{county} Cnty. {kind}", 0.85)
        )
    for match in _CA_CIRCUIT.finditer(text):
        circuit = match["n"] or match["sc"]
        name = {"DC": "D.C.", "FC": "Fed."}.get(circuit) or _CIRCUIT_ABBR[int(circuit) - 1]
        found.append(court_mention(text, match.start(), match.end(), _circuit(name), 0.8))
    for match in _FLORIDA_DCA.finditer(text):
        found.append(court_mention(text, match.start(), match.end(), "Fla. Dist. Ct. App.", 0.8))
    for match in _NY_SUPREME.finditer(text):
        found.append(court_mention(text, match.start(), match.end(), "N.Y. Sup. Ct.", 0.85))
    for match in _NY_DEPARTMENT.finditer(text):
        found.append(court_mention(text, match.start(), match.end(), "N.Y. App. Div.", 0.8))
    for match in _STATE_HEADING.finditer(text):
        appeals = match["appeals"] or match["appeals2"]
        abbr = state_abbreviation(match["state"] or match["state2"])
        value = APPEALS_COURTS.get(abbr, f"{abbr} Ct. App.") if appeals else abbr
        if match["state2"]:
            start = len(match[0]) - len(match[0].lstrip()) + match.start()
        else:
            start = match.start("appeals") if appeals else match.start("state")
        found.append(court_mention(text, start, match.end(), value, 0.85))
    position = 0
    while (local := _LOCAL_COURT.search(text, position)) is not None:
        place = local["place"] or local["county"] or local["county3"] or local["county4"]
        position = local.end()
        if place.lower() in _NOT_PLACES or (local["place"] and place.lower() in STATE_BY_NAME):
            # a county may bear its state's name ("Oklahoma County"); a court may not
            if local["place"]:
                # "153rd Judicial District Court of Tarrant County": read on from "District"
                position = local.start("kind")
            continue
        kind = {"circuit": "Cir. Ct.", "superior": "Super. Ct.", "district": "Dist. Ct."}[
            (local["kind"] or local["kind2"] or local["kind3"] or local["kind4"]).lower()
        ]
        county = " Cnty." if local["county"] or local["county3"] or local["county4"] else ""
        place = " ".join(w.capitalize() if w.isupper() or w.islower() else w for w in place.split())
        found.append(
            court_mention(text, local.start(), local.end(), f"{place}{county} {kind}", 0.8)
        )
    for match in _STATE_PARENTHETICAL.finditer(text):
        abbr = state_abbreviation(match["state"])
        value = APPEALS_COURTS.get(abbr, f"{abbr} Ct. App.") if match["app"] else abbr
        if match["trial"] and not match["app"]:
            kind = match["trial"].split(".")[0].strip().lower()
            value = f"{abbr} {_TRIAL_ABBR[kind]}"
        start = match.start("state")
        end = max(match.end("state"), match.end("app"), match.end("trial"))
        found.append(court_mention(text, start, end, value, 0.8))
    return found
