"""The names of a counsel list: each piece a person ("Roger K. Gannam") or a firm or office,
with the list's cities, offices before names, firms whose names hold "and", "&" or commas,
and people joined by "&" told apart. :mod:`docbatch.pipeline.entities.appearances` reads
appearance paragraphs with these.
"""

from __future__ import annotations

import re

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.court_names import STATES
from docbatch.pipeline.entities.names import (
    BUILDING_BY_NUMBER,
    BUILDING_HEAD,
    GIVEN_NAMES,
    LOWER,
    NOT_NAME_WORDS,
    ORG_HEADS,
    ORG_SUFFIXES,
    STAR_PAGE,
    UPPER,
    display_name,
    is_shouting,
)

__all__ = [
    "CLIENT_SPLIT",
    "LIST_SPLIT",
    "NAME_WORD",
    "block_names",
    "counsel_mention",
    "is_org",
    "is_person",
    "list_names",
    "listed_person",
    "office_before",
]

#: A two-letter postal code after a city in a reporter's counsel list ("Boston, MA").
_POSTAL = re.compile(r"[A-Z]{2}")
#: Between the parties of a client list; never before a legal form or a generation
#: ("Acme Freight Services, Inc", whose period ended the paragraph).
CLIENT_SPLIT = re.compile(
    r";\s*|,\s+(?:and\s+)?(?!(?:Jr|Sr|Inc|LLC|LLP|LP|Ltd|Co|Corp|PLLC|L\.L\.C|L\.P|L\.L\.P|P\.A"
    r"|P\.C|N\.A|M\.D|Ph\.D|Esq|II|III|IV)\b)"
)
LIST_SPLIT = re.compile(r",\s+(?:and\s+)?(?!Jr\.|Sr\.|Inc\.|LLC|LLP)")
_CONNECTORS = frozenset({"of", "the", "for", "and", "in", "&", "de", "la", "del", "on"})
_TITLES = frozenset(
    {"attorney", "attorneys", "general", "deputy", "assistant", "solicitor", "counsel,",
     "defender",
     # abbreviated: "William J. Baxley, Atty. Gen.", "Larry R. Newman, Asst. Atty. Gen."
     "atty.", "gen.", "asst.", "dep.", "sol."}
)  # fmt: skip
#: Words of a court's name, never of counsel's.
_COURT_WORDS = frozenset({"court", "judicial", "judge", "appeal", "appeals"})
#: The first word of an office's name, which may hold a title's words ("Office of the
#: Federal Public Defender").
_OFFICE_NOUNS = frozenset({"office", "department", "bureau", "division", "agency"})
#: A capitalised name word, with an inner capital after a prefix ("MacBride", "DeShawn").
NAME_WORD = rf"(?:Mc|Mac|De|La|Le|Di|O['\u2019])?[{UPPER}][{LOWER}'\u2019]+"
_PERSON = re.compile(
    # a middle initial may have lost its period in the scan ("Charles A Rothfeld")
    rf"(?:(?:[A-Z]\.[ ])?{NAME_WORD}(?:[- ]{NAME_WORD})*(?:[ ][A-Z]\.?(?=[ ]))*"
    rf"(?:[ ]{NAME_WORD}(?:-{NAME_WORD})?)"
    rf"|(?:[A-Z]\.[ ]?){{2,3}}{NAME_WORD}(?:-{NAME_WORD})?)"  # "J. S. Hogg"
    r"(?:,?[ ](?:Jr\.|Sr\.|II|III|IV))?"
)


def list_names(
    text: str, start: int, end: int, split: re.Pattern[str], *, organisations_only: bool = False
) -> list[RawMention]:
    """The names of a list, each a person ("Roger K. Gannam") or an organisation."""
    found: list[RawMention] = []
    separators = [*split.finditer(text, start, end), None]
    spans = []
    position = start
    for separator in separators:
        spans.append((position, separator.start() if separator is not None else end))
        position = separator.end() if separator is not None else end
    joined = _people_with_ampersand(text, spans)
    people = set(joined) - set(spans)  # the names "&" joined: people, whatever follows them
    spans = _firms_with_and(text, joined)
    cities = _cities(text, spans)
    for index, (position, stop) in enumerate(spans):
        if index in cities:
            continue
        mention = _item(text, position, stop, organisations_only)
        if mention is None and position == start and "\n" in text[position:stop].strip():
            # the paragraph began on an earlier line that ended without a period
            last_line = text.rfind("\n", position, stop - 1) + 1
            mention = _item(text, last_line, stop, organisations_only)
        if mention is None:
            continue
        after = spans[index + 1] if index + 1 < len(spans) else None
        of_city = after is not None and _OF_CITY.fullmatch(
            text[after[0] : after[1]].strip(" \t\n,.")
        )
        titled = after is not None and any(
            w.lower() in _TITLES for w in text[after[0] : after[1]].split()
        )
        if (
            titled
            or (cities and (index + 1 not in cities or of_city))
            or (position, stop) in people
        ):
            # a name with a title after it ("Helle Sachse, Assistant District Attorney") is a
            # person, as firms hold no office; in a list with addresses the firm is the item
            # before its city, and another name-shaped item is a person ("Stephanie Lin",
            # "Allison Jean Riggs"), and so is the attorney before a state report's "of City"
            mention = listed_person(text, mention)
        found.append(mention)
    return found


#: A person's name: "Kunal Pasricha", "David J. Apfel".
_PERSON_SHAPE = re.compile(rf"{NAME_WORD}(?:[ ][A-Z]\.)?(?:[ ]{NAME_WORD}){{1,2}}")


def _people_with_ampersand(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "Christopher M. Tarrant & Robert J. Bender" is two attorneys (Massachusetts' reports
    join names so), where "Grotefeld & Denenberg" is a firm: split at "&" when both sides
    are whole names of people."""
    result: list[tuple[int, int]] = []
    for start, stop in spans:
        piece = text[start:stop]
        at = piece.find(" & ")
        left, right = piece[:at].strip(" ,"), piece[at + 3 :].strip(" ,.")
        if (
            at > 0
            and " & " not in piece[at + 3 :]
            and any(is_person(side) for side in (left, right))
            and all(_PERSON_SHAPE.fullmatch(side) for side in (left, right))
            and re.search(r"\b[A-Z]\.[ ]", piece)
        ):
            result += [(start, start + at), (start + at + 3, stop)]
        else:
            result.append((start, stop))
    return result


def _firms_with_and(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "Wilmer Cutler Pickering Hale and Dorr, LLP" is one firm: a piece that ends in a
    legal suffix takes in the piece before it when only "and" stands between them."""
    merged: list[tuple[int, int]] = []
    for start, stop in spans:
        last = text[start:stop].strip(" \t\n,").split()[-1:]
        if (
            merged and last and last[0].lower() in ORG_SUFFIXES
            and re.fullmatch(r"\s+and\s+", text[merged[-1][1] : start])
            and not re.search(r"(?:^|[ ])[A-Z]\.[ ]", text[merged[-1][0] : merged[-1][1]])
        ):  # fmt: skip
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return _firms_with_commas(text, merged)


def _firms_with_commas(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "Spillman, Thomas & Battle", "Williams, Morrison, Light & Moreau" and "Kerr, Russell
    and Weber, PLC" are one firm: a piece with "&", or with "and" and a legal form, takes in
    the one-word pieces before it that only commas separate."""
    merged: list[tuple[int, int]] = []
    for start, stop in spans:
        piece = text[start:stop]
        if " & " in piece or (
            " and " in piece and piece.strip(" \t\n,").split()[-1].lower() in ORG_SUFFIXES
        ):
            while (
                merged
                and re.fullmatch(r"[A-Z][a-z]+", text[merged[-1][0] : merged[-1][1]].strip())
                and re.fullmatch(r",[ ]", text[merged[-1][1] : start])
            ):
                start = merged.pop()[0]
        merged.append((start, stop))
    return merged


def _cities(text: str, spans: list[tuple[int, int]]) -> set[int]:
    """Indexes of the city and postal code pieces of a list ("Washington, DC"), of a state
    report's "of City" after an attorney ("Jane Roe, of Columbia, for Appellant."), and of
    the city that ends a reporter's list before "for <party>": after a state ("Alexandria,
    Virginia"), or after a firm or an office ("Cook Schuhmann, Inc., Fairbanks", "Assistant
    Attorney General, West Palm Beach")."""
    cities: set[int] = set()
    pieces = [text[start:stop].strip(" \t\n,.") for start, stop in spans]
    for index, piece in enumerate(pieces):
        if index and _ZIP.fullmatch(piece):
            cities |= _street_address(pieces, index)
        elif index and _POSTAL.fullmatch(piece):
            cities |= {index - 1, index}
        elif (
            index
            and piece in _STATE_NAMES
            and _PLACE_LIKE.fullmatch(pieces[index - 1])
            and not (is_org(pieces[index - 1]) or is_person(pieces[index - 1]))
            and text[spans[index][1] : spans[index][1] + 1] in (";", "")
        ):
            cities |= {index - 1, index}  # "New York, New York;" within the list
        elif index and _OF_CITY.fullmatch(piece):
            cities.add(index)
        elif (
            index
            and _PLACE_LIKE.fullmatch(piece)
            and text[spans[index][1] : spans[index][1] + 3].lstrip().startswith("(")
            and text[spans[index - 1][0] : spans[index - 1][1]].split()[-1].lower().rstrip(",")
            in ORG_SUFFIXES
        ):
            cities.add(index)  # New York's "Firm, P.C., New York City (X of counsel)"
        elif (
            index == len(pieces) - 1
            and _PLACE_LIKE.fullmatch(piece)
            and _ends_address(pieces, index)
        ):
            cities.add(index)
            city = pieces[index - 1]
            if piece in _STATE_NAMES and _PLACE_LIKE.fullmatch(city) and not is_org(city):
                cities.add(index - 1)
    return cities


def is_org(piece: str) -> bool:
    words = [w.strip(",.").lower() for w in piece.split()]
    return any(w in ORG_HEADS or w in ORG_SUFFIXES or w in _ORG_WORDS for w in words)


#: A piece that ends a postal address: "NY 10036", "Puerto Rico 00984-9897".
_ZIP = re.compile(r"(?:[A-Z]{2}|[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?)\.?[ ]+\d{5}(?:-\d{4})?")
#: A piece of a street address: a number ("919 Third Ave", "P.O. Box 79897", "Suite
#: 1110") or a street's or building's word ("Eleven Times Square", "Edificio Union Plaza").
_STREET = re.compile(
    r".*\d.*|.*\b(?:Square|Street|St|Avenue|Ave|Boulevard|Blvd|Road|Rd|Drive|Dr|Lane|Way"
    r"|Place|Plaza|Floor|Suite|Station|Box|Building|Tower|Center|Centre|Court|Edificio"
    r"|Avenida|Calle|Highway|Parkway|Pkwy)\.?"
)


def _street_address(pieces: list[str], index: int) -> set[int]:
    """The pieces of the street address that ends at ``pieces[index]`` (its postal code):
    "Eleven Times Square, New York, NY 10036" in a list of counsel. Back from the code: up
    to two places (city, district), then the street's pieces; with no street piece, only
    the city."""
    found = {index}
    places: list[int] = []
    position = index - 1
    while position >= 0 and len(places) < 2 and not _STREET.fullmatch(pieces[position]):
        if not _PLACE_LIKE.fullmatch(pieces[position]):
            break
        places.append(position)
        position -= 1
    if position < 0 or not _STREET.fullmatch(pieces[position]):
        return found | set(places[:1])  # "Jane Roe, Chicago, IL 60654": the city only
    found |= set(places)
    while position >= 0 and _STREET.fullmatch(pieces[position]):
        found.add(position)
        position -= 1
    return found


#: One to three capitalised words: a city or a state.
_PLACE_LIKE = re.compile(r"[A-Z][a-z]+(?:[ ][A-Z][a-z]+){0,2}")
_STATE_NAMES = frozenset(name for name, _ in STATES)


def _ends_address(pieces: list[str], index: int) -> bool:
    """Whether ``pieces[index]`` ends a line of address: a state, or a place after a firm
    (a legal suffix) or an office ("Assistant Attorney General")."""
    piece, before = pieces[index], pieces[index - 1]
    if piece in _STATE_NAMES:
        return True
    if is_person(piece) or is_org(piece):
        return False
    words = before.lower().split()
    return bool(words) and (words[-1] in ORG_SUFFIXES or any(w in _TITLES for w in words))


#: A city after an attorney in a state report: "of Greenville", "both of Columbia".
_OF_CITY = re.compile(r"(?:(?:both|all)\s+)?of\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}")


def listed_person(text: str, mention: RawMention) -> RawMention:
    """A two- to four-word capitalised name with no word of an organisation is a person."""
    words = [w.strip(",.").lower() for w in mention.normalized.split()]
    if mention.type is EntityType.ORGANIZATION and 2 <= len(words) <= 4 and not any(
        w in ORG_HEADS or w in ORG_SUFFIXES or w in NOT_NAME_WORDS or w in _CONNECTORS
        or w in _ORG_WORDS for w in words
    ):  # fmt: skip
        return counsel_mention(EntityType.PERSON, text, mention.start, mention.end)
    return mention


#: Words of organisation names that are not head nouns ("Southern Coalition For Social
#: Justice", "Fair Elections Center").
_ORG_WORDS = frozenset({"justice", "elections", "rights", "legal", "law", "liberties"})


#: Words that make "of X" in a counsel list a firm or a public body, not a city: "of Maxey
#: Law Office PS", "of South Carolina Commission on Indigent Defense".
_FIRM_WORDS = re.compile(
    r"[ ](?:Law|Legal|Office|Offices|Firm|Group|Associates|Attorneys|Commission|Department"
    r"|Agency|Bureau)\b|,?[ ](?:PS|P\.S\.|PLLC"
    r"|LLP|LLC|P\.C\.|P\.A\.|Inc\.)\s*$"
)


def _item(text: str, start: int, end: int, organisations_only: bool) -> RawMention | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1] in " \t\n,":
        end -= 1
    if organisations_only and text.startswith("the ", start):
        start += 4  # "on behalf of the Wisconsin Newspaper Association"
    if text.startswith("of ", start) and _FIRM_WORDS.search(text, start, end):
        start += 3  # Washington: "X (of Maxey Law Office PS), for respondent."
    star = STAR_PAGE.match(text, start)  # "*929 W.D. Masterson": the page's first name
    inner = list(STAR_PAGE.finditer(text, start, end))
    if star is None and inner and re.search(r"[\d§]", text[start : inner[-1].start()]):
        star = inner[-1]  # "M.G.L.A. c. 265, § 2 *260 Michael A. Kaneb": a headnote before it
    if star is not None:
        start = star.end()
        while start < end and text[start].isspace():
            start += 1
    courtesy = re.match(r"(?:Messrs|Mr|Mrs|Ms)\.[ ]+", text[start:end])
    if courtesy is not None:  # "Messrs. J. A. Biely and Barnes & Barnes, for appellee."
        start += courtesy.end()
    of_counsel = re.search(r"\s+of\s+counsel$", text[start:end])
    if of_counsel is not None:  # New York's "(Tania M. Pagan of counsel)"
        end = start + of_counsel.start()
    flat = " ".join(STAR_PAGE.sub(" ", text[start:end]).split())
    words = flat.split()
    if not words or (
        any(w.lower() in _TITLES for w in words)
        # an office's name may hold a title's word: "Office of the Federal Public Defender",
        # "Federal Community Defender Office"
        and not any(w.lower() in _OFFICE_NOUNS for w in words)
    ):
        surname = _TITLED_SURNAME.fullmatch(flat)
        if surname is not None and not organisations_only:
            # "Solicitor General Clement": the officer by surname
            return counsel_mention(EntityType.PERSON, text, end - len(surname["name"]), end)
        titled = _TITLE_BEFORE.match(flat)
        if titled is not None and not organisations_only and is_person(flat[titled.end() :]):
            # "Chief Deputy Attorney General John W. McIntosh", "Appellate Defender X"
            return counsel_mention(EntityType.PERSON, text, end - len(flat) + titled.end(), end)
        return None  # "Assistant Attorney General", but not "Office of the U.S. Attorney"
    if any(w.strip(",.").lower() in _COURT_WORDS for w in words):
        return None  # "Fourth Judicial District": the court below, named before the counsel
    if not organisations_only and (
        is_person(flat) or (is_shouting(flat) and is_person(display_name(flat)))
    ):  # "DONALD B. VERRILLI, JR." in a transcript's list of appearances
        return counsel_mention(EntityType.PERSON, text, start, end)
    capitalised = all(w[0].isupper() or w.lower() in _CONNECTORS for w in words)
    if (
        capitalised
        and len(words) >= 2
        and words[0][0].isupper()
        and words[-1].lower() not in _CONNECTORS
    ):
        return counsel_mention(EntityType.ORGANIZATION, text, start, end)
    return None


#: A counsel block's address or contact line: "615 Chestnut Street", "Suite 1250", "The
#: Curtis Center, Suite 540 West", "Philadelphia, PA 19106", "Telephone: (215) 861-8200".
_CONTACT_LINE = re.compile(
    rf"\d|(?i:suite|ste\.|room|floor|p\.?[ ]?o\.?[ ]box|telephone|tel\.|phone|fax|facsimile"
    rf"|e-?mail)\b|.*(?:@|\b\d{{5}}(?:-\d{{4}})?[ \t]*$|\(\d{{3}}\)|\b(?i:suite)\b"
    rf"|{BUILDING_BY_NUMBER}|{BUILDING_HEAD})"
)
#: The city after a name on a counsel block's line: "Stanley David Murray, Scottsdale".
_CITY_AFTER = re.compile(r",[ ]+(?P<city>[A-Z][a-z]+(?:[ ][A-Z][a-z]+){0,2})[ \t]*$")
#: What a counsel block's name line carries besides the name: "[Argued]", "(SBN 123456)".
_LINE_NOTE = re.compile(r"[ \t]*(?:\[[A-Za-z ]+\]|\((?:SBN|Bar|State[ ]Bar)[^()\n]*\))")


def block_names(text: str, start: int, end: int) -> list[RawMention]:
    """The names of a counsel block that gives one name a line, as the Third Circuit's and
    Arizona's opinions and signature blocks do: "Abigail E. Horn [Argued]\nFederal Community
    Defender Office\nfor the Eastern District of Pennsylvania\n601 Walnut Street\n...".
    Address and contact lines name no one; a line opening with "for" or "of" goes on the
    name above it."""
    items: list[list[int]] = []
    emailed: set[int] = set()  # the items an e-mail line follows: a person's own address
    position = start
    for line in text[start:end].split("\n"):
        line_start, line_end = position, position + len(line)
        position = line_end + 1
        stripped = line.strip()
        if not stripped or _CONTACT_LINE.match(stripped):
            if "@" in stripped and items and items[-1]:
                emailed.add(len(items) - 1)
            items.append([])  # an address ends the name above it
            continue
        note = _LINE_NOTE.search(text, line_start, line_end)
        if note is not None:
            line_end = note.start()
        by = re.match(r"[ \t]*By:?[ ]+", text[line_start:line_end])
        if by is not None:  # "By Laura V. Babione": the firm's attorney
            line_start += by.end()
        city = _CITY_AFTER.search(text, line_start, line_end)
        if city is not None and city["city"].split()[0].lower() not in ORG_SUFFIXES:
            line_end = city.start()  # "Stanley David Murray, Scottsdale"
        above = text[items[-1][0] : items[-1][1]] if items and items[-1] else ""
        if above and (
            re.match(r"(?:for|of)[ ]", stripped)
            # a name in capitals wrapped over lines: "AMERICAN CIVIL LIBERTIES\nUNION
            # FOUNDATION OF\nNORTHERN CALIFORNIA" (not after a legal form: "LLP")
            or (
                stripped.isupper() and above.strip().isupper()
                and not is_person(display_name(above)) and not is_person(display_name(stripped))
                and above.split()[-1].strip(",.").lower() not in ORG_SUFFIXES
            )
        ):  # fmt: skip
            items[-1][1] = line_end  # "Federal Community Defender Office\nfor the Eastern ..."
            continue
        items.append([line_start, line_end])
    found = []
    for index, item in enumerate(items):
        if not item:
            continue
        mention = _item(text, item[0], item[1], False)
        words = [] if mention is None else mention.normalized.lower().split()
        if (
            mention is not None and index in emailed and mention.type is EntityType.ORGANIZATION
            and len(words) <= 3 and not any(w in ORG_HEADS or w in ORG_SUFFIXES for w in words)
        ):  # fmt: skip
            # "ANGÉLICA SALCEDA\nasalceda@aclunc.org": a name over its own e-mail address
            mention = counsel_mention(EntityType.PERSON, text, mention.start, mention.end)
        if mention is not None:
            found.append(mention)
    return found


#: The words before an office's name: "Deputy", "Chief Deputy", "Senior Assistant".
_OFFICE_RANK = (
    r"(?:(?:Acting|Principal|Chief|Senior|Deputy|Assistant|Associate|Special|Appellate|Public"
    r"|District|County|Circuit)[ ])*"
)
#: An officer named by title and surname, as the Supreme Court lists the Solicitor
#: General's office: "Solicitor General Clement", "Deputy Solicitor General Kneedler".
_TITLED_SURNAME = re.compile(
    rf"{_OFFICE_RANK}(?:Solicitor[ ]General|Attorney[ ]General"
    rf"|Assistant[ ]to[ ]the[ ]Solicitor[ ]General)[ ](?P<name>{NAME_WORD})"
)
#: An office before a person's whole name (South Carolina's reports): "Chief Deputy
#: Attorney General John W. McIntosh", "Appellate Defender X", "Solicitor X".
_TITLE_BEFORE = re.compile(
    rf"{_OFFICE_RANK}(?:Solicitor[ ]General|Attorney[ ]General|Solicitor|Defender"
    r"|District[ ]Attorney|Prosecuting[ ]Attorney|Attorney)[ ](?=[A-Z])"
)


def office_before(mention: RawMention, item: RawMention) -> bool:
    """``mention`` is ``item`` with words of an office before it ("Defender Elizabeth A.
    Franklin-Best" of "Elizabeth A. Franklin-Best")."""
    if mention.end != item.end or mention.start >= item.start:
        return False
    office = _TITLE_BEFORE.match(mention.text)
    return office is not None and office.end() == item.start - mention.start


def is_person(name: str) -> bool:
    """A name with an initial ("Roger K. Gannam") or a known given name; "Bernstein Shur"
    and "Cozen O'Connor", firms, have neither."""
    if not _PERSON.fullmatch(name):
        return False
    words = [w.strip(",.").lower() for w in name.split()]
    if any(w in NOT_NAME_WORDS for w in words):
        return False
    return bool(re.search(r"(?:^|[ ])[A-Z]\.", name)) or words[0] in GIVEN_NAMES


def counsel_mention(kind: EntityType, text: str, start: int, end: int) -> RawMention:
    raw = text[start:end]
    return RawMention(kind, start, end, raw, display_name(raw), 0.85)
