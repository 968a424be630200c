"""Error classes of the ninth blind set (tests/golden/real_blind9: Wisconsin, Hawai'i,
Connecticut and Georgia opinions), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.patterns import find_case_numbers
from docbatch.pipeline.entities.statutes import find_statutes
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
        ("party_of", "Anthony Rowe", "document:defendant"),
        ("counsel_for", "Ann B. Kerr", "Anthony Rowe"),
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


def test_wisconsin_counsel_named_after_the_role_and_an_amicus_brief() -> None:
    text = (
        "ACME TEACHERS, INC., Plaintiff-Respondent,\nv.\nJohn Q. Doe, Defendant-Appellant.\n"
        "For the defendant-appellant, there were briefs (in the court of appeals) filed by "
        "Mary K. Roe, assistant attorney general, and Brad T. Stone, attorney general. There "
        "was an oral argument by Mary K. Roe.\n"
        "For the plaintiff-respondent, there was a brief filed by Susan P. Lake and Pines "
        "Hill LLP, Madison.\n"
        "An amicus curiae brief was filed on behalf of the Wisconsin Freedom of Information "
        "Council, the Wisconsin Broadcasters Association, and the Wisconsin Newspaper "
        "Association by Dale B. Brown, Madison.\n"
    )
    edges, entities = _result(text)
    assert {e for e in edges if e[0] == "counsel_for"} == {
        ("counsel_for", "Mary K. Roe", "John Q. Doe"),
        ("counsel_for", "Brad T. Stone", "John Q. Doe"),
        ("counsel_for", "Susan P. Lake", "Acme Teachers, Inc."),
        ("counsel_for", "Pines Hill LLP", "Acme Teachers, Inc."),
    }  # fmt: skip
    names = {name for _, name in entities}
    assert {
        "Wisconsin Freedom of Information Council", "Wisconsin Broadcasters Association",
        "Wisconsin Newspaper Association",
    } <= names  # fmt: skip
    assert "Dale B. Brown" in names


def test_co_counsel_in_brackets_whom_on_the_brief_and_names_spelt_with_an_okina() -> None:
    text = (
        "LANI HUI, Plaintiff/Appellant-Appellant,\nv.\nUNIVERSITY OF HAWAI'I, "
        "Defendant/Appellee-Appellee.\n"
        "*690 David K. Frank, Honolulu, Sharla A. Manley (Camille K. Kala, Honolulu with them "
        "on the briefs) (Native Hawaiian Legal Corporation), for Plaintiff/Appellant-Appellant "
        "Lani Hui.\n"
        "Lisa W. Munger (Goodsill Anderson Quinn & Stifel) for Defendant/Appellee-Appellee "
        "University of Hawai'i.\n"
        "The court entered its \"Order Granting Defendants University of Hawai'i's Motion "
        'to Dismiss."\n'
    )
    edges, _ = _result(text)
    counsel = {e[1:] for e in edges if e[0] == "counsel_for"}
    assert {
        ("David K. Frank", "Lani Hui"), ("Sharla A. Manley", "Lani Hui"),
        ("Camille K. Kala", "Lani Hui"), ("Native Hawaiian Legal Corporation", "Lani Hui"),
        ("Lisa W. Munger", "University of Hawai'i"),
        ("Goodsill Anderson Quinn & Stifel", "University of Hawai'i"),
    } <= counsel  # fmt: skip
    parties = {e[1] for e in edges if e[0] == "party_of"}
    assert "University of Hawai'i" in parties
    assert not any(p.startswith(("Order", "Appellee")) for p in parties)


def test_connecticut_counsel_with_whom_on_the_brief_were() -> None:
    text = (
        "STATE of Connecticut\nv.\nAnthony ROWE.\nNo. 35671.\nAppellate Court of Connecticut.\n"
        "Ann B. Kerr, senior assistant state's attorney, with whom, on the brief, were Paul "
        "M. Frost, state's attorney, and Rita R. Cole, senior assistant state's attorney, "
        "for the appellee (state).\n"
    )
    edges, _ = _result(text)
    assert {e for e in edges if e[0] == "counsel_for"} == {
        ("counsel_for", "Ann B. Kerr", "State of Connecticut"),
        ("counsel_for", "Paul M. Frost", "State of Connecticut"),
        ("counsel_for", "Rita R. Cole", "State of Connecticut"),
    }  # fmt: skip
