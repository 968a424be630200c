"""Error classes of the second blind set (tests/golden/real_blind2) and the first blind
set's open list, each as a rule test over a made-up example of the class."""

from __future__ import annotations

from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.patterns import find_statutes


def _statutes(text: str) -> list[str]:
    return [m.normalized for m in find_statutes(text)]


def test_a_section_of_a_state_code_written_in_words_is_that_code_section() -> None:
    assert _statutes("in violation of section 12(b) of the Oregon Vehicle Code, and") == [
        "Or. Vehicle Code § 12(b)"
    ]
    assert _statutes("Section 4-5-6 of the Code of Georgia provides") == ["Ga. Code § 4-5-6"]


def test_a_section_of_a_title_of_the_united_states_code_in_words() -> None:
    assert _statutes("(as defined in section 1001(a) of title 21, United States Code)") == [
        "21 U.S.C. § 1001(a)"
    ]


def test_a_section_of_an_act_is_not_a_code_section() -> None:
    assert _statutes("under section 101(a) of the Act and section 3 of the Code") == []


def test_kentucky_revised_statutes_cited_by_initials_without_a_section_sign() -> None:
    assert _statutes("See KRS 12.345(2)(b) and KRS 67.890.") == [
        "KRS § 12.345(2)(b)", "KRS § 67.890",
    ]  # fmt: skip


def _courts(text: str) -> list[str]:
    return [m.normalized for m in find_courts(text)]


def test_a_district_court_heading_with_the_district_abbreviated_and_the_state_spelled() -> None:
    assert _courts("No. 7:19CV12\nUnited States District Court, W.D. Virginia.\n") == ["W.D. Va."]
    assert _courts("United States District Court, S.D. Ohio, Eastern Division") == ["S.D. Ohio"]


def test_a_us_district_court_named_with_a_dash_before_its_district() -> None:
    assert _courts("Court: U.S. District Court \u2014 Northern District of Texas") == ["N.D. Tex."]
