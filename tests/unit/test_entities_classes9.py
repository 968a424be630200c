"""Error classes of the ninth blind set (tests/golden/real_blind9: Wisconsin, Hawai'i,
Connecticut and Georgia opinions), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.patterns import find_case_numbers, find_statutes
from tests.unit.entity_support import edges_and_entities as _result


def test_state_appellate_docket_numbers() -> None:
    text = "No. 2019AP1187. No. CAAP-19-0000411. No. A12A0417. No. S20A1544."
    assert [m.normalized for m in find_case_numbers(text)] == [
        "2019AP1187", "CAAP-19-0000411", "A12A0417", "S20A1544",
    ]  # fmt: skip


def test_connecticuts_general_statutes_and_georgias_code_without_periods() -> None:
    text = (
        "General Statutes § 17a-593 (c); General Statutes (Rev. to 2013) § 54-102g; OCGA "
        "§ 15-11-28(c); North Carolina General Statutes § 7A-31."
    )
    assert sorted(m.normalized for m in find_statutes(text)) == [
        "Conn. Gen. Stat. § 17a-593(c)", "Conn. Gen. Stat. § 54-102g",
        "North Carolina General Statutes § 7A-31", "O.C.G.A. § 15-11-28(c)",
    ]  # fmt: skip


def test_intermediate_courts_named_appellate_court_and_hawaii_as_written() -> None:
    text = "Appellate Court of Connecticut. Intermediate Court of Appeals of Hawai\u02bbi."
    assert [m.normalized for m in find_courts(text)] == ["Conn. App. Ct.", "Haw. Ct. App."]


def test_a_roleless_caption_over_three_lines_its_counsel_and_panel() -> None:
    text = (
        "STATE of Connecticut\nv.\nAnthony ROWE.\nNo. 35671.\nAppellate Court of Connecticut.\n"
        "Ann B. Kerr, assigned counsel, for the appellant (defendant).\n"
        "Lee C. Moss, senior assistant state's attorney, for the appellee (state).\n"
        "LAVINE, PRESCOTT and WEST, Js.\nOpinion\nLAVINE, J.\n"
    )
    edges, _ = _result(text)
    assert {e for e in edges if e[0] != "decided_by"} == {
        ("party_of", "State of Connecticut", "document:plaintiff"),
        ("party_of", "Anthony ROWE", "document:defendant"),
        ("counsel_for", "Ann B. Kerr", "Anthony ROWE"),
        ("counsel_for", "Lee C. Moss", "State of Connecticut"),
        ("judge_of", "Lavine", "document"), ("judge_of", "Prescott", "document"),
        ("judge_of", "West", "document"),
    }  # fmt: skip


def test_a_presiding_judge_and_judges_sitting_for_recused_ones() -> None:
    text = (
        "FOLEY, Presiding J., REIFURTH, J., and Circuit Judge NAKASONE, in place of NAKAMURA, "
        "C.J., FUJISE, LEONARD, and GINOZA, JJ., all recused.\n\nRUFFIN, Presiding Judge.\n"
    )
    edges, _ = _result(text)
    judges = {source for kind, source, _ in edges if kind == "judge_of"}
    assert {"Foley", "Reifurth", "Ruffin"} <= judges
    assert not judges & {"Nakamura", "Fujise", "Leonard", "Ginoza"}
