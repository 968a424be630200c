"""Citations: eyecite forms and resolution, the neighbouring-year fix, the tokenizers."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from eyecite import get_citations

from docbatch.models import EntityType, Mention
from docbatch.pipeline.entities import DefaultExtractor
from docbatch.pipeline.entities.citations import find_citations, own_parenthetical
from docbatch.pipeline.entities.tokenizer import citation_tokenizer, hyperscan_available
from docbatch.pipeline.resolve import resolve

COMMA_STRING_CITE = "A v. B, 1 U.S. 1 (2001), C v. D, 2 U.S. 2 (2002)"


def _by_text(text: str, use_hyperscan: bool = False) -> dict[str, dict[str, str]]:
    scan = find_citations(text, use_hyperscan=use_hyperscan)
    return {m.text: dict(m.attributes) for m in scan.mentions}


def test_eyecite_alone_gives_the_second_of_comma_joined_citations_the_first_year() -> None:
    # The failure we correct: eyecite reads the previous citation's "(2001)," as a
    # California-style year in front of "2 U.S. 2" while looking for its case name.
    second = get_citations(COMMA_STRING_CITE)[1]
    assert (second.metadata.year, second.metadata.plaintiff) == ("2001", "")


def test_comma_joined_citations_keep_their_own_years_and_names() -> None:
    found = _by_text(COMMA_STRING_CITE)
    assert (found["1 U.S. 1"]["year"], found["2 U.S. 2"]["year"]) == ("2001", "2002")
    assert (found["2 U.S. 2"]["plaintiff"], found["2 U.S. 2"]["defendant"]) == ("C", "D")


def test_three_comma_joined_citations_with_courts() -> None:
    text = (
        "Alpha Corp. v. Beta, 1 U.S. 1 (2001), Gamma v. Delta, 2 F.3d 2 (9th Cir. 2002), "
        "and Eps v. Zeta, 3 F.3d 3 (2d Cir. 2003)."
    )
    found = _by_text(text)
    assert [found[k]["year"] for k in ("1 U.S. 1", "2 F.3d 2", "3 F.3d 3")] == [
        "2001", "2002", "2003",
    ]  # fmt: skip
    assert (found["2 F.3d 2"]["court"], found["3 F.3d 3"]["court"]) == ("9th Cir.", "2d Cir.")
    assert found["3 F.3d 3"]["plaintiff"] == "Eps"


def test_semicolon_and_parallel_citations_keep_correct_years() -> None:
    text = "A v. B, 1 U.S. 1, 2 S. Ct. 3 (2001); C v. D, 5 U.S. 5, 7 (2002)."
    found = _by_text(text)
    assert found["1 U.S. 1"]["year"] == found["2 S. Ct. 3"]["year"] == "2001"
    assert (found["5 U.S. 5"]["year"], found["5 U.S. 5"]["pin_cite"]) == ("2002", "7")


def test_citation_without_parenthetical_does_not_borrow_a_year() -> None:
    found = _by_text("A v. B, 1 U.S. 1, C v. D, 2 F.3d 2 (2d Cir. 2002).")
    assert "year" not in found["1 U.S. 1"]
    assert found["2 F.3d 2"]["year"] == "2002"


def test_california_style_year_before_citation_is_kept() -> None:
    assert _by_text("People v. Xu (2001) 1 Cal.4th 1.")["1 Cal.4th 1"]["year"] == "2001"


def test_own_parenthetical_stops_at_the_next_citation() -> None:
    text = "1 U.S. 1, 2 U.S. 2 (2002)"
    assert own_parenthetical(text, 8, text.index("2 U.S.")) is None
    info = own_parenthetical(text, 18, len(text))
    assert info is not None and (info.court, info.year) == ("", "2002")
    dated = "5 F.4th 9, 12 (2d Cir. Mar. 3, 2021)"
    info = own_parenthetical(dated, 9, len(dated))
    assert info is not None and (info.court, info.year) == ("2d Cir.", "2021")


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Smith v. Jones, 501 U. S. 221, 235, n. 5 (1991). Next.", "1991"),
        ("Smith v. Jones, 501 U. S. 221, 235 n.5, 240-41 (1991). Next.", "1991"),
        ("Calvary Chapel v. Mills, 459 F. Supp. 3d 273, 283-\r\n288 (D. Me. 2020).", "2020"),
    ],
)
def test_year_survives_pin_cites_with_notes_and_line_breaks(text: str, year: str) -> None:
    (mention,) = find_citations(text, use_hyperscan=False).mentions
    assert mention.attributes["year"] == year


def test_one_party_captions_keep_their_name() -> None:
    text = (
        "We said so in Crazie Overstock, LLC, 377 N.C. 391, 858 S.E.2d 581 (2021). "
        "See also In re Gateway Estates, Inc., 12 N.C. 34, 36 (2020)."
    )
    scan = find_citations(text, use_hyperscan=False)
    found = [
        (m.text, m.attributes.get("party"), m.attributes.get("case_name"), m.attributes["year"])
        for m in scan.mentions
    ]
    assert found == [
        ("377 N.C. 391", "Crazie Overstock, LLC", "Crazie Overstock, LLC", "2021"),
        ("858 S.E.2d 581", "Crazie Overstock, LLC", "Crazie Overstock, LLC", "2021"),
        ("12 N.C. 34", "Gateway Estates, Inc.", "In re Gateway Estates, Inc.", "2020"),
    ]
    # The names are the case's, not parties of this document.
    names = [text[start:end] for start, end in scan.case_name_spans]
    assert "Crazie Overstock, LLC, " in names
    assert any(name.endswith("In re Gateway Estates, Inc., ") for name in names)


def test_a_parallel_citation_shares_the_case_name() -> None:
    text = "As held in State v. Crazie Overstock, LLC, 377 N.C. 391, 858 S.E.2d 581 (2021)."
    mentions = find_citations(text, use_hyperscan=False).mentions
    names = [(m.attributes.get("plaintiff"), m.attributes.get("defendant")) for m in mentions]
    assert names == [("State", "Crazie Overstock, LLC")] * 2


def test_supra_resolves_to_the_full_citation_by_name() -> None:
    text = (
        "Bell Atlantic Corp. v. Twombly, 550 U.S. 544 (2007). Other words follow here. "
        "Twombly, supra, at 570."
    )
    scan = find_citations(text, use_hyperscan=False)
    supra = next(m for m in scan.mentions if m.attributes["form"] == "supra")
    assert (supra.normalized, supra.attributes["pin_cite"]) == ("550 U.S. 544", "570")


def test_unresolved_short_forms_are_dropped() -> None:
    """ "Id.", "supra," or a short cite with no full citation before it name nothing."""
    text = (
        "As held in 550 U.S. at 556, the rule applies. Id. at *4. Id. The answer was no. "
        "Id.\n22. But as discussed supra, the City was not their agent."
    )
    assert find_citations(text, use_hyperscan=False).mentions == []


def test_short_forms_are_mentions_of_their_case_with_the_pin_cite() -> None:
    # The real phrases of a First Circuit order (recap ca1 00117684624).
    text = (
        "Calvary Chapel of Bangor v. Mills, 459 F. Supp. 3d 273, 280 (D. Me. 2020). "
        "See, e.g., id. at 281 n.11 (noting that); id. \nat 277 n.2 (declining). "
        "See Calvary Chapel, 459 F. Supp. 3d at 288. See id. at 285."
    )
    mentions = find_citations(text, use_hyperscan=False).mentions
    assert [
        (m.text, m.normalized, m.attributes["form"], m.attributes.get("pin_cite")) for m in mentions
    ] == [
        ("459 F. Supp. 3d 273", "459 F. Supp. 3d 273", "full", "280"),
        ("id.", "459 F. Supp. 3d 273", "id", "281 n.11"),
        ("id.", "459 F. Supp. 3d 273", "id", "277 n.2"),
        ("459 F. Supp. 3d at 288", "459 F. Supp. 3d 273", "short", "288"),
        ("id. at 285", "459 F. Supp. 3d 273", "id", "285"),
    ]


def test_id_after_a_statute_is_a_mention_of_that_statute() -> None:
    text = (
        "We have jurisdiction under 28 U.S.C. § 1291. Interlocutory orders granting or "
        "refusing injunctions are appealable. Id. § 1292(a)(1)."
    )
    mentions = find_citations(text, use_hyperscan=False).mentions
    found = [(m.type, m.text, m.normalized) for m in mentions]
    assert found == [
        (EntityType.STATUTE, "28 U.S.C. § 1291", "28 U.S.C. § 1291"),
        (EntityType.STATUTE, "Id. § 1292(a)(1)", "28 U.S.C. § 1292(a)(1)"),
    ]
    bare = find_citations("See 28 U.S.C. § 1291. The parties agree. Id.").mentions
    assert [(m.type, m.text, m.normalized) for m in bare] == [
        (EntityType.STATUTE, "28 U.S.C. § 1291", "28 U.S.C. § 1291"),
        (EntityType.STATUTE, "Id.", "28 U.S.C. § 1291"),
    ]


def test_reporter_is_normalised_to_its_canonical_form() -> None:
    scan = find_citations("Smith v. Jones, 216 F. 3d 300 (2d Cir. 2000).", use_hyperscan=False)
    assert [m.normalized for m in scan.mentions] == ["216 F.3d 300"]


def test_case_names_are_reported_as_spans_to_exclude() -> None:
    text = "See Novak v. Kasaks, 216 F.3d 300 (2d Cir. 2000)."
    scan = find_citations(text, use_hyperscan=False)
    assert [text[s:e] for s, e in scan.case_name_spans] == ["Novak v. Kasaks, "]


@pytest.mark.skipif(not hyperscan_available(), reason="hyperscan is not installed")
def test_hyperscan_and_default_tokenizers_agree() -> None:
    from bench.synth.prose import OPINION_PAGES

    text = "\n\n".join(OPINION_PAGES) + " " + COMMA_STRING_CITE
    fast = find_citations(text, use_hyperscan=True).mentions
    slow = find_citations(text, use_hyperscan=False).mentions
    assert fast == slow
    assert type(citation_tokenizer(True)._tokenizer).__name__ == "HyperscanTokenizer"
    assert citation_tokenizer(True) is citation_tokenizer(True)


@pytest.mark.skipif(not hyperscan_available(), reason="hyperscan is not installed")
def test_threads_share_the_hyperscan_tokenizer_without_a_scratch_error() -> None:
    # One Hyperscan scratch space per database: two threads scanning at once used to
    # fail a document with "ScratchInUseError: error code -10".
    from bench.synth.prose import OPINION_PAGES

    text = "\n\n".join(OPINION_PAGES * 20)
    expected = find_citations(text).mentions
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda _: find_citations(text).mentions, range(12)))
    assert all(mentions == expected for mentions in found)


def test_out_of_order_eyecite_results_get_their_own_years() -> None:
    # eyecite lists "576 F. Supp. 3d 975" before "278 U.S. 802" here; the year of each
    # must still come from the parenthetical right after it.
    text = (
        "See Smith v. Beta Inc., 722 U.S. 715, 14 (2019), Acme Corp. v. Beta Inc., "
        "278 U.S. 802 (1990), Jones v. Doe, 576 F. Supp. 3d 975 (S.D.N.Y. 2012); "
        "Acme Corp. v. Lee, 901 F.3d 745 (2d Cir. 2012)."
    )
    found = _by_text(text)
    years = [found[k]["year"] for k in ("722 U.S. 715", "278 U.S. 802", "576 F. Supp. 3d 975")]
    assert years == ["2019", "1990", "2012"]
    assert found["576 F. Supp. 3d 975"]["court"] == "S.D.N.Y."


SHORT_FORM_NAME = re.compile(r"^(?:id|ibid|supra)\b|\bat\b|^[^\d]*$", re.IGNORECASE)


def test_no_entity_is_named_after_a_short_form_or_a_bare_reporter() -> None:
    text = (
        "In Chambers v. NASCO, Inc., 501 U. S. 32, 45 (1991), the Court held so. Ibid. "
        "The Court said more. Id., at 46. See also Chambers, supra, at 50. "
        "Then 42 U.S.C. § 1983 applies. Ibid. "
        "Also id. § 1988. Ibid. And in 550 U.S. at 556 it was said. Supra, at 4. Id. at *4."
    )
    mentions = tuple(
        Mention(
            m.type,
            m.text,
            m.normalized,
            m.start,
            m.end,
            0,
            1,
            m.confidence,
            "default",
            dict(m.attributes),
        )
        for m in DefaultExtractor(use_hyperscan=False).extract(text)
    )
    entities = resolve(mentions).entities
    laws = [e for e in entities if e.type in (EntityType.CITATION, EntityType.STATUTE)]
    assert sorted(e.name for e in laws) == [
        "42 U.S.C. § 1983", "42 U.S.C. § 1988", "501 U.S. 32",
    ]  # fmt: skip
    assert [e.name for e in entities if SHORT_FORM_NAME.search(e.name)] == []
    # Each short form that resolved is a mention of its authority, with its pin cite.
    shorts = [
        (m.text, m.normalized, m.attributes.get("pin_cite"))
        for m in mentions
        if m.attributes.get("form") in ("id", "supra", "short")
    ]
    assert shorts == [
        ("Ibid.", "501 U.S. 32", None),
        ("Id., at 46", "501 U.S. 32", "46"),
        ("supra, at 50", "501 U.S. 32", "50"),
        ("Ibid.", "42 U.S.C. § 1983", None),
        ("id. § 1988", "42 U.S.C. § 1988", None),
    ]
