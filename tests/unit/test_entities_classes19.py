"""Error classes of the nineteenth blind set (tests/golden/real_blind19: two Oklahoma
district court dockets from OSCN), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.dates import find_dates
from docbatch.pipeline.entities.default import DefaultExtractor
from docbatch.pipeline.entities.parties import find_parties
from docbatch.pipeline.entities.patterns import find_case_numbers
from docbatch.pipeline.entities.statutes import find_statutes


def test_oklahoma_statutes_by_title_and_section_and_no_ohio_report() -> None:
    text = "in violation of 21 O.S. 1531 (4); see 51 O.S. 24A.1 and 12 O.S.2011, § 2012."
    assert [m.normalized for m in find_statutes(text)] == [
        "Okla. Stat. tit. 21, § 1531(4)", "Okla. Stat. tit. 51, § 24A.1",
        "Okla. Stat. tit. 12, § 2012",
    ]  # fmt: skip
    found = DefaultExtractor().extract(text)
    assert not [m for m in found if m.type.value == "citation"]  # "21 Ohio St. 1531"


def test_a_state_trial_courts_case_numbers() -> None:
    text = "Defendant.\tNo. CF-2018-4\nA BOND FROM CASE # NF-2017-8774 DATED 12/18/2017."
    assert [m.normalized for m in find_case_numbers(text)] == ["CF-2018-4", "NF-2017-8774"]


def test_a_dockets_dates_with_hyphens() -> None:
    text = "01-31-2018 \tTEXT\n1-5-2018 ORDER; No. CF-2018-4; call 555-12-2019; 13-01-2018"
    assert [m.normalized for m in find_dates(text)] == ["2018-01-31", "2018-01-05"]


def test_a_district_court_in_and_for_a_county() -> None:
    def courts(text: str) -> list[str]:
        return [m.normalized for m in find_courts(text)]

    assert courts("In the District Court in and for tulsa County, Oklahoma") == [
        "Tulsa Cnty. Dist. Ct."
    ]
    # a county may bear its state's name
    assert courts("District Court in and for Oklahoma County") == ["Oklahoma Cnty. Dist. Ct."]
    # a fee's code over the line before "DISTRICT COURT" is no court
    assert courts("DCADMINCSF\nDISTRICT COURT ADMINISTRATIVE FEE") == []


def test_names_surname_first_in_a_docket() -> None:
    text = (
        "Judge: Collins, April\nBaillie,  Kendall (Bar #21004)\n"
        "PROFESSIONAL BOND FOR SMITH, KYLE ANTONIO POSTED BY BOWER, ROBERT KENDALL "
        "(AGENT:MERRILL, RAYMOND L)\nOCIS HAS AUTOMATICALLY ASSIGNED JUDGE CF B DOCKET.\n"
    )
    people = {(m.normalized, m.attributes.get("role", "")) for m in find_parties(text)}
    assert {("April Collins", "judge"), ("Kendall Baillie", ""), ("Kyle Antonio Smith", ""),
            ("Robert Kendall Bower", ""), ("Raymond L Merrill", "")} <= people  # fmt: skip
    assert not [name for name, _ in people if "Ocis" in name or "Posted" in name]
    # a list of names written given name first is no list of surnames
    listed = "Defendants GREG FLYNN, GERRY COHEN, and KEITH WEATHERLY, in their capacities"
    assert "Gerry Flynn" not in [m.normalized for m in find_parties(listed)]
