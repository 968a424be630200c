"""Error classes of the fourth blind set (tests/golden/real_blind4), each as a rule test
over a made-up example of the class."""

from __future__ import annotations

from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.patterns import find_case_numbers
from docbatch.pipeline.entities.rules import find_court_rules
from docbatch.pipeline.entities.statutes import find_statutes
from tests.unit.entity_support import edges_and_entities as _result


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


STATE_REPORT = (
    "THE STATE OF NEW MEXICO\nIn The Court of Appeals\n\n"
    "Nevada Department of Child Welfare,\u00a0\u00a0\u00a0\u00a0 Respondent,\n\nv.\n\n"
    "Marla Quint, Oswin Pratt, Delia Yost,\u00a0\u00a0\u00a0\u00a0 Defendants,\n\n"
    "of whom Marla Quint is\u00a0\u00a0\u00a0\u00a0 Appellant.\n\n"
    "Opinion No. 2011-UP-101\nFiled March 3, 2011\n\nAFFIRMED\n\n"
    "Lorcan Ashby Verity, of Taos, for Appellant.\n\n"
    "Quentin Marsh Delacroix, Jr., of Santa Fe, for Respondent.\n\n"
    "PER CURIAM: We affirm.\n"
)


def test_a_caption_whose_roles_stand_apart_after_no_break_spaces_and_its_of_whom_line() -> None:
    edges, _ = _result(STATE_REPORT)
    parties = {(e[1], e[2]) for e in edges if e[0] == "party_of"}
    assert {
        ("Nevada Department of Child Welfare", "document:respondent"),
        ("Marla Quint", "document:appellant"),
        ("Oswin Pratt", "document:defendant"),
        ("Delia Yost", "document:defendant"),
    } <= parties


def test_an_attorney_before_of_city_in_a_state_report_is_a_person_and_counsel() -> None:
    edges, entities = _result(STATE_REPORT)
    assert {
        ("person", "Lorcan Ashby Verity"),
        ("person", "Quentin Marsh Delacroix, Jr."),
    } <= entities
    assert ("counsel_for", "Lorcan Ashby Verity", "Marla Quint") in edges
    assert (
        "counsel_for",
        "Quentin Marsh Delacroix, Jr.",
        "Nevada Department of Child Welfare",
    ) in edges


def test_a_caption_line_of_two_groups_and_a_nominal_defendant() -> None:
    text = (
        "Supreme Court, Kings County\n\nOrla Brennan, et al, Plaintiffs,\nagainst\n"
        "Victor Ashe, Lena Moss, Hugo Tran, Defendants. and The Harbor Pilots Benevolent "
        "Association, Inc., Nominal Defendant.\n\nThe motion is granted.\n"
    )
    edges, _ = _result(text)
    parties = {(e[1], e[2]) for e in edges if e[0] == "party_of"}
    assert {
        ("Orla Brennan", "document:plaintiff"),
        ("Victor Ashe", "document:defendant"),
        ("Lena Moss", "document:defendant"),
        ("Hugo Tran", "document:defendant"),
        ("Harbor Pilots Benevolent Association, Inc.", "document:defendant"),
    } <= parties


CRIMINAL_DOCKET = (
    "U.S. District Court\nDistrict of Oregon (Eugene)\n"
    "CRIMINAL DOCKET FOR CASE #: 6:10-cr-00042-ABC-2\n\nCase title: USA v. Hale et al\n"
    "Date Filed: 03/02/2010\n\nAssigned to: Judge Orrin P. Vale\n"
    'Defendant (2)\nMarcus T. Lind\nTERMINATED: 05/01/2011\nalso known as\n"Lindy"\n'
    "TERMINATED: 05/01/2011\trepresented by\tPeter Q. Shaw , Jr.\nPeter Q. Shaw, PC\n"
    "12 Oak St.\nEugene, OR 97401\nEmail: pqs@example.com\nLEAD ATTORNEY\n"
    "Designation: CJA Appointment\nPending Counts\nDisposition\nCONSPIRACY\n\n"
    "Plaintiff\nUSA \trepresented by\tAnna B. Cole AUSA\nU.S. Attorney's Office - Eugene\n"
    "405 E 8th Ave\nEugene, OR 97401\nEmail: abc@example.gov\n"
    "Roland F. Dyer, AUSA\nU.S. Attorney's Office - Portland\n1000 SW Third Ave\n"
    "Portland, OR 97204\nEmail: rfd@example.gov\nATTORNEY TO BE NOTICED\n"
)


def test_a_criminal_dockets_numbered_defendant_and_the_attorney_beside_its_notes() -> None:
    edges, entities = _result(CRIMINAL_DOCKET)
    assert ("party_of", "Marcus T. Lind", "document:defendant") in edges
    assert ("counsel_for", "Peter Q. Shaw, PC", "Marcus T. Lind") in edges
    assert not any(name == "Pending Counts" for _, name in entities)


def test_a_docket_government_party_and_attorneys_whose_rows_end_at_their_email() -> None:
    edges, entities = _result(CRIMINAL_DOCKET)
    assert ("organization", "Usa") in entities or ("organization", "USA") in entities
    counsel = {e[1] for e in edges if e[0] == "counsel_for" and e[2].lower() == "usa"}
    assert counsel == {"Anna B. Cole", "Roland F. Dyer"}


def test_new_yorks_trial_court_by_county_and_appellate_division_by_department() -> None:
    text = (
        "Supreme Court, Kings County\n(Ames v Root, 12 AD3d 34, 35 [3d Dept 2004]; "
        "Lane v Moss, 9 AD3d 1 [1st Dept 2003].)"
    )
    assert _normalized(find_courts(text)) == ["N.Y. App. Div.", "N.Y. App. Div.", "N.Y. Sup. Ct."]


def test_new_yorks_consolidated_laws_cited_by_their_names() -> None:
    text = "under Executive Law § 296(1) and Vehicle and Traffic Law §1192, not Penal Code"
    assert _normalized(find_statutes(text)) == [
        "N.Y. Exec. Law § 296(1)", "N.Y. Veh. & Traf. Law § 1192"
    ]  # fmt: skip


def test_judges_titled_in_capitals_and_an_honorable_judges_office_after_the_name() -> None:
    text = (
        "Court of Appeals No. 21CA0456 Honorable Wren T. Castle, Judge Friends of Parks, "
        "Plaintiff-Appellee. Opinion by JUDGE ORTIZ. JUDGE LUND and JUDGE VOSS concur."
    )
    edges, entities = _result(text)
    judges = {e[1] for e in edges if e[0] == "judge_of"}
    assert {"Ortiz", "Lund", "Voss", "Wren T. Castle"} <= judges
    assert "Friends" not in judges and ("person", "Friends") not in entities


def test_a_public_body_never_ends_in_a_persons_possessive() -> None:
    text = "The plaintiffs say that counsel failed to inform the Board of Dana Whitfield's plan."
    _, entities = _result(text)
    assert not any(kind == "organization" and "Whitfield" in name for kind, name in entities)
