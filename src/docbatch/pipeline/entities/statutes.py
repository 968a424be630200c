"""Statutes and regulations by pattern: the U.S. Code, state codes as courts cite them
(abbreviated, spelled out, by initials, by title and section), session laws, the C.F.R.
and the Federal Register.

eyecite cuts regulations short ("17 C.F.R. § 240" for "§ 240.10b-5") and drops statute
subsections ("§ 78j(b)"), so these are matched here in full; the default extractor
prefers these mentions over eyecite's overlapping law citations.
"""

from __future__ import annotations

import re

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.california import california_sections
from docbatch.pipeline.entities.court_names import STATES
from docbatch.pipeline.entities.docket_statutes import docket_statutes
from docbatch.pipeline.entities.patterns import mention
from docbatch.pipeline.entities.unstated_courts import own_state

__all__ = ["SUBSECTIONS", "find_regulations", "find_statutes", "further_subsections"]

SUBSECTIONS = r"(?:\([a-zA-Z0-9]{1,5}\))*"
#: Wisconsin numbers the paragraphs under a subsection after it, closed up: "§ 66.0217(14)(b)1.".
_PARAGRAPH = r"(?:(?<=\))\d{1,2}\.(?=[\s,;)]|$))?"
_SECTION_NO = r"\d+[A-Za-z]*(?:[.\-:/]\d+[A-Za-z]*)*" + SUBSECTIONS + _PARAGRAPH
# A following number is another section only when no code name follows it
# ("§ 1331, 28 U.S.C. § 1332" is two citations).
# The mark may be written again: "28 U.S.C. §1441 and §1446".
_SECTIONS = (
    rf"{_SECTION_NO}(?:\s*(?:,(?:\s*and)?|-|\u2013|to|and)\s*(?:§\s*)?{_SECTION_NO}(?![\w(])"
    r"(?!\s+[A-Z]))*"
)
_SECTION_MARK = r"(?P<mark>§§?|[Ss]ections?|[Ss]ecs?\.)"
_REGULATION = re.compile(
    rf"\b(?P<title>\d{{1,3}})\s+C\.\s?F\.\s?R\.\s*(?:{_SECTION_MARK}|(?P<part>[Pp]arts?|pt\.))?\s*"
    rf"(?P<sec>{_SECTIONS})"
    r"|\b(?P<vol>\d{1,3})\s+Fed\.\s?Reg\.\s+(?P<page>\d[\d,]*)"
)
_STATES = (
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia"
    "|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland"
    "|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada"
    "|New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma"
    "|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah"
    "|Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming"
)
#: "Cal. Civ. Code", "N.Y. Gen. Bus. Law", "Tex. Civ. Prac. & Rem. Code Ann.", "Fla. Stat.",
#: "Mass. Gen. Laws ch. 93A,", "Del. Code Ann. tit. 10,", "Cal. Code Civ. Proc.".
_ABBREVIATED_STATE_CODE = (
    r"(?:W\.\s?(?:Va|VA)\.|[A-Z][a-z]{1,5}\.|[A-Z]\.[A-Z]\.|N\.\s?Y\.|Ohio|Iowa|Utah|Idaho|Alaska"
    r"|(?:TEX|CAL|FLA|ILL|IND|MASS|MICH|MINN|MO|N\.Y\.|OHIO|PA|VA|WASH|WIS|GA|ALA|ARIZ|COLO"
    r"|CONN|KAN|KY|LA|MD|NEV|N\.J\.|OKLA|OR|TENN)\.?"
    # a state's name in capitals before an abbreviated code: "WISCONSIN STAT. §"
    rf"|(?:{_STATES.upper()})(?=\s+[A-Z]))"
    # words closed up after a period: "W. Va.Code", "Neb. Rev.Stat."
    # (a sentence's first word is none of the code's: "OHIO.\nSee Code § 1")
    r"(?:(?:\s+|(?<=\.))(?!(?:See|The|Under|In|And|But|Also|Cf|Compare|Accord)\b)"
    r"(?:[A-Z][A-Za-z']*\.?|&)){0,5}?(?:\s+|(?<=\.))(?:Code|CODE|Law|LAW|Laws|LAWS|Stat\.|STAT\."
    r"|Rev\.\s+Stat\.|REV\.\s+STAT\.|Comp\.\s+Laws)"
    r"(?:\s+[A-Z][a-z]{1,6}\.){0,2}(?:\s+(?:Ann|ANN)\.)?(?:\s+(?:tit\.|ch\.)\s+\w+(?:-\w+)?,)?"
    # Maryland's code by article: "Md. Code Ann., Crim. Law § 2-201", "Cts. & Jud. Proc. §"
    r"(?:,\s+(?:[A-Z][\w'-]*\.?|&)(?:\s+(?:[A-Z][\w'-]*\.?|&)){0,3}(?=\s*§))?"
)
#: "Texas Insurance Code", "Florida Statutes", "New York General Business Law".
_SPELLED_STATE_CODE = (
    rf"(?:{_STATES})(?:\s+(?:[A-Z][a-z]+|&|and|of)){{0,5}}?"
    r"\s+(?:[Cc]ode|Statutes|Laws?|Revised\s+Statutes)(?:\s+Annotated)?,?"
)
#: Codes cited by their initials; they may go without "§" ("N.J.S.A. 2A:14-2").
_INITIALS_CODE = (
    r"N\.\s?C\.\s?G\.\s?S\.|G\.\s?S\.|O\.\s?C\.\s?G\.\s?A\.|OCGA|N\.\s?J\.\s?S\.\s?A\."
    r"|K\.\s?S\.\s?A\.|A\.\s?R\.\s?S\.|C\.\s?R\.\s?S\.|M\.\s?C\.\s?L\.|R\.\s?S\.\s?Mo\."
    # Louisiana's Revised Statutes: "La. R.S. 14:30", "LSA-R.S. 15:529.1", and in a
    # Louisiana text bare: "a violation of R.S. 40:966"
    # Ohio's Revised Code: "R.C. 2913.02(A)", "R.C. 2953.08(G)(2)"
    r"|R\.\s?C\.(?=\s?\d{3,4}\.\d{2})"
    r"|(?:La\.\s?|LSA-)?R\.\s?S\.(?=\s?\d{1,2}:\d)|N\.\s?Y\.\s?C\.\s?P\.\s?L\.\s?R\.|RSMo|RCW|ORS|MCL|MSA|NRS|KRS|CPLR"
    # New York's consolidated laws by their initials: "EPTL 9-1.1(b)", "RPAPL 711"
    r"|EPTL|RPAPL|GOL|BCL|VTL|DRL|SCPA"
    r"|\d{1,3}\s+(?:ILCS|Ill\.\s?Comp\.\s?Stat\.(?:\s+Ann\.)?)"
    # North and South Dakota, New Hampshire and New Mexico: "N.D.C.C. § 14-09-29(4)",
    # "SDCL 25-4-45", "RSA 630:1", "NMSA 1978, § 30-9-11"
    r"|N\.\s?D\.\s?C\.\s?C\.|S\.\s?D\.\s?C\.\s?L\.|SDCL|RSA(?=\s\d+(?:-[A-Z])?:\d)"
    r"|NMSA(?:\s+1978)?,?(?=\s*§)"
    r"|\d{1,2}\s+Pa\.\s?(?:C\.\s?S\.|Cons\.\s+Stat\.)(?:\s+Ann\.)?"
    # Pennsylvania's unconsolidated statutes (Purdon's): "35 P.S. § 780-113(a)(30)"
    r"|\d{1,2}\s+P\.\s?S\.(?=\s*§)"
)
_STATE_CODE = rf"{_ABBREVIATED_STATE_CODE}|{_SPELLED_STATE_CODE}"
_LOUISIANA = "La. Rev. Stat."
_OHIO = "Ohio Rev. Code Ann."
#: Codes cited by initials that the Bluebook names otherwise.
_INITIALS_NAMES = {
    "OCGA": "O.C.G.A.", "EPTL": "N.Y. Est. Powers & Trusts Law",
    "RPAPL": "N.Y. Real Prop. Acts. Law", "GOL": "N.Y. Gen. Oblig. Law",
    "BCL": "N.Y. Bus. Corp. Law", "VTL": "N.Y. Veh. & Traf. Law", "DRL": "N.Y. Dom. Rel. Law",
    "SCPA": "N.Y. Surr. Ct. Proc. Act",
    # New Jersey's statutes as the Bluebook cites them: "N.J. Stat. Ann. § 2C:11-3(a)(1)"
    "N.J.S.A.": "N.J. Stat. Ann.", "N. J. S. A.": "N.J. Stat. Ann.",
    "N.D.C.C.": "N.D. Cent. Code", "S.D.C.L.": "S.D. Codified Laws", "SDCL": "S.D. Codified Laws",
    "RSA": "N.H. Rev. Stat. Ann.",
}  # fmt: skip
#: Those of them that are cited with a mark: the Bluebook's "N.Y. Est. Powers & Trusts Law §".
_MARKED_INITIALS = frozenset(
    name
    for name in [*_INITIALS_NAMES.values(), _LOUISIANA, _OHIO]
    if name.startswith(("N.Y.", "N.J.", "N.D.", "S.D.", "N.H.", "N.M.", "La.", "Ohio"))
)
#: A section written without "§" after initials needs a separator or a subsection
#: ("7A-31", "2A:14-2", "5/2-619", "3211(a)(7)"), so "G.S. 1990" is no statute.
_BARE_SECTION = (
    r"\d+[A-Za-z]*(?:(?:[.\-:/]\d+[A-Za-z]*)+(?:\([a-zA-Z0-9]{1,5}\))*|(?:\([a-zA-Z0-9]{1,5}\))+)"
)
_STATUTE = re.compile(
    rf"(?:\b(?P<title>\d{{1,3}})\s+(?:U\.\s?S\.\s?C\.(?:\s?A\.)?|USCA?\b)"
    rf"|(?<![\w.])(?P<code>{_STATE_CODE}))"
    # "40 U.S.C. ss 270a-270f": "s" and "ss" for "§" and "§§", as old electronic texts wrote them;
    # the U.S. Code is also cited with no mark at all ("21 U.S.C. 802")
    rf"\s*(?:{_SECTION_MARK}|(?P<ascii>ss?)(?=\s+\d)|(?(title)(?=\d)|(?!)))"
    rf"\s*(?P<sec>{_SECTIONS})(?P<seq>\s+et\s+seq\.)?"
    rf"|(?<![\w.])(?P<initials>{_INITIALS_CODE})\s*(?:{_SECTION_MARK.replace('mark', 'imark')}\s*"
    # (a list of bare sections: "R.C. 2921.36(A) and 2923.02(A)")
    rf"(?P<isec>{_SECTIONS})|(?P<bare>{_BARE_SECTION}(?:(?:,[ ]|,?[ ](?:and|or)[ ])"
    rf"{_BARE_SECTION}(?![\w.]\w)){{0,4}}))"
)
#: Missouri and Colorado put their code after the section: "Section 537.065, RSMo 2016",
#: "section 13-16-104, C.R.S. 2024".
#: Oklahoma's statutes by title and section: "21 O.S. 1531 (4)", "51 O.S. § 24A.1",
#: "12 O.S.2011, § 2012" are "Okla. Stat. tit. 21, § 1531(4)".
_OKLAHOMA = re.compile(
    r"(?<![\w.])(?P<title>\d{1,2})[ ]O\.[ ]?S\.(?:[ ]?(?:Supp\.[ ])?(?:19|20)\d\d)?,?[ ](?:§[ ]?)?"
    # (Title 47's motor vehicle sections are hyphenated: "47 O.S. 11-902(A)(2)")
    r"(?P<sec>\d{1,4}(?:-\d{1,4})?(?:\.\d{1,3})?[A-Z]?(?:\.\d{1,3})?)"
    r"(?P<sub>(?:[ ]?\([a-zA-Z0-9]{1,3}\))+)?"
    r"(?![\w.]\w)"
)
#: A public law by its number, with its place in the Statutes at Large: "Pub.L. No.
#: 77-352, 55 Stat. 808" is "Pub. L. No. 77-352, 55 Stat. 808".
_PUBLIC_LAW_CITE = re.compile(
    r"(?<![\w.])Pub\.[ ]?L\.[ ]?(?:No\.[ ]?)?(?P<no>\d{2,3}-\d{1,4})(?![\w-])"
    r"(?:,[ ](?P<vol>\d{1,3})[ ]Stat\.[ ](?P<page>\d{1,5})(?![\w]))?"
)
_CODE_AFTER = re.compile(
    rf"(?<![\w.])(?P<mark>§§?|[Ss]ections?)\s*(?P<sec>{_SECTION_NO}),?\s+"
    r"(?P<code>RSMo|R\.\s?S\.\s?Mo\.|C\.\s?R\.\s?S\.)"
    r"(?:\s+(?:Supp\.\s+|Cum\.\s+Supp\.\s+)?(?:19|20)\d\d)?"
)
#: A note that names the code every bare section is of: "All statutory references are to
#: RSMo 2000", "Statutory citations are to C.R.S. 2024".
_REFERENCES_TO = re.compile(
    r"(?i:(?:all[ ]+)?(?:statutory|section)[ ]+(?:references|citations)[ ]+(?:are[ ]+)?to"
    r"[ ]+(?:the[ ]+)?)"
    r"(?P<code>RSMo|R\.\s?S\.\s?Mo\.|C\.\s?R\.\s?S\.|Internal[ ]Revenue[ ]Code)"
)
#: The code of a note, by its first letter.
_NOTED_CODES = {"C": "C.R.S.", "I": "I.R.C.", "R": "RSMo"}
#: A section by the word alone, of a chapter-and-section code ("Section 288.040.1(2)") or
#: of the Internal Revenue Code ("section 6653(a)(1)").
_SECTION_WORD = re.compile(
    r"(?<![\w.])(?P<mark>[Ss]ections?)[ ]+"
    rf"(?P<sec>\d{{1,4}}\.\d{{2,4}}(?:\.\d{{1,3}})?{SUBSECTIONS})(?![\w\-]|\.\w)"
)
_TAX_SECTION_WORD = re.compile(
    rf"(?<![\w.])(?P<mark>[Ss]ections?)[ ]+(?P<sec>\d{{1,4}}[A-Z]?{SUBSECTIONS})(?![\w\-.]\w)"
)

#: New York's consolidated laws by their names, and their Bluebook abbreviations:
#: "Judiciary Law § 431" is "N.Y. Jud. Law § 431".
_NY_LAWS = {
    "Judiciary": "Jud.", "Labor": "Lab.", "Executive": "Exec.", "Insurance": "Ins.",
    "Penal": "Penal", "Education": "Educ.", "Election": "Elec.",
    "General Business": "Gen. Bus.", "General Obligations": "Gen. Oblig.",
    "General Municipal": "Gen. Mun.", "General Construction": "Gen. Constr.",
    "Real Property": "Real Prop.", "Vehicle and Traffic": "Veh. & Traf.",
    "Public Health": "Pub. Health", "Social Services": "Soc. Serv.",
    "Domestic Relations": "Dom. Rel.", "Business Corporation": "Bus. Corp.",
    "Not-for-Profit Corporation": "Not-for-Profit Corp.", "Civil Rights": "Civ. Rights",
    "Workers' Compensation": "Workers' Comp.", "Workers Compensation": "Workers' Comp.",
    "Retirement and Social Security": "Retire. & Soc. Sec.",
}  # fmt: skip
_NY_LAW_NAME = "|".join(
    re.escape(name).replace(r"\ ", "[ ]") for name in sorted(_NY_LAWS, key=len, reverse=True)
)
#: "Judiciary Law § 431", "General Business Law § 349(a)", "Vehicle and Traffic Law §1192".
_NY_NAMED_LAW = re.compile(
    rf"(?<![\w.])(?P<code>(?:{_NY_LAW_NAME})[ ]Law)[ ]?§[ ]?(?P<sec>{_SECTION_NO})"
    # "Section 623(a) of Not-for-Profit Corporation Law", "section 349 of the General
    # Business Law"
    rf"|(?<![\w.])(?P<mark>[Ss]ections?|§§?)[ ](?P<sec2>{_SECTION_NO})[ ]of[ ](?:the[ ])?"
    rf"(?:New[ ]York[ ](?:State[ ])?)?(?P<code2>(?:{_NY_LAW_NAME})[ ]Law)(?![\w])"
)

#: Massachusetts' General Laws by chapter and section: "G. L. c. 269, § 10G", "G.L. c. 93A,
#: §§ 2, 11", "M.G.L. c. 231, § 6F" are "Mass. Gen. Laws ch. 269, § 10G".
_MASS_GENERAL_LAWS = re.compile(
    r"(?<![\w.])(?:M\.\s?)?G\.\s?L\.(?:\s?A\.)?(?:\s+\(Ter\.\s+Ed\.\))?\s+ch?\.\s*"
    rf"(?P<chapter>\d+[A-Z]?),?\s*{_SECTION_MARK}\s*(?P<sec>{_SECTIONS})"
)


#: Connecticut cites its own code as "General Statutes § 17a-593 (c)" (after no state's name:
#: "North Carolina General Statutes" is read above), sometimes with its revision
#: ("General Statutes (Rev. to 2013) § 17a-593").
_CONNECTICUT = re.compile(
    r"(?<![\w.])General[ ]Statutes(?:[ ]\(Rev\.[ ]to[ ]\d{4}\))?"
    r"[ ]?(?P<mark>§§?)[ ]?(?P<sec>\d+[a-z]?(?:-\d+[a-z]*)+(?:[ ]?\([a-zA-Z0-9]{1,4}\))*)"
)


#: Virginia's courts cite their state's code as "Code § 65.2-710": the code of the state
#: whose court heads the document, by its Bluebook name.
_OWN_CODE = re.compile(rf"(?<![\w.])Code[ ](?P<mark>§§?)[ ]?(?P<sec>{_SECTIONS})")
_OWN_CODE_NAMES = {"Va.": "Va. Code Ann."}


def _own_code_sections(text: str, taken: list[tuple[int, int]]) -> list[RawMention]:
    """ "Code § 65.2-710" in an opinion of a state that cites its code so."""
    code = _OWN_CODE_NAMES.get(own_state(text))
    if code is None:
        return []
    found = []
    for match in _OWN_CODE.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        spans = _listed_sections(match, "sec")
        mark = _mark(match["mark"], match["sec"])
        found += [_listed(EntityType.STATUTE, match, code, spans, index, mark, 0.8,
                          {"code": code}) for index in range(len(spans))]  # fmt: skip
    return found


def _ny_law(name: str) -> str:
    """ "Judiciary Law" -> "N.Y. Jud. Law"."""
    return f"N.Y. {_NY_LAWS[name.removesuffix(' Law')]} Law"


#: A section written in words: "section 484 of the California Penal Code", "section
#: 17-13-5 of the Code of Alabama", "section 924(c) of title 18, United States Code".
_SECTION_OF_CODE = re.compile(
    rf"(?<![\w.])(?P<mark>[Ss]ections?|§§?)\s*(?P<sec>{_SECTION_NO})\s+of\s+(?:the\s+)?"
    rf"(?:(?P<state>{_STATES})\s+(?P<name>(?:[A-Z][a-z]+\s+){{0,3}})Code"
    rf"|Code\s+of\s+(?P<state2>{_STATES})"
    # "section 2C:35-10 of the New Jersey Statutes Annotated"
    rf"|(?P<state3>{_STATES})\s+(?P<statutes>(?:Revised\s+)?Statutes(?:\s+Annotated)?)"
    r"|title\s+(?P<title>\d{1,3}),?\s+United\s+States\s+Code)(?![\w])"
)
#: A state's code by its name, its section after it: "Code of Alabama 1975, § 12-16-13"
#: (the groups of :data:`_SECTION_OF_CODE` it sets: ``state2``, ``mark``, ``sec``).
_CODE_OF_STATE = re.compile(
    # (a word before it may have lost its space in the source: "found underCode of Alabama")
    rf"(?<![A-Z.])Code\s+of\s+(?P<state2>{_STATES})(?:\s+(?:of\s+)?(?:1[89]|20)\d\d)?,?\s+"
    rf"(?P<mark>§§?)\s*(?P<sec>{_SECTION_NO})"
    r"(?P<title>(?!))?(?P<state3>(?!))?(?P<state>(?!))?(?P<name>(?!))?"
)
#: A section of an Act named in words: "section 10(b) of the Securities Exchange Act of
#: 1934", "section 279 (a) and (b) of the Revenue Act of 1924", "§ 2 of the Sherman Act".
_SECTION_OF_ACT = re.compile(
    r"(?<![\w.])(?P<mark>[Ss]ections?|§§?)\s*(?P<sec>\d+[A-Za-z]*(?:\s?\([a-zA-Z0-9]{1,4}\))*)"
    r"(?P<more>(?:,?\s+(?:and|or)\s+\([a-zA-Z0-9]{1,4}\))*)"
    r"\s+of\s+the\s+(?P<act>(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+){1,6}Act"
    r"(?:\s+of\s+(?:1[89]|20)\d\d)?|Internal\s+Revenue\s+Code(?:\s+of\s+(?:19|20)\d\d)?"
    r"|Bankruptcy\s+Code)(?![\w])"
)
#: The U.S. Code by title in words: "Title 26 U. S. Code, 1940 Ed., § 811 (j)".
_TITLE_CODE = re.compile(
    r"\bTitle\s+(?P<title>\d{1,2}),?\s+U\.\s?S\.\s?Code(?:,?\s+(?:19|20)\d\d\s+Ed\.)?,?\s+"
    r"(?P<mark>§§?)\s*(?P<sec>\d+[A-Za-z]*(?:\s?\([a-zA-Z0-9]{1,4}\))*)"
)
_STATE_ABBREVIATION = dict(STATES)
#: The words of a state code's name as the Bluebook abbreviates them (its table T6):
#: "Texas Civil Practice and Remedies Code" is "Tex. Civ. Prac. & Rem. Code".
_CODE_WORDS = {
    "administrative": "Admin.", "agriculture": "Agric.", "alcoholic": "Alco.",
    "beverage": "Bev.", "business": "Bus.", "civil": "Civ.", "commerce": "Com.",
    "commercial": "Com.", "corporations": "Corp.", "criminal": "Crim.", "education": "Educ.",
    "elections": "Elec.", "election": "Elec.", "estates": "Est.", "evidence": "Evid.",
    "family": "Fam.", "finance": "Fin.", "financial": "Fin.", "government": "Gov't",
    "gov't": "Gov't",
    "health": "Health", "human": "Hum.", "institutions": "Inst.", "insurance": "Ins.",
    "labor": "Lab.", "local": "Loc.", "natural": "Nat.", "occupations": "Occ.",
    "parks": "Parks", "penal": "Penal", "practice": "Prac.", "probate": "Prob.",
    "procedure": "Proc.", "professions": "Prof.", "property": "Prop.", "public": "Pub.",
    "remedies": "Rem.", "resources": "Res.", "revenue": "Rev.", "revised": "Rev.",
    "safety": "Safety",
    "tax": "Tax", "taxation": "Tax.", "transportation": "Transp.", "utilities": "Util.",
    "vehicle": "Veh.", "water": "Water", "welfare": "Welf.", "wildlife": "Wild.",
    "and": "&", "&": "&",
}  # fmt: skip
_SPELLED_CODE = re.compile(
    rf"(?P<state>{_STATES})\s+(?P<words>(?:\S+\s+){{0,5}}?)(?P<kind>Code|Revised\s+Statutes"
    r"|Statutes)(?P<ann>\s+Annotated)?,?"
)


def _code_name(written: str) -> str:
    """A state code's name as the Bluebook writes it, from the way a text wrote it: in
    capitals ("WIS. STAT.", "TEXAS GOV'T CODE"), with the state spelled out ("WISCONSIN
    STAT." is "Wis. Stat."), or in words (:func:`_bluebook_code`)."""
    if written.isupper():  # each word in title case; initials ("N.Y.") stay
        written = re.sub(r"[A-Z][A-Z']+", lambda word: word[0][0] + word[0][1:].lower(), written)
    spelled = re.match(rf"(?:{_STATES})(?=\s)", written)
    if spelled and not _SPELLED_CODE.fullmatch(written):  # "WISCONSIN STAT."
        written = _STATE_ABBREVIATION[" ".join(spelled[0].split())] + written[spelled.end() :]
    return _bluebook_code(written)


def _bluebook_code(written: str) -> str:
    """A state code named in words as the Bluebook cites it ("Texas Insurance Code" is
    "Tex. Ins. Code", "Florida Statutes" is "Fla. Stat."); as written when a word of its
    name is not one the table knows."""
    match = _SPELLED_CODE.fullmatch(written)
    if match is None:
        return written
    words = [_CODE_WORDS.get(word.lower()) for word in match["words"].split()]
    if None in words:
        return written
    kind = {"Code": "Code", "Statutes": "Stat."}.get(match["kind"], "Rev. Stat.")
    parts = [_STATE_ABBREVIATION[" ".join(match["state"].split())], *words, kind]
    return " ".join(str(part) for part in parts) + (" Ann." if match["ann"] else "")


#: Another subsection of the same section written alone: "KRS 117.265(2), (3)".
#: The next subsection of a list, perhaps after the last one's description: "(C)(1) (lack of
#: personal jurisdiction), (4) (lack of subject-matter jurisdiction), and (8)".
_MORE_SUBSECTION = re.compile(
    r"(?:[ ]\([a-z][^()\n]{0,80}\))?(?:,[ ]*(?:and[ ]+)?|[ ]&[ ]|[ ](?:and|or)[ ])"
    r"(?P<chain>(?:\([a-zA-Z0-9]{1,4}\))+)(?=[\s.;,)]|$)"
)
_LEVEL = re.compile(r"\(([a-zA-Z0-9]{1,4})\)")


def _level_kind(sub: str) -> str:
    return "digit" if sub.isdigit() else "upper" if sub.isupper() else "lower"


def further_subsections(text: str, found: list[RawMention]) -> list[RawMention]:
    """Subsections listed after a provision, each its own provision (of a statute or a
    court rule, as the mention before it), at the level their first mark's kind says: "(3)"
    after "KRS 117.265(2)," is KRS 117.265(3); "(b)(1)" after "18 U.S.C. § 2252(a)(2) and"
    is § 2252(b)(1); "(2)" after "N.J.S.A. 2C:11-3(a)(1) and" is 2C:11-3(a)(2)."""
    more = []
    for before in found:
        base = re.match(r"(?P<base>[^()]*?)(?P<levels>(?:\([a-zA-Z0-9]{1,4}\))+)$",
                        before.normalized)  # fmt: skip
        if base is None:
            continue
        levels = _LEVEL.findall(base["levels"])
        position = before.end
        while (match := _MORE_SUBSECTION.match(text, position)) is not None:
            chain = _LEVEL.findall(match["chain"])
            kind = _level_kind(chain[0])
            at = next((i for i, sub in enumerate(levels) if _level_kind(sub) == kind), None)
            if at is None:
                break
            start, end = match.start("chain"), match.end()
            kept = "".join(f"({sub})" for sub in levels[:at])
            normalized = f"{base['base']}{kept}{match['chain']}"
            more.append(
                RawMention(before.type, start, end, text[start:end], normalized, 0.8,
                           dict(before.attributes))
            )  # fmt: skip
            position = end
    return more


#: A treatise before a bare section: "14 R. Powell, Powell on Real Property, § 34.12",
#: "Restatement (Second) of Torts § 158".
_TREATISE_BEFORE = re.compile(
    r"(?:\b[A-Z][a-z]+[ ]on[ ](?:[A-Z][a-z]+[ ]?){1,4}|Restatement\b[^,;§]{0,40}),?[ \t\n]*$"
)
#: A state opinion cites its own code by section alone once the code is plain: "in
#: violation of § 565.253". Only a chapter.section number (a dot) is read this way; a bare
#: "§ 1983" is too often a short form of a federal section named before.
_BARE_STATE_SECTION = re.compile(
    r"(?<![\w.§])(?<!C\.F\.R\.[ ])(?<!CFR[ ])§[ \t]*"
    rf"(?P<sec>\d{{1,4}}\.\d{{1,4}}(?:\([a-zA-Z0-9]{{1,5}}\))*{_PARAGRAPH})"
    r"(?![\w\-]|\.\w)"
    r"(?!,?\s+(?:RSMo|R\.\s?S\.\s?Mo\.))"
)


def find_regulations(text: str) -> list[RawMention]:
    """C.F.R. sections and Federal Register pages ("17 C.F.R. § 240.10b-5")."""
    found = []
    for match in _REGULATION.finditer(text):
        if match["vol"]:
            normalized = f"{match['vol']} Fed. Reg. {match['page']}"
        else:
            if not match["part"]:
                spans = _listed_sections(match, "sec")
                mark = _mark(match["mark"], match["sec"])
                code = f"{match['title']} C.F.R."
                found += [_listed(EntityType.REGULATION, match, code, spans, index, mark, 0.95, {})
                          for index in range(len(spans))]  # fmt: skip
                continue
            normalized = f"{match['title']} C.F.R. pt. {_sections(match['sec'])}"
        found.append(mention(EntityType.REGULATION, text, match, normalized, 0.95))
    return found


def _in_louisiana(text: str) -> bool:
    """Whether ``text`` names Louisiana and neither of the other states whose revised
    statutes are cited "R.S." (New Jersey, Maine)."""
    return "Louisiana" in text and not re.search(r"New Jersey|Maine\b", text)


#: A section's hyphen at a line's end, its number not going on on the next line (a blank
#: line, a page's end, a running head).
_BROKEN_SECTION = re.compile(r"-[ \t]*\n(?![ \t]*\d)")


def find_statutes(text: str) -> list[RawMention]:
    """U.S. Code and state-code sections ("15 U.S.C. § 78j(b)", "N.C.G.S. § 7A-31",
    "Tex. Ins. Code Ann. § 541.060", "Texas Insurance Code § 4001.003(1)", "et seq.")."""
    found = []
    for match in _STATUTE.finditer(text):
        if match["initials"]:
            code = " ".join(match["initials"].split())
            code = _INITIALS_NAMES.get(code, code)
            if code.startswith("NMSA"):
                code = "N.M. Stat. Ann."  # "NMSA 1978, § 30-9-11": the 1978 compilation
            if re.fullmatch(r"(?:La\.\s?|LSA-)?R\.\s?S\.", code):
                if code.startswith("R") and not _in_louisiana(text):
                    continue  # "R.S. 39:4-50" of another state's revised statutes
                code = _LOUISIANA
            elif re.fullmatch(r"R\.\s?C\.", code):
                code = _OHIO
            elif purdons := re.fullmatch(r"(\d{1,2}) P\.\s?S\.", code):
                code = f"{purdons[1]} Pa. Stat. Ann."
            group = "isec" if match["isec"] else "bare"
        else:
            code = (
                f"{match['title']} U.S.C."
                if match["title"]
                # "Neb. Rev.Stat.", "WIS.STAT.": a word closed up after another's period
                else _code_name(
                    " ".join(re.sub(r"(?<=[a-zA-Z]{2}\.)(?=[A-Z])", " ", match["code"]).split())
                )
            )
            group = "sec"
        confidence = 0.95 if match["title"] else 0.8
        spans = _listed_sections(match, group)
        written = match["imark"] if match["initials"] else match["mark"]
        if match["ascii"]:
            written = "§" * len(match["ascii"])
        # a code cited by its initials with no "§" keeps none ("735 ILCS 5/2-619", "RCW
        # 26.09.170"); the U.S. Code cited so takes one ("21 U.S.C. 802")
        # (New York's laws by initials take their Bluebook names, and so a mark)
        mark = (
            "" if match["initials"] and not written and code not in _MARKED_INITIALS
            else _mark(written, match[group])
        )  # fmt: skip
        found += [_listed(EntityType.STATUTE, match, code, spans, index, mark, confidence,
                          {"code": code.rstrip(",")}) for index in range(len(spans))]  # fmt: skip
    taken = [(m.start, m.end) for m in found]
    for match in _CODE_AFTER.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        code = "C.R.S." if match["code"].startswith("C") else "RSMo"
        normalized = f"{code} {_mark(match['mark'], match['sec'])} {_sections(match['sec'])}"
        found.append(mention(EntityType.STATUTE, text, match, normalized, 0.8, {"code": code}))
    noted = _REFERENCES_TO.search(text)
    noted_code = "" if noted is None else _NOTED_CODES.get(noted["code"][0], "RSMo")
    words = _TAX_SECTION_WORD if noted_code == "I.R.C." else _SECTION_WORD
    for match in words.finditer(text) if noted_code else ():
        # "Section 288.040" where a note says all statutory references are to RSMo
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        code = noted_code
        normalized = f"{code} § {_sections(match['sec'])}"
        found.append(mention(EntityType.STATUTE, text, match, normalized, 0.75, {"code": code}))
    for match in _PUBLIC_LAW_CITE.finditer(text):
        at_large = f", {match['vol']} Stat. {match['page']}" if match["vol"] else ""
        normalized = f"Pub. L. No. {match['no']}{at_large}"
        found.append(mention(EntityType.STATUTE, text, match, normalized, 0.85,
                             {"code": "Pub. L."}))  # fmt: skip
    for match in _OKLAHOMA.finditer(text):
        code = f"Okla. Stat. tit. {match['title']},"
        part = match["sub"].replace(" ", "") if match["sub"] else ""
        found.append(mention(EntityType.STATUTE, text, match, f"{code} § {match['sec']}{part}",
                             0.85, {"code": code.rstrip(",")}))  # fmt: skip
    taken = [(m.start, m.end) for m in found]
    for match in _NY_NAMED_LAW.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue  # "N.Y. Penal Law § 120.05": the abbreviated code read it already
        code = _ny_law(" ".join((match["code"] or match["code2"]).split()))
        section = _sections(match["sec"] or match["sec2"])
        normalized = f"{code} {_mark(match['mark'], section)} {section}"
        found.append(mention(EntityType.STATUTE, text, match, normalized, 0.8, {"code": code}))
    for match in _CONNECTICUT.finditer(text):
        if re.search(rf"(?:{_STATES})[ ]$", text[max(0, match.start() - 20) : match.start()]):
            continue  # "North Carolina General Statutes § 7A-31": that state's
        code = "Conn. Gen. Stat."
        section = re.sub(r"\s+", "", match["sec"])
        normalized = f"{code} {_mark(match['mark'], section)} {section}"
        found.append(mention(EntityType.STATUTE, text, match, normalized, 0.8, {"code": code}))
    for match in _MASS_GENERAL_LAWS.finditer(text):
        code = f"Mass. Gen. Laws ch. {match['chapter']},"
        spans = _listed_sections(match, "sec")
        mark = _mark(match["mark"], match["sec"])
        found += [_listed(EntityType.STATUTE, match, code, spans, index, mark, 0.85,
                          {"code": code.rstrip(",")}) for index in range(len(spans))]  # fmt: skip
    found += california_sections(text, [(m.start, m.end) for m in found])
    found += _own_code_sections(text, [(m.start, m.end) for m in found])
    found += _sections_in_words(text, [(m.start, m.end) for m in found])
    found += _codified_elsewhere(
        text, _sections_of_acts(text, [(m.start, m.end) for m in found]), found
    )
    for match in _TITLE_CODE.finditer(text):
        code = f"{match['title']} U.S.C."
        section = re.sub(r"\s+", "", match["sec"])
        found.append(mention(EntityType.STATUTE, text, match, f"{code} § {section}", 0.9,
                             {"code": code}))  # fmt: skip
    found += further_subsections(text, found)
    # a section broken at a page's end, a running head after it ("§ 780-\n\nJ-E03003-25\n\n
    # 113(a)(30)"): no section to name
    found = [m for m in found if not _BROKEN_SECTION.match(text, m.end)]
    found += docket_statutes(text)
    taken = [(m.start, m.end) for m in found]
    for match in _BARE_STATE_SECTION.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        if _TREATISE_BEFORE.search(text, max(0, match.start() - 80), match.start()):
            continue  # "Powell on Real Property, § 34.12": a treatise's section
        normalized = f"§ {_sections(match['sec'])}"
        found.append(mention(EntityType.STATUTE, text, match, normalized, 0.7, {"code": ""}))
    return _in_the_document_code(text, found) + _session_laws(text)


#: A state's session law: "2003 Wis. Act 317", "2011 Minn. Laws ch. 76", "1999 Cal. Stat.
#: ch. 1021", "2005 Fla. Laws ch. 2005-123".
_SESSION_LAW = re.compile(
    r"(?<![\w.])(?P<year>(?:18|19|20)\d\d)[ ]"
    r"(?P<state>(?:[A-Z][a-z]{1,5}\.[ ]?){1,2}|(?:[A-Z]\.){2,3}|Ohio|Iowa|Utah|Alaska)"
    r"[ ](?P<kind>Acts?|(?:Sess\.[ ])?Laws|Stat\.)[ ](?P<ch>ch\.[ ])?(?P<no>\d{1,4}(?:-\d{1,4})?)"
    r"(?![\w-])"
)
_STATE_ABBREVIATIONS = frozenset(_STATE_ABBREVIATION.values())


def _session_laws(text: str) -> list[RawMention]:
    """Session laws of a state, cited by year, state, Act or Laws, and number."""
    found = []
    for match in _SESSION_LAW.finditer(text):
        state = " ".join(match["state"].split())
        if state not in _STATE_ABBREVIATIONS:
            continue
        chapter = "ch. " if match["ch"] else ""
        normalized = f"{match['year']} {state} {match['kind']} {chapter}{match['no']}"
        found.append(mention(EntityType.STATUTE, text, match, normalized, 0.85,
                             {"code": f"{state} {match['kind']}"}))  # fmt: skip
    return found


#: A section the code's own text cites as "s." or "ss." ("as provided in s. 66.0307(7)"):
#: read only in a document that cites one state code and only chapter.section numbers.
_OWN_TEXT_SECTION = re.compile(
    rf"(?<![\w.])ss?\.[ ](?P<sec>\d{{1,4}}\.\d{{1,5}}[a-z]?{SUBSECTIONS}{_PARAGRAPH})"
    r"(?![\w\-]|\.\w)"
)


_NOT_A_STATE_CODE = re.compile(r"U\.S\.C\.|Pub\. L\.|\btit\.|\bch\.")


def _in_the_document_code(text: str, found: list[RawMention]) -> list[RawMention]:
    """When a document cites one state code and no other, its sections cited alone ("§
    66.0203(8)", "s. 70.65") are sections of that code."""
    codes = {m.attributes.get("code", "") for m in found}
    # not the U.S. Code or a public law, nor a code cited by title or chapter
    state_codes = {code for code in codes if code and not _NOT_A_STATE_CODE.search(code)}
    if len(state_codes) != 1:
        return found
    (code,) = state_codes
    kept = [
        m if m.attributes.get("code") != ""
        else RawMention(m.type, m.start, m.end, m.text, f"{code} {m.normalized}", m.confidence,
                        {"code": code})
        for m in found
    ]  # fmt: skip
    taken = [(m.start, m.end) for m in kept]
    for match in _OWN_TEXT_SECTION.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        normalized = f"{code} § {_sections(match['sec'])}"
        kept.append(mention(EntityType.STATUTE, text, match, normalized, 0.7, {"code": code}))
    return kept


def _sections_in_words(text: str, taken: list[tuple[int, int]]) -> list[RawMention]:
    """Sections named in words, normalised as their code is cited ("Cal. Penal Code § 484",
    "Ala. Code § 17-13-5", "18 U.S.C. § 924(c)")."""
    found = []
    for match in (*_SECTION_OF_CODE.finditer(text), *_CODE_OF_STATE.finditer(text)):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        if match["title"]:
            code = f"{match['title']} U.S.C."
        elif match["state3"]:
            state = _STATE_ABBREVIATION[" ".join(match["state3"].split())]
            statutes = " ".join(match["statutes"].split())
            kind = {"Statutes": "Stat.", "Revised Statutes": "Rev. Stat."}
            code = f"{state} {kind[statutes.removesuffix(' Annotated')]}"
            code += " Ann." if statutes.endswith("Annotated") else ""
        else:
            state = " ".join((match["state"] or match["state2"]).split())
            name = " ".join((match["name"] or "").split())
            code = _bluebook_code(" ".join(filter(None, (state, name, "Code"))))
        normalized = f"{code} {_mark(match['mark'], match['sec'])} {_sections(match['sec'])}"
        found.append(mention(EntityType.STATUTE, text, match, normalized, 0.8, {"code": code}))
    return found


def _codified_elsewhere(
    text: str, sections: list[RawMention], found: list[RawMention]
) -> list[RawMention]:
    """An Act's section cited with its place in the U.S. Code beside it ("section 102 of the
    Controlled Substances Act (21 U.S.C. 802)", "Section 10(b) of the Exchange Act, 15
    U.S.C. § 78j(b)") is that one provision, named by its code citation."""
    codified = sorted(m.start for m in found if m.normalized.split(" ")[1:2] == ["U.S.C."])
    kept = []
    for section in sections:
        gap = re.match(r"[\s,(]{1,4}", text[section.end : section.end + 4])
        after = section.end + (gap.end() if gap else 0)
        if after not in codified:
            kept.append(section)
    return kept


def _sections_of_acts(text: str, taken: list[tuple[int, int]]) -> list[RawMention]:
    """Sections of an Act named in words, as "Revenue Act of 1924 § 279(a)" (the Internal
    Revenue Code's as "I.R.C. § 812(d)"); "(a) and (b)" are two provisions."""
    found = []
    for match in _SECTION_OF_ACT.finditer(text):
        if any(match.start() < end and start < match.end() for start, end in taken):
            continue
        act = " ".join(match["act"].split())
        if act.startswith("Internal Revenue Code"):
            act = "I.R.C."
        elif act == "Bankruptcy Code":  # title 11 of the U.S. Code
            act = "11 U.S.C."
        if act.split()[0] in ("This", "That", "Said", "Such"):
            continue  # "section 5 of this Act": which Act, the text says elsewhere
        section = re.sub(r"\s+", "", match["sec"])
        base = re.sub(r"\([^()]*\)$", "", section) if match["more"] else section
        sections = [section] + [
            f"{base}({sub})" for sub in re.findall(r"\(([^()]+)\)", match["more"])
        ]
        for value in sections:
            found.append(mention(EntityType.STATUTE, text, match, f"{act} § {value}", 0.8,
                                 {"code": act}))  # fmt: skip
    return found


#: One section of a list ("§§ 1155, 5107(b)"); a range ("§§ 4.1-4.10") stays whole.
_LISTED_SECTION = re.compile(rf"{_SECTION_NO}(?:\s*(?:-|\u2013|to)\s*{_SECTION_NO})?")


def _listed_sections(match: re.Match[str], group: str) -> list[tuple[int, int]]:
    """The spans of the sections a citation lists, each its own provision: a lawyer looks
    up "§ 5107(b)", not "§§ 1155, 5107(b)"."""
    offset = match.start(group)
    return [(offset + part.start(), offset + part.end())
            for part in _LISTED_SECTION.finditer(match[group])]  # fmt: skip


def _listed(
    kind: EntityType,
    match: re.Match[str],
    code: str,
    spans: list[tuple[int, int]],
    index: int,
    mark: str,
    confidence: float,
    attributes: dict[str, str],
) -> RawMention:
    """The ``index``-th section of a list as its own mention; the first keeps the code before
    it in its span, the last any "et seq." after it (in its span, not in its name). A lone
    section keeps the mark written;
    a code written with no mark keeps none."""
    text = match.string
    first, last = index == 0, index == len(spans) - 1
    start = match.start() if first else spans[index][0]
    seq = "seq" in match.re.groupindex and bool(match["seq"])
    end = match.end() if last and seq else spans[index][1]
    mark = mark if len(spans) == 1 or not mark else "§"
    section = _sections(text[spans[index][0] : spans[index][1]])
    normalized = " ".join(part for part in (code, mark, section) if part)
    if last and seq:
        # "15 U.S.C. § 1692 et seq.": the act that starts at § 1692, one entity with § 1692
        # cited alone; the mention keeps "et seq." in its text and as an attribute
        attributes = {**attributes, "et_seq": "true"}
    return RawMention(kind, start, end, text[start:end], normalized, confidence, attributes)


def _mark(mark: str | None, sections: str) -> str:
    """ "§§" for several sections, "§" for one, whatever the text spelled."""
    several = (mark or "").startswith("§§") or (mark or "").lower().startswith(("sections", "secs"))
    return "§§" if several or re.search(r"\s*(?:,|to|and)\s*\d", sections) else "§"


def _sections(value: str) -> str:
    """A section as written, on one line; a hyphen that ended a line joins ("780-\n113")."""
    return re.sub(r"-[ ](?=\d)", "-", " ".join(value.split()))
