"""Error classes of the fourth blind set (tests/golden/real_blind4), each as a rule test
over a made-up example of the class."""

from __future__ import annotations

from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.patterns import (
    find_case_numbers,
    find_court_rules,
    find_statutes,
)


def _normalized(mentions: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(mention.normalized for mention in mentions)


def test_intermediate_appellate_courts_take_bluebooks_name_for_their_state() -> None:
    text = (
        "ILLINOIS COURT OF APPEALS\nSee Ames v. Root, 1 P.3d 2 (Colo. App. 2001); "
        "the Colorado Court of Appeals held; the Kansas Court of Appeals did not."
    )
    assert _normalized(find_courts(text)) == [
        "Colo. App.", "Colo. App.", "Ill. App. Ct.", "Kan. Ct. App."
    ]  # fmt: skip


def test_a_state_court_heading_over_two_lines_names_the_states_court() -> None:
    text = "THE STATE OF NEW MEXICO\nIn The Court of Appeals\n\nAcme Co., Respondent,\n"
    assert _normalized(find_courts(text)) == ["N.M. Ct. App."]
    assert _normalized(find_courts("State of Idaho\nIn the Supreme Court\n")) == ["Idaho"]


def test_a_circuit_named_by_its_number_in_words_of_a_docket() -> None:
    text = "Appeals court case number: 12-34567 US Court of Appeals 9th Circuit"
    assert _normalized(find_courts(text)) == ["9th Cir."]


def test_state_rule_sets_by_their_initials_before_or_after_the_number() -> None:
    text = (
        "Costs follow C.R.C.P. 54(d); NOT PUBLISHED PURSUANT TO C.A.R. 35(e). "
        "EXCEPT AS PROVIDED BY RULE 268(d)(2), SCACR. Decided under Rule 215,\nSCACR."
    )
    assert _normalized(find_court_rules(text)) == [
        "Colo. App. R. 35(e)", "Colo. R. Civ. P. 54(d)",
        "S.C. App. Ct. R. 215", "S.C. App. Ct. R. 268(d)(2)",
    ]  # fmt: skip


def test_a_states_code_by_initials_after_the_section_and_its_edition() -> None:
    text = "fees under section 13-17-102(4), C.R.S. 2023, and interest under § 5-12-101, C.R.S."
    assert _normalized(find_statutes(text)) == [
        "C.R.S. § 13-17-102(4)", "C.R.S. § 5-12-101"
    ]  # fmt: skip


def test_state_case_numbers_of_year_kind_and_sequence() -> None:
    text = "Court of Appeals No. 21CA0456 ... in a separate appeal, Case No. 21CA0789, we"
    assert _normalized(find_case_numbers(text)) == ["21CA0456", "21CA0789"]


def test_a_docket_line_case_number_in_lower_case() -> None:
    text = "Appeals court case number: 12-34567 US Court of Appeals 9th Circuit"
    assert _normalized(find_case_numbers(text)) == ["12-34567"]
