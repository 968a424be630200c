"""Case citations and the statutes eyecite recognises, found with eyecite.

Full, short, id. and supra citations are found over the whole document text and then
resolved (:func:`eyecite.resolve_citations`) so a short form is normalised to the full
citation it refers to. A short form ("Id.", "id. at 23", "Twombly, supra, at 570",
"550 U.S. at 556") is only ever a mention *of the authority it resolves to*, with its pin
cite: of the case, or of the statute when "Id. § 1292(a)(1)" follows a statute. One that
resolves to nothing is dropped, so "Id." or "supra," never becomes an entity of its own.
Corrections made on top of eyecite:

- **Years of neighbouring citations.** When a case name is searched backwards from a
  citation, eyecite takes any ``(2001)`` word it passes as a California-style year placed
  before the citation (``People v. X (2001) 1 Cal.4th 1``). In a string cite joined by
  commas (``A v. B, 1 U.S. 1 (2001), C v. D, 2 U.S. 2 (2002)``) the previous citation's
  parenthetical is such a word, so the second citation gets the first one's year (and a
  case name that runs into the first citation). Semicolons stop the backward search,
  which is why it only shows in comma-joined runs. We re-read each citation's own
  parenthetical (:func:`own_parenthetical`), bounded by the next citation.
- **Speed.** eyecite matches a parenthetical's court against every court in courts-db
  with hundreds of regex substitutions per citation; the answer depends on the string
  only, so it is memoised (:func:`_memoise_court_lookup`).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docbatch.models import EntityType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.entities.courts import canonical_court
from docbatch.pipeline.entities.tokenizer import citation_tokenizer

__all__ = ["CitationScan", "ParentheticalInfo", "find_citations", "own_parenthetical"]

log = logging.getLogger(__name__)
# eyecite warns "Unknown overlap case. Last cite: ..." with two whole citation reprs for a
# citation it cannot place beside the one before; real opinions trigger it often, and it
# says nothing an operator can act on, so only its errors reach docbatch's log.
logging.getLogger("eyecite.helpers").setLevel(logging.ERROR)

_NOTE = r"(?:,?\s*nn?\.\s*\d+(?:[-\u2013]\d+)?)?"  # "n. 5", ", n. 5", "nn. 2-3"
_PAGES = rf"\*?\d+(?:[-\u2013]\s*\*?\d+)?{_NOTE}"  # "283-\n288": a range split by a line
_PIN = rf"(?:,\s*(?:at\s+)?{_PAGES}(?:,\s*{_PAGES})*)?"
#: The pin cite after a short form when eyecite read none ("id. at 281 n.11").
_SHORT_PIN = re.compile(rf",?\s*at\s+(?P<pin>{_PAGES}(?:,\s*{_PAGES})*)")
#: The section after an "Id." that refers to a statute ("Id. § 1292(a)(1)").
_ID_SECTION = re.compile(r"\s*(?P<mark>§§?)\s*(?P<sec>\d+[\w.\-]*(?:\([a-zA-Z0-9]{1,5}\))*)")
#: What follows an "Id." that points at a page, paragraph or exhibit: a record's or a case's,
#: never a statute's.
_ID_OF_RECORD = re.compile(r",?\s*(?:¶|at\s+[*\d]|Ex(?:h)?\.|p\.\s*\d)")
_OWN_PAREN = re.compile(
    _PIN + r"\s*[(\[](?P<court>[^()\[\]]*?)\s*"
    r"(?:(?P<month>[A-Z][a-z]{2,8}\.?)\s+\d{1,2},\s*)?(?P<year>1[6-9]\d\d|20\d\d)[)\]]"
)
#: A clerk's stamp after a citation ("2007 VT 95 [Filed 31-Aug-2007]"): no parenthetical.
_STAMP = re.compile(r"(?i)(?:filed|decided|dated|entered|argued|submitted)\b")
_PRE_YEAR = re.compile(r"\((?P<year>1[6-9]\d\d|20\d\d)\)\s*$")
_PARALLEL_GAP = re.compile(_PIN + r",\s*$")
_CASE_NAME = re.compile(
    r"(?P<plaintiff>[A-Z][^;()]*?)\s+v\.\s+(?P<defendant>[A-Z][^;()]*?),\s*$",
)
_ONE_PARTY = re.compile(
    r"(?:^|(?<=[\s\"\u201c(]))(?:(?i:see|also|cf\.|accord|in|under|as|and|but|e\.g\.,?)\s+)*"
    r"(?P<caption>(?:(?:In\s+re|Ex\s+parte|In\s+the\s+Matter\s+of|Matter\s+of)\s+)?"
    r"(?P<party>[A-Z][\w'\u2019&.-]*(?:\s+(?:[A-Z][\w'\u2019&.-]*|of|the|and|&|de|la))*"
    r"(?:,?\s+(?:Inc\.|LLC|L\.L\.C\.|Corp\.|Co\.|Ltd\.|L\.P\.|LLP|P\.A\.|P\.C\.|N\.A\.))?))"
    r",\s*$"
)
_SIGNALS = re.compile(r"^(?:(?:see|also|cf\.|accord|and|but|e\.g\.,?|compare|with)\s+)+", re.I)


@dataclass(frozen=True, slots=True)
class ParentheticalInfo:
    """The court and year read from the parenthetical that belongs to one citation."""

    court: str
    year: str
    #: Where the parenthetical ends (after its closing bracket).
    end: int = 0


@dataclass(frozen=True, slots=True)
class CitationScan:
    """Citation mentions plus the spans of case names, which are not party mentions."""

    mentions: list[RawMention]
    case_name_spans: list[tuple[int, int]]


def own_parenthetical(text: str, end: int, limit: int) -> ParentheticalInfo | None:
    """The ``(court year)`` parenthetical right after a citation ending at ``end``.

    Only an optional pin cite may sit between the citation and the parenthetical, and
    the search never reaches ``limit`` (the start of the next citation), so a citation
    never borrows its neighbour's year.
    """
    match = _OWN_PAREN.match(text, end, limit)
    if match is None or _STAMP.match(match["court"]):
        return None
    return ParentheticalInfo(court=match["court"].strip(" ,"), year=match["year"], end=match.end())


def find_citations(text: str, *, use_hyperscan: bool = True) -> CitationScan:
    """Find and resolve every citation eyecite recognises in ``text``."""
    import eyecite
    from eyecite.models import FullCaseCitation, FullLawCitation, ResourceCitation

    _memoise_court_lookup()
    tokenizer = citation_tokenizer(use_hyperscan)
    # eyecite can return a citation after a later one (when a case name ran back into
    # the previous citation); resolution and our fixes both need text order.
    citations = sorted(
        (
            c
            for c in eyecite.get_citations(text, tokenizer=tokenizer)
            if not _page_marker(text, c) and not _blank_page(c) and not _rule_source(text, c)
        ),
        key=lambda c: c.span(),
    )
    resolved = _resolved_targets(eyecite.resolve_citations(citations))
    starts = [c.span()[0] for c in citations]
    fixes = _fixed_case_metadata(text, citations, starts)
    mentions: list[RawMention] = []
    names: list[tuple[int, int]] = []
    for index, citation in enumerate(citations):
        start, _end = citation.span()
        if isinstance(citation, FullLawCitation):
            mentions.append(_law_mention(text, citation))
            continue
        target = resolved.get(id(citation))
        if isinstance(target, FullLawCitation):
            law = _short_law_mention(text, citation, target)
            if law is not None:
                mentions.append(law)
            continue
        if isinstance(citation, FullCaseCitation | ResourceCitation):
            name_start = citation.full_span()[0]
            found = (fixes.get(index) or {}).get("_name_start")
            if found is not None:
                name_start = min(name_start, int(found))
            if name_start < start:
                names.append((name_start, start))
        mention = _case_mention(text, citation, target, fixes.get(index))
        if mention is not None:
            mentions.append(mention)
    return CitationScan(mentions=mentions, case_name_spans=names)


def _blank_page(citation: Any) -> bool:
    """ "570 U. S. ____ (2013)": a slip opinion's own cite before its page is known names no
    case to look up."""
    from eyecite.models import FullCaseCitation

    page = (citation.groups or {}).get("page")
    return isinstance(citation, FullCaseCitation) and not (page and page[0].isdigit())


def _page_marker(text: str, citation: Any) -> bool:
    """A reporter's page break printed in the text ("[590 F.Supp.3d 855]") is where the
    document itself continues in print, not a case it cites."""
    start, end = citation.span()
    return text[max(0, start - 2) : start].strip().endswith("[") and text[end : end + 2].strip(
        " "
    ).startswith("]")


#: Where a state's reports print its court rules: "Mass. R. Crim. P. 30 (b), as appearing
#: in 435 Mass. 1501 (2001)", "as amended, 453 Mass. 1303 (2009)".
_RULE_SOURCE = re.compile(r"\bas[ ](?:appearing[ ]in|amended,?)[ ]*$")


def _rule_source(text: str, citation: Any) -> bool:
    """A reporter page that prints a rule, named after the rule ("as appearing in 435
    Mass. 1501"), is no case."""
    start = citation.span()[0]
    return _RULE_SOURCE.search(text, max(0, start - 30), start) is not None


def _resolved_targets(resolutions: Any) -> dict[int, Any]:
    """Map ``id(citation)`` to the full citation its resource was resolved to."""
    targets: dict[int, Any] = {}
    for resource, members in resolutions.items():
        full = getattr(resource, "citation", None)
        for member in members:
            targets[id(member)] = full
    return targets


def _fixed_case_metadata(
    text: str, citations: Sequence[Any], starts: Sequence[int]
) -> dict[int, dict[str, str]]:
    """Year, court and case name of every full case citation, read from its own text.

    Walks backwards so a citation followed by a parallel citation ("1 U.S. 1, 2 S. Ct. 3
    (2001)") can share the parenthetical the parallel citation already found; then
    forwards so the parallel citation shares the first one's case name. A fix may hold
    ``_name_start``, where the case name it found begins (not an attribute).
    """
    from eyecite.models import FullCaseCitation

    fixes: dict[int, dict[str, str]] = {}
    for index in range(len(citations) - 1, -1, -1):
        citation = citations[index]
        if not isinstance(citation, FullCaseCitation):
            continue
        start, end = citation.span()
        limit = starts[index + 1] if index + 1 < len(citations) else len(text)
        fix: dict[str, str] = {}
        paren = own_parenthetical(text, end, limit)
        if paren is not None:
            fix = {"year": paren.year, "court": canonical_court(paren.court) or ""}
        elif index + 1 in fixes and _PARALLEL_GAP.match(text, end, limit):
            fix = {k: v for k, v in fixes[index + 1].items() if k in ("year", "court")}
        else:
            pre = _PRE_YEAR.search(text, max(0, start - 12), start)
            fix = {"year": pre["year"] if pre else "", "court": ""}
        previous_end = citations[index - 1].span()[1] if index else 0
        if citation.full_span()[0] < previous_end or not citation.metadata.plaintiff:
            fix.update(_case_name_before(text, previous_end, start))
        fixes[index] = fix
    _share_names_with_parallels(text, citations, fixes)
    return fixes


def _share_names_with_parallels(
    text: str, citations: Sequence[Any], fixes: dict[int, dict[str, str]]
) -> None:
    """ "X v. Y, 1 N.C. 2, 3 S.E.2d 4": the parallel citation is X v. Y too."""
    for index in sorted(fixes):
        after = fixes.get(index + 1)
        if after is None or after.get("plaintiff") or after.get("party"):
            continue
        if "plaintiff" not in after and citations[index + 1].metadata.plaintiff:
            continue  # eyecite's own name for it stands
        names = _names_of(citations[index], fixes[index])
        end, following = citations[index].span()[1], citations[index + 1].span()[0]
        if names and _PARALLEL_GAP.fullmatch(text, end, following) is not None:
            after.update(names)


def _names_of(citation: Any, fix: dict[str, str]) -> dict[str, str]:
    """The plaintiff/defendant or single party a citation's fix or eyecite gave it."""
    names = {k: fix[k] for k in ("plaintiff", "defendant", "party", "case_name") if fix.get(k)}
    if names:
        return names
    meta = citation.metadata
    if meta.plaintiff:
        return {"plaintiff": meta.plaintiff, "defendant": meta.defendant or ""}
    return {}


def _case_name_before(text: str, floor: int, start: int) -> dict[str, str]:
    """The case name of "X v. Y, <citation>" (plaintiff and defendant), or of a caption
    naming one party ("In re X, LLC, <citation>", "X, LLC, <citation>": ``party``, with
    the whole caption as ``case_name``), looking back no further than ``floor``."""
    window_start = max(floor, start - 200)
    window = text[window_start:start]
    # Only the last clause can hold this citation's case name.
    clause = re.split(r"(?<!\bv)(?<!\b[A-Z])[.;]\s+(?=[A-Z])|\),\s*", window)[-1]
    match = _CASE_NAME.search(clause)
    if match is not None:
        plaintiff = _SIGNALS.sub("", match["plaintiff"]).strip()
        return {"plaintiff": plaintiff, "defendant": match["defendant"].strip()}
    one = _ONE_PARTY.search(clause)
    if one is None:
        return {"plaintiff": "", "defendant": ""}
    caption = " ".join(one["caption"].split())
    return {
        "plaintiff": "",
        "defendant": "",
        "party": " ".join(one["party"].split()),
        "case_name": caption,
        "_name_start": str(window_start + len(window) - len(clause) + one.start("caption")),
    }


def _case_mention(
    text: str, citation: Any, target: Any, fix: dict[str, str] | None
) -> RawMention | None:
    """A CITATION mention for a full, short, id. or supra citation."""
    from eyecite.models import FullCaseCitation, IdCitation, ShortCaseCitation, SupraCitation

    forms: dict[type, str] = {FullCaseCitation: "full", ShortCaseCitation: "short"}
    forms |= {IdCitation: "id", SupraCitation: "supra"}
    form = forms.get(type(citation))
    full = citation if form == "full" else target
    if form is None or not isinstance(full, FullCaseCitation):
        return None  # a short form that resolves to no case names nothing by itself
    start, end = citation.span()
    attributes = _citation_attributes(full, citation, fix)
    attributes["form"] = form
    attributes["resolved"] = "true"
    if form != "full" and "pin_cite" not in attributes:
        pin = _SHORT_PIN.match(text, end)
        if pin is not None:
            attributes["pin_cite"] = _plain(pin["pin"])
    normalized = _full_normalized(full)
    confidence = 0.95 if form == "full" else 0.85
    return RawMention(
        type=EntityType.CITATION,
        start=start,
        end=end,
        text=text[start:end],
        normalized=normalized,
        confidence=confidence,
        attributes=attributes,
    )


def _citation_attributes(full: Any, citation: Any, fix: dict[str, str] | None) -> dict[str, str]:
    """Volume, reporter, page, pin cite, year, parties and court of a citation."""
    attributes: dict[str, str] = {}
    if full is not None:
        groups = full.groups
        attributes["volume"] = groups.get("volume") or ""
        attributes["reporter"] = full.corrected_reporter() or groups.get("reporter") or ""
        attributes["page"] = groups.get("page") or ""
        meta = full.metadata
        for key in ("year", "plaintiff", "defendant"):
            attributes[key] = getattr(meta, key, None) or ""
        attributes["court_id"] = getattr(meta, "court", None) or ""
        if fix is not None:
            attributes.update(fix)
    pin = getattr(citation.metadata, "pin_cite", None)
    if pin:
        attributes["pin_cite"] = re.sub(r"^at\s+", "", pin)
    return {key: value for key, value in attributes.items() if value and key[0] != "_"}


def _full_normalized(full: Any) -> str:
    """ "volume reporter page" with the reporter in its canonical form; a public-domain
    citation written with hyphens keeps them, as the Bluebook writes it ("2016-Ohio-8517",
    "2019-NMSC-001")."""
    groups = full.groups
    reporter = full.corrected_reporter() or groups.get("reporter")
    parts = [groups.get("volume"), reporter, groups.get("page")]
    joiner = "-" if re.fullmatch(r"\d{4}-[A-Za-z]+-\d+", full.matched_text() or "") else " "
    return joiner.join(part for part in parts if part)


def _short_law_mention(text: str, citation: Any, full: Any) -> RawMention | None:
    """ "Id. § 1292(a)(1)" after "28 U.S.C. § 1291": a mention of 28 U.S.C. § 1292(a)(1).

    The section is the one after "Id." (the span grows to hold it), else the full
    citation's own. Only "Id." can refer to a statute this way.
    """
    from eyecite.models import IdCitation

    if not isinstance(citation, IdCitation):
        return None
    start, end = citation.span()
    if _ID_OF_RECORD.match(text, start + 3) or _ID_OF_RECORD.match(text, end):
        return None  # "Id. ¶ 15", "Id. at 6", "Id. Ex. B": the complaint or a filing, no law
    groups = full.groups
    reporter = groups.get("reporter") or ""
    section, mark = groups.get("section") or "", "§"
    after = _ID_SECTION.match(text, end)
    if after is not None:
        section, mark, end = after["sec"].rstrip("."), after["mark"], after.end("sec")
        end -= len(after["sec"]) - len(section)
    if not (reporter and section):
        return None
    code = " ".join(part for part in (groups.get("title"), reporter) if part)
    kind = EntityType.REGULATION if "C.F.R" in reporter else EntityType.STATUTE
    return RawMention(
        type=kind,
        start=start,
        end=end,
        text=text[start:end],
        normalized=f"{code} {mark} {section}",
        confidence=0.85,
        attributes={"source": "eyecite", "reporter": reporter, "form": "id", "code": code},
    )


def _law_mention(text: str, citation: Any) -> RawMention:
    """A STATUTE or REGULATION mention for a law citation eyecite found."""
    start, end = citation.span()
    reporter = citation.groups.get("reporter") or ""
    kind = EntityType.REGULATION if "C.F.R" in reporter else EntityType.STATUTE
    return RawMention(
        type=kind,
        start=start,
        end=end,
        text=text[start:end],
        normalized=_plain(text[start:end]),
        confidence=0.8,
        attributes={"source": "eyecite", "reporter": reporter},
    )


def _plain(value: str) -> str:
    return " ".join(value.split())


@functools.cache
def _memoise_court_lookup() -> None:
    """Cache eyecite's parenthetical-to-court lookup (a pure function of its string).

    It is the slowest step of eyecite (≈ 900 regex substitutions per citation). The
    wrapper returns exactly what the original returns; it is installed once per process.
    """
    from eyecite import helpers

    original = helpers.get_court_by_paren
    if not hasattr(original, "cache_info"):
        helpers.get_court_by_paren = functools.lru_cache(maxsize=4096)(original)
