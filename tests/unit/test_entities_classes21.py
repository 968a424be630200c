"""Error classes of the twenty-first blind set (tests/golden/real_blind21: New Jersey,
Indiana and Wisconsin appellate opinions), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.captions import caption_parties
from tests.unit.entity_support import edges_and_entities


def test_a_caption_role_with_the_role_below_second_and_a_footnote_mark() -> None:
    text = (
        "Chaunsey L. ROE, Appellant-Defendant,\nv.\nSTATE of Indiana, Appellee-Plaintiff.\n\n"
        "TOWN OF SPRINGFIELD, Plaintiff-Appellant,\u2020\nv.\n"
        "VILLAGE OF SPRINGFIELD, Defendant-Respondent.\n"
    )
    found = {(m.normalized, m.attributes["role"], m.attributes.get("appeal_role", ""))
             for m in caption_parties(text)}  # fmt: skip
    assert found == {
        ("Chaunsey L. Roe", "appellant", "defendant"),
        ("STATE of Indiana", "appellee", "plaintiff"),
        ("Town of Springfield", "plaintiff", "appellant"),
        ("Village of Springfield", "defendant", "respondent"),
    }


def test_wisconsins_cause_submitted_on_the_briefs_and_a_panel_of_judges() -> None:
    text = (
        "TOWN OF SPRINGFIELD, Plaintiff-Appellant,\nv.\n"
        "VILLAGE OF SPRINGFIELD, Defendant-Respondent.\n\n"
        "*553 On behalf of the plaintiff-appellant, the cause was submitted on the briefs of "
        "Natalie T. Bussan of Cross, Jenks, Mercer and Maffei, Baraboo.\n\n"
        "On behalf of the defendant-respondent, the cause was submitted on the brief of Mark R. "
        "Sewell and Mindy Rowland Buenger of DeWitt Ross & Stevens, S.C., Madison.\n\n"
        "Before Judges Sabatino, Haas, and Currier.\n"
    )
    edges, _ = edges_and_entities(text)
    counsel = {(source, target) for kind, source, target in edges if kind == "counsel_for"}
    assert {("Natalie T. Bussan", "Town of Springfield"),
            ("Cross, Jenks, Mercer and Maffei", "Town of Springfield"),
            ("Mark R. Sewell", "Village of Springfield"),
            ("DeWitt Ross & Stevens, S.C.", "Village of Springfield")} <= counsel  # fmt: skip
    judges = {source for kind, source, _ in edges if kind == "judge_of"}
    assert judges == {"Sabatino", "Haas", "Currier"}


def test_new_jerseys_list_of_counsel_by_what_they_did() -> None:
    text = (
        "ACME TESTING LABORATORIES, INC., Plaintiff-Appellant,\nv.\n"
        "Asher ROE, Defendant-Respondent.\n\n"
        "Mark G. Clark argued the cause for appellants/cross-respondents (Trimboli & "
        "Prusinowski, LLC, and Mr. Clark, attorneys; James Prusinowski, of counsel; Mr. Clark, "
        "Jinkal Pujara, and John P. Harrington, on the briefs).\n\n"
        "Garen Meguerian argued the cause for respondent/cross-appellant.\n\n"
        "Eugene Volokh argued the cause for amicus curiae Reporters Committee for Freedom of "
        "the Press (Hartman & Winnicki, P.C., and Mr. Volokh, attorneys; Mr. Volokh and Daniel "
        "L. Schmutter, on the brief).\n"
    )
    edges, _ = edges_and_entities(text)
    counsel = {(source, target) for kind, source, target in edges if kind == "counsel_for"}
    acme = "Acme Testing Laboratories, Inc."
    assert {("Mark G. Clark", acme), ("Trimboli & Prusinowski, LLC", acme),
            ("James Prusinowski", acme), ("Jinkal Pujara", acme),
            ("John P. Harrington", acme), ("Garen Meguerian", "Asher Roe")} <= counsel  # fmt: skip
    assert not [source for source, _ in counsel if source.startswith("Mr.")]
