"""Court rules by pattern: federal rule sets, circuit rules, and a state's own rules.

"Fed. R. Civ. P. 12(b)(6)", "Federal Rule of Evidence 702", "FRAP 4(a)", "5th Cir. R.
28.2", "Tex. R. App. P. 38.1", "V.R.A.P. 40"; a bare "Rule 12(b)(6)" is named only when
the document cites one federal rule set, and a bare state rule takes the document's own
state (from the court that heads it).
"""

from __future__ import annotations

import re

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.court_names import (
    STATE_ABBR_PATTERN,
    STATE_NAME_PATTERN,
    state_abbreviation,
)
from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.patterns import mention
from docbatch.pipeline.entities.statutes import SUBSECTIONS, further_subsections
from docbatch.pipeline.entities.unstated_courts import own_state

__all__ = ["find_court_rules"]


_RULE_SETS = {"civ": "Civ. P.", "crim": "Crim. P.", "app": "App. P.", "evid": "Evid.",
              "bankr": "Bankr. P."}  # fmt: skip


_RULE_NAMES = {"civil procedure": "civ", "criminal procedure": "crim", "evidence": "evid",
               "appellate procedure": "app", "bankruptcy procedure": "bankr"}  # fmt: skip


_COURT_RULE = re.compile(
    r"\b(?i:Fed)\.\s?(?i:R)\.\s?(?P<set>(?i:Civ|Crim|App|Evid|Bankr))\.(?:\s?(?i:P)\.?)?\s*"
    rf"(?P<num>\d{{1,4}}(?:\.\d+)?{SUBSECTIONS})"
    r"|\bFederal\s+Rules?\s+of\s+(?P<name>Civil\s+Procedure|Criminal\s+Procedure"
    r"|Appellate\s+Procedure|Evidence|Bankruptcy\s+Procedure)\s+"
    rf"(?P<num2>\d{{1,4}}(?:\.\d+)?{SUBSECTIONS})"
    r"|\b(?P<abbr>FRAP|FRCP|FRCrP|FRE|FRBP|FBR)\s+(?:Rule\s+)?"
    rf"(?P<num3>\d{{1,4}}(?:\.\d+)?{SUBSECTIONS})"
    # a bankruptcy docket's "Bankruptcy Rules 4001(b) and 4001(c)" (never after "Local")
    r"|(?<!Local[ ])\bBankruptcy\s+Rules?\s+"
    rf"(?P<num4>\d{{4}}(?:\.\d+)?{SUBSECTIONS})"
)


#: A state's rules of procedure or evidence, by name or in Bluebook form: "Florida Rule of
#: Criminal Procedure 3.853", "Tex. R. Civ. P. 91a", "Cal. R. Evid. 352".
_STATE_NAMED_RULE = re.compile(
    rf"\b(?P<state>{STATE_NAME_PATTERN})\s+Rules?\s+of\s+(?P<name>Civil\s+Procedure|Criminal"
    r"\s+Procedure|Appellate\s+Procedure|Evidence)\s+"
    r"(?P<num>\d{1,4}(?:\.\d+)?[a-z]?(?:[ ]?\([a-zA-Z0-9]{1,5}\))*)"
    rf"|(?<![\w.])(?P<abbr>{STATE_ABBR_PATTERN})\s?R\.\s?(?P<set>Civ|Crim|App|Evid)\.(?:\s?P\.)?\s*"
    # Massachusetts sets its subsections apart: "Mass. R. Crim. P. 30 (b)"
    r"(?P<num2>\d{1,4}(?:\.\d+)?[a-z]?(?:[ ]?\([a-zA-Z0-9]{1,5}\))*)"
)


#: A rule named before its set: "Rule 190 of the Texas Rules of Civil Procedure", "Rule 56
#: of the Federal Rules of Civil Procedure".
_RULE_OF_SET = re.compile(
    rf"(?<![\w.])Rules?\s+(?P<num>\d{{1,4}}(?:\.\d+)?[a-z]?{SUBSECTIONS})\s+of\s+the\s+"
    rf"(?:(?P<federal>Federal)|(?P<state>{STATE_NAME_PATTERN}))\s+Rules\s+of\s+"
    r"(?P<name>Civil\s+Procedure|Criminal\s+Procedure|Appellate\s+Procedure|Evidence"
    r"|Bankruptcy\s+Procedure)\b"
)


_MORE_RULES = re.compile(
    rf"(?:,[ ]*|\s+(?:or|and)\s+)(?P<num>\d{{1,4}}(?:\.\d+)?{SUBSECTIONS})"
    r"(?=[\s,.;)]|$)(?!\s+(?:[A-Z0-9]|U\.|C\.))"
)


_ABBREVIATED_RULES = {"frap": "app", "frcp": "civ", "frcrp": "crim", "fre": "evid", "frbp": "bankr",
                      "fbr": "bankr"}  # fmt: skip


_CIRCUITS = {"first": "1st", "second": "2d", "third": "3d", "fourth": "4th", "fifth": "5th",
             "sixth": "6th", "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th",
             "eleventh": "11th", "federal": "Fed.", "fed.": "Fed.", "2nd": "2d", "3rd": "3d",
             "d.c.": "D.C."}  # fmt: skip


#: Circuit rules: "5th Cir. R. 47.5", "Fifth Circuit Rule 47.5.4", "3d Cir. L.A.R. 113",
#: "3rd Circuit LAR Misc. 107.2", "Federal Circuit Rule 47.3".
_CIRCUIT_RULE = re.compile(
    r"\b(?P<circuit>1st|2d|2nd|3d|3rd|[4-9]th|1[01]th|D\.C\.|Fed\.|First|Second|Third|Fourth"
    r"|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Eleventh|Federal)\s+Cir(?:cuit|\.)\s+"
    r"(?:(?P<local>L\.\s?A\.\s?R\.|LAR|Local\s+Appellate\s+Rules?|I\.\s?O\.\s?P\.)|R\.|Rules?)\s*"
    r"(?P<misc>Misc\.\s+)?(?P<num>\d{1,4}(?:[.-]\d+)*(?:\([a-z0-9]{1,4}\))*)"
)


#: A state's rules by their initials, as Vermont and Maine cite them: "V.R.A.P. 40",
#: "V.R.E. 804(b)(4)(C)", "V.R.C.P. 26(b)(4)", "M.R. Civ. P. 56(h)".
_STATE_INITIAL_RULE = re.compile(
    r"(?<![\w.])(?P<state>[VM])\.[ ]?R\.[ ]?"
    r"(?P<set>A\.[ ]?P\.|C\.[ ]?P\.|Cr\.[ ]?P\.|E\.|Civ\.[ ]?P\.|Crim\.[ ]?P\.|App\.[ ]?P\.|Evid\.)"
    r"[ \t\n]+(?P<num>\d+(?:\.\d+)?(?:\([a-zA-Z0-9]{1,4}\))*)"
)


_INITIAL_STATES = {"V": "Vt.", "M": "Me."}


_INITIAL_SETS = {
    "a.p.": "App. P.", "app.p.": "App. P.", "c.p.": "Civ. P.", "civ.p.": "Civ. P.",
    "cr.p.": "Crim. P.", "crim.p.": "Crim. P.", "e.": "Evid.", "evid.": "Evid.",
}  # fmt: skip


#: Other states' rule sets by their initials, before the number ("C.R.C.P. 54(d)", "C.A.R.
#: 35(e)" in Colorado) or after it ("Rule 239(d)(2), SCACR", "Rule 56(c), SCRCP" in South
#: Carolina).
_INITIALS_RULE_SETS = {
    "crcp": "Colo. R. Civ. P.", "car": "Colo. App. R.", "cre": "Colo. R. Evid.",
    "scacr": "S.C. App. Ct. R.", "scrcp": "S.C. R. Civ. P.", "scre": "S.C. R. Evid.",
    "scrcrimp": "S.C. R. Crim. P.",
    # Michigan's court rules and rules of evidence, Maryland's rules of professional conduct
    "mcr": "Mich. Ct. R.", "mre": "Mich. R. Evid.",
    "mlrpc": "Md. Lawyers' R. Prof'l Conduct", "marpc": "Md. Att'ys' R. Prof'l Conduct",
    # Ohio's rules as its courts cite them, and Pennsylvania's
    "appr": "Ohio App. R.", "civr": "Ohio Civ. R.", "crimr": "Ohio Crim. R.",
    "evidr": "Ohio Evid. R.", "parap": "Pa. R.A.P.", "parcp": "Pa. R.C.P.",
    "parcrimp": "Pa. R. Crim. P.", "pare": "Pa. R.E.",
    # Washington's rules of appellate procedure
    "rap": "Wash. R. App. P.",
}  # fmt: skip


_INITIALS_RULE_BEFORE = re.compile(
    r"(?<![\w.])(?P<set>C\.[ ]?R\.[ ]?C\.[ ]?P\.|C\.[ ]?A\.[ ]?R\.|C\.[ ]?R\.[ ]?E\.|MCR|MRE"
    r"|MLRPC|MARPC|RAP|App\.[ ]?R\.|Civ\.[ ]?R\.|Crim\.[ ]?R\.|Evid\.[ ]?R\."
    r"|Pa\.[ ]?R\.[ ]?(?:A\.[ ]?P\.|C\.[ ]?P\.|Crim\.[ ]?P\.|E\.))"
    # the initials defined in brackets: 'Rules of Professional Conduct ("MLRPC") 1.1'
    r"(?:[\"\u201d]\))?"
    # (Pennsylvania's appellate rules have four digits: "Pa.R.A.P. 1925")
    rf"[ \t\n]+(?P<num>\d{{1,4}}(?:\.\d+)?{SUBSECTIONS})(?![\w\-]|\.\w)"
)
#: A state's rules cited by its abbreviation and "R." alone, or by its name and "Rule":
#: "Md. R. 16-759(b)(1)", "Md. Rule 16-751(c)", "Maryland Rule 2-311".
_STATE_PLAIN_RULE = re.compile(
    rf"(?<![\w.])(?:(?P<abbr>{STATE_ABBR_PATTERN})[ ]?(?:R\.|Rule)"
    rf"|(?P<state>{STATE_NAME_PATTERN})[ ]Rule)[ ](?P<num>\d{{1,3}}-\d{{1,4}}{SUBSECTIONS})"
    r"(?![\w\-])"
)
#: California's rules of court: "Cal. Rules of Court, rule 8.500(b)(1)", "California Rules
#: of Court, rule 8.1115".
_CALIFORNIA_RULE = re.compile(
    r"(?<![\w.])(?:Cal\.|California)[ ]Rules[ ]of[ ]Court,[ ]rules?[ ]"
    rf"(?P<num>\d{{1,2}}\.\d{{1,4}}{SUBSECTIONS})"
)


#: The next rule of a list after a rule set's initials, each perhaps with its title:
#: "MLRPC 1.1 (Competence), 1.2(a), ..., and 8.4(a) (Violating the MLRPC)".
def _more_after(number: str) -> re.Pattern[str]:
    """The further rules of a list after one, each numbered as ``number`` says, a note in
    brackets perhaps between them."""
    return re.compile(
        r"(?:[ ]\([A-Z][^()\n]{0,80}\))?(?:,[ ]*(?:and[ ]+)?|[ ]+(?:and|or)[ ]+)"
        rf"(?P<num>{number}{SUBSECTIONS})(?![\w\-]|\.\w)"
    )


_MORE_TITLED_RULES = _more_after(r"\d{1,3}\.\d{1,3}")


#: The same after a rule numbered without a dot: "Pa.R.E. 401, 402, 403, and 901" (not a
#: year after it: "Rule 401, 2010").
_MORE_WHOLE_RULES = _more_after(r"\d{3,4}(?!,[ ]\d{4})")


_INITIALS_RULE_AFTER = re.compile(
    rf"(?<![\w.])(?:Rules?|RULES?)[ \t\n]+(?P<num>\d{{1,3}}(?:\.\d+)?{SUBSECTIONS}),?[ \t\n]+"
    r"(?P<set>SCACR|SCRCP|SCRCrimP|SCRE)\b"
)
#: Indiana's trial rules: "Ind. Trial Rule 50(A)", "Indiana Trial Rule 12(B)(6)", "Trial
#: Rule 50" (no other state calls its rules so).
_INDIANA_TRIAL_RULE = re.compile(
    rf"(?<![\w.])(?:(?:Ind\.|Indiana)[ ])?Trial[ ]Rule[ ](?P<num>\d{{1,2}}(?:\.\d)?{SUBSECTIONS})"
    r"(?![\w\-]|\.\w)"
)


#: A state court's rules cited as "Rule 24.035" (a number with a dot: no federal rule has
#: one); the state is the document's own (see :func:`find_court_rules`).
_STATE_RULE = re.compile(
    r"(?<![\w.])(?<!Cir\.\s)(?<!Circuit\s)Rules?\s+(?P<num>\d{1,3}\.\d{1,4}"
    rf"{SUBSECTIONS})(?![\w\-]|\.\w)"
)


#: "Rule 12(b)(6)" alone: not a local, circuit or state court's rule ("Local Rule 7.1",
#: "Circuit Rule 3"), nor a number with a dot (a state's rule).
_BARE_RULE = re.compile(
    r"(?<!Local[ ])(?<!Circuit[ ])(?<!Court[ ])(?<!Supreme[ ])(?<!Appellate[ ])"
    r"(?<!Bankruptcy[ ])(?<!District[ ])(?<!Supplemental[ ])(?<!Admiralty[ ])(?<!Uniform[ ])"
    r"(?<!Model[ ])(?<!State[ ])(?<![\w.])"
    rf"Rules?[ ]+(?P<num>\d{{1,3}}{SUBSECTIONS})(?![\w]|\.\d)"
)


#: The Tax Court's note that its bare rules are its own.
_TAX_COURT_RULES = re.compile(
    r"(?i:rule[ ]references[ ]are[ ]to[ ]the[ ])Tax[ ]Court[ ]Rules[ ]of[ ]Practice"
)


def _bare_federal_rules(text: str, found: list[RawMention]) -> list[RawMention]:
    """ "Rule 12(b)(6)" in a document that cites one federal rule set only, by its full
    name or abbreviation elsewhere: a rule of that set."""
    sets = {m.attributes["rule_set"] for m in found if m.normalized.startswith("Fed. R.")}
    if len(sets) != 1:
        return []
    key = next(iter(sets))
    taken = [(m.start, m.end) for m in found]
    bare = []
    for match in _BARE_RULE.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        bare.append(_rule(text, match, f"Fed. R. {_RULE_SETS[key]}", match["num"], 0.8, key))
    return bare


def find_court_rules(text: str) -> list[RawMention]:
    """Federal rules ("Fed. R. Civ. P. 12(b)(6)", "Federal Rule of Evidence 702", "FRAP
    28(j)") and circuit rules ("5th Cir. R. 47.5", "3d Cir. L.A.R. 113")."""
    found = []
    for match in _COURT_RULE.finditer(text):
        if match["set"]:
            key, number = match["set"].lower(), match["num"]
        elif match["abbr"]:
            key, number = _ABBREVIATED_RULES[match["abbr"].lower()], match["num3"]
        elif match["num4"]:
            key, number = "bankr", match["num4"]
        else:
            key, number = _RULE_NAMES[" ".join(match["name"].lower().split())], match["num2"]
        rule_set = f"Fed. R. {_RULE_SETS[key]}"
        found.append(_rule(text, match, rule_set, number, 0.95, key))
        # "FRAP 12(a), 32(a)", "Fed. R. Civ. P. 12(b) and 56": one rule set, several rules
        found += _more_rules(text, match.end(), _MORE_RULES, rule_set, 0.9, key)
    for match in _CIRCUIT_RULE.finditer(text):
        circuit = _CIRCUITS.get(match["circuit"].lower(), match["circuit"])
        kind = "L.A.R." if match["local"] and "o" not in match["local"].lower() else "R."
        if match["local"] and "o" in match["local"].lower():
            kind = "I.O.P."
        misc = " Misc." if match["misc"] else ""
        rule_set = f"{circuit} Cir. {kind}{misc}"
        found.append(_rule(text, match, rule_set, match["num"], 0.9, f"{circuit} Cir."))
    found += _initials_rules(text)
    for match in _STATE_NAMED_RULE.finditer(text):
        if match["state"]:
            state = state_abbreviation(match["state"])
            key, number = _RULE_NAMES[" ".join(match["name"].lower().split())], match["num"]
        else:
            state = state_abbreviation(match["abbr"])
            key, number = match["set"].lower(), match["num2"]
        found.append(
            _rule(text, match, f"{state} R. {_RULE_SETS[key]}", number.replace(" ", ""), 0.9)
        )
    for match in _RULE_OF_SET.finditer(text):
        key = _RULE_NAMES[" ".join(match["name"].lower().split())]
        if match["federal"]:
            found.append(_rule(text, match, f"Fed. R. {_RULE_SETS[key]}", match["num"], 0.9, key))
        elif key != "bankr":
            state = state_abbreviation(match["state"])
            found.append(_rule(text, match, f"{state} R. {_RULE_SETS[key]}", match["num"], 0.9))
    found += _bare_federal_rules(text, found)
    if _TAX_COURT_RULES.search(text) is not None:
        # "all Rule references are to the Tax Court Rules of Practice and Procedure"
        taken = [(m.start, m.end) for m in found]
        found += [
            _rule(text, match, "Tax Ct. R.", match["num"], 0.8)
            for match in _BARE_RULE.finditer(text)
            if not any(match.start() < end and start < match.end() for start, end in taken)
        ]  # fmt: skip
    for match in _STATE_INITIAL_RULE.finditer(text):
        state = _INITIAL_STATES[match["state"]]
        rule_set = _INITIAL_SETS[match["set"].replace(" ", "").lower()]
        found.append(_rule(text, match, f"{state} R. {rule_set}", match["num"], 0.85))
    state = own_state(text)
    if state:
        for match in _STATE_RULE.finditer(text):
            rule_set = f"{state} Sup. Ct."
            found.append(_rule(text, match, f"{rule_set} R.", match["num"], 0.75, rule_set))
    return found + _local_rules(text)


#: A district court's local rule: "Local Rule 7.1", "Local\nRule 5-5", "Local Civil Rule
#: 16.1", "Civil Local Rule 5-5", "Local Criminal Rule 57.4".
_LOCAL_RULE = re.compile(
    r"(?<![\w.])(?:(?P<kind0>Civil|Criminal)\s+)?Local\s+"
    r"(?:(?P<kind>Civil|Criminal|Bankruptcy|Admiralty)\s+)?Rules?\s+"
    rf"(?P<num>\d{{1,3}}(?:[.\-]\d{{1,3}}){{0,2}}[A-Za-z]?{SUBSECTIONS})(?![\w\-]|\.\d)"
)
_LOCAL_KIND = {
    "civil": "Civ. ",
    "criminal": "Crim. ",
    "bankruptcy": "Bankr. ",
    "admiralty": "Adm. ",
}


def _local_rules(text: str) -> list[RawMention]:
    """The local rules of the district court that heads the document (a docket report's
    "U.S. District Court / Eastern District of Missouri"), as "E.D. Mo. L.R. 13.05" (the
    form most districts cite their own rules in); none where no district heads it."""
    matches = list(_LOCAL_RULE.finditer(text))
    if not matches:
        return []
    districts = [
        m.normalized for m in find_courts(text[:_HEADING]) if _DISTRICT_NAME.fullmatch(m.normalized)
    ]
    if not districts:
        return []
    found = []
    for match in matches:
        kind = _LOCAL_KIND.get((match["kind"] or match["kind0"] or "").lower(), "")
        rule_set = f"{districts[0]} {kind}L.R."
        found.append(_rule(text, match, rule_set, match["num"], 0.8))
    return found


#: Where a document's own court is named.
_HEADING = 800
#: A federal district court's abbreviation: "E.D. Mo.", "D.N.J.", "N.D. Cal.".
_DISTRICT_NAME = re.compile(r"(?:[NSEWCM]\.[ ]?)?D\.[ ]?[A-Z][A-Za-z.]*(?:[ ][A-Z][a-z]*\.)?")


def _rule(
    text: str,
    match: re.Match[str],
    rule_set: str,
    number: str,
    confidence: float,
    key: str | None = None,
) -> RawMention:
    """Rule ``number`` of ``rule_set`` ("Md. R. 16-759(b)(1)"); ``key`` names the set in
    the attributes where it is not written so ("civ" for the federal civil rules)."""
    return mention(EntityType.COURT_RULE, text, match, f"{rule_set} {number}", confidence,
                   {"rule_set": key or rule_set, "rule": number})  # fmt: skip


def _more_rules(
    text: str,
    position: int,
    pattern: re.Pattern[str],
    rule_set: str,
    confidence: float,
    key: str | None = None,
) -> list[RawMention]:
    """The rules a list names after its first ("FRAP 12(a), 32(a)", "MLRPC 1.1
    (Competence), 1.2(a)"), each its own mention of ``rule_set``."""
    found = []
    while (more := pattern.match(text, position)) is not None:
        start, end = more.span("num")
        found.append(
            RawMention(EntityType.COURT_RULE, start, end, text[start:end],
                       f"{rule_set} {more['num']}", confidence,
                       {"rule_set": key or rule_set, "rule": more["num"]})
        )  # fmt: skip
        position = more.end()
    return found


def _initials_rules(text: str) -> list[RawMention]:
    """State rules by the initials of their set: "C.R.C.P. 54(d)", "Rule 215, SCACR",
    "MCR 2.003(B)(6)", "MLRPC 1.1, 1.2(a), and 8.4(c)"; by the state and "R." ("Md. R.
    16-759(b)(1)"); California's rules of court."""
    found = []
    for match in (*_INITIALS_RULE_BEFORE.finditer(text), *_INITIALS_RULE_AFTER.finditer(text)):
        rule_set = _INITIALS_RULE_SETS[re.sub(r"[\s.]", "", match["set"]).lower()]
        rule = _rule(text, match, rule_set, match["num"], 0.85)
        # "MCR 2.116(C)(1) (lack of personal jurisdiction), (4) (...), and (8)"
        found += [rule, *further_subsections(text, [rule])]
        more = _MORE_TITLED_RULES if "." in match["num"] else _MORE_WHOLE_RULES
        found += _more_rules(text, match.end(), more, rule_set, 0.8)
    for match in _INDIANA_TRIAL_RULE.finditer(text):
        found.append(_rule(text, match, "Ind. Trial R.", match["num"], 0.85))
    for match in _STATE_PLAIN_RULE.finditer(text):
        state = state_abbreviation(match["abbr"] or match["state"])
        found.append(_rule(text, match, f"{state} R.", match["num"], 0.85))
    for match in _CALIFORNIA_RULE.finditer(text):
        found.append(_rule(text, match, "Cal. R. Ct.", match["num"], 0.85))
    return found
