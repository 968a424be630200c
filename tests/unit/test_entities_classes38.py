"""Error classes of blind sets 38 and 39 (Columbia and Caselaw Access Project opinions of
Alabama's courts and the Tax Court), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.patterns import find_case_numbers
from docbatch.pipeline.entities.rules import find_court_rules
from docbatch.pipeline.entities.statutes import find_statutes
from docbatch.pipeline.extract_office import read_xml
from docbatch.pipeline.options import ExtractOptions
from tests.unit.entity_support import edges_and_entities

COLUMBIA = (
    b"<opinion><reporter_caption>Lincoln R. MADDEN v. STATE.</reporter_caption>"
    b"<docket>6 Div. 871.</docket><posture>Appeal from the Circuit Court, Charles Noce, J."
    b"<page_number>Page 1112</page_number></posture>"
    b"<opinion_text><p>The rule is found under<italic>Code of Alabama</italic> 1975, "
    b"\xc2\xa7 <cross_reference>12-16-13</cross_reference>, as follows.</p></opinion_text>"
    b"</opinion>"
)


def test_a_columbia_opinions_cross_references_stay_in_line_and_its_pages_are_star_pages() -> None:
    text = read_xml(COLUMBIA, ExtractOptions()).text
    assert "Charles Noce, J. *1112" in text
    assert "1975, \u00a7 12-16-13, as follows." in text
    assert [m.normalized for m in find_statutes(text)] == ["Ala. Code \u00a7 12-16-13"]


def test_an_alabama_division_number_is_a_case_number_and_no_citation() -> None:
    text = read_xml(COLUMBIA, ExtractOptions()).text
    assert "6 Div. 871" in [m.normalized for m in find_case_numbers(text)]
    _, entities = edges_and_entities(text)
    assert ("citation", "6 Div. 871") not in entities
    assert ("case_number", "6 Div. 871") in entities


def test_a_legislatures_bill_and_resolution_numbers_are_no_case_numbers() -> None:
    text = "House Bill No. 1286 and Senate Resolution No. 163 were passed; see Case No. 4471."
    assert [m.normalized for m in find_case_numbers(text)] == ["4471"]


def test_abbreviated_titles_in_a_counsel_line_are_no_organisations() -> None:
    text = (
        "Robert B. Bryson, Birmingham, for appellant.\n"
        "William J. Baxter, Atty. Gen. and Larry R. Newell, Asst. Atty. Gen., for the State.\n"
    )
    _, entities = edges_and_entities(text)
    assert not {name for kind, name in entities if kind == "organization"} & {
        "Atty. Gen.", "Asst. Atty. Gen."
    }  # fmt: skip
    assert {("person", "William J. Baxter"), ("person", "Larry R. Newell")} <= entities


TAX = (
    "All section references are to the Internal Revenue Code in effect for the years in "
    "issue, and all Rule references are to the Tax Court Rules of Practice and Procedure, "
    "unless otherwise indicated.\n"
    "Whether, for purposes of section 165(l), petitioners may deduct losses, and whether "
    "they are liable for an addition to tax under section 6653(a)(1). Rule 142(a).\n"
)


def test_the_tax_courts_notes_make_bare_sections_and_rules_its_own() -> None:
    assert [m.normalized for m in find_statutes(TAX)] == [
        "I.R.C. \u00a7 165(l)", "I.R.C. \u00a7 6653(a)(1)"
    ]  # fmt: skip
    assert [m.normalized for m in find_court_rules(TAX)] == ["Tax Ct. R. 142(a)"]
    # without the notes neither is read as the Code's or the Tax Court's
    assert find_court_rules("See Rule 142(a).") == []
