"""Error classes of the twenty-fifth blind set (tests/golden/real_blind25: Virginia, New York
and California appellate opinions), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.appearances import find_appearances
from docbatch.pipeline.entities.captions import caption_parties
from docbatch.pipeline.entities.statutes import find_statutes
from tests.unit.entity_support import edges_and_entities


def test_a_title_in_mixed_case_over_three_lines_takes_its_sides_from_the_counsel() -> None:
    text = (
        "Darla Frith Shelby FOWLER\nv.\nWinford Calvin FOWLER.\n\nRecord No. 1544-03-3.\n\n"
        "Court of Appeals of Virginia, Salem.\n\n"
        "John L. Gregg (Young, Haskins, Mann, Gregg & Smith, on brief), Martinsville, for "
        "appellant.\n\nPhil G. Garner (Garner, Garner, Barrow & Sharpe, on brief), "
        "Martinsville, for appellee.\n"
    )
    found = {(m.normalized, m.attributes["role"]) for m in caption_parties(text)}
    assert found == {("Darla Frith Shelby Fowler", "appellant"),
                     ("Winford Calvin Fowler", "appellee")}  # fmt: skip
    edges, _ = edges_and_entities(text)
    assert ("counsel_for", "John L. Gregg", "Darla Frith Shelby Fowler") in edges
    assert ("counsel_for", "Phil G. Garner", "Winford Calvin Fowler") in edges


def test_a_title_side_that_lists_two_parties_and_a_legal_form_incorporated() -> None:
    text = (
        "Eric Lamont HOLT\nv.\nSTANTON MASONRY, INCORPORATED and Amerishore Mutual Insurance "
        "Company.\n\nRecord No. 1824-10-3.\n\nX, for appellant.\n"
    )
    found = {(m.type.value, m.normalized, m.attributes["role"]) for m in caption_parties(text)}
    assert found == {
        ("person", "Eric Lamont Holt", "appellant"),
        ("organization", "Stanton Masonry, Incorporated", "appellee"),
        ("organization", "Amerishore Mutual Insurance Company", "appellee"),
    }


def test_new_yorks_role_before_the_others_et_al() -> None:
    text = (
        "BLEEKER STREET TENANTS CORP., Respondent,\nv.\n"
        "BLEEKER JONAS LLC et al., Appellants, et al., Defendants.\n"
    )
    found = {(m.normalized, m.attributes["role"]) for m in caption_parties(text)}
    assert found == {("Bleeker Street Tenants Corp.", "respondent"),
                     ("Bleeker Jonas LLC", "appellant")}  # fmt: skip


def test_californias_two_roles_joined_by_and_in_the_caption_and_the_counsel() -> None:
    text = (
        "IN RE A.V., a Person Coming Under the Juvenile Court Law.\n\n"
        "The People, Plaintiff and Respondent,\nv.\nA.V., Defendant and Appellant.\n\n"
        "Sidney S. Holler, under appointment by the Court of Appeal, for Defendant and "
        "Appellant\n\nKathleen A. Kenley, Acting Attorney General, Gerald A. Engel, Assistant "
        "Attorney General, for Plaintiff and Respondent.\n\n"
        "See 1 Cal.4th 2; 3 Cal.4th 4; 5 Cal.App.5th 6.\n"
    )
    found = {(m.normalized, m.attributes["role"], m.attributes["appeal_role"])
             for m in caption_parties(text)}  # fmt: skip
    assert ("A.V.", "defendant", "appellant") in found
    appearances = [(a.role, [m.normalized for m in a.counsel]) for a in find_appearances(text)]
    assert appearances == [("defendant", ["Sidney S. Holler"]),
                           ("plaintiff", ["Kathleen A. Kenley", "Gerald A. Engel"])]  # fmt: skip


def test_californias_lists_sections_in_words_and_the_opinions_own_code() -> None:
    filler = " The court heard the matter and considered the record at length." * 30
    text = (
        "Court of Appeal, First District, California.\n\nUnder Welfare and Institutions Code "
        "section 786, the ward moved. A section 602 petition charged possession. (Health & "
        "Saf. Code, §§ 11359, 11357, subd. (a).)" + filler + " Then a notice (§ 777) was "
        "filed, and he may petition under [section] 781. See 1 Cal.App.5th 2.\n"
    )
    assert sorted(m.normalized for m in find_statutes(text)) == [
        "Cal. Health & Safety Code § 11357(a)", "Cal. Health & Safety Code § 11359",
        "Cal. Welf. & Inst. Code § 602", "Cal. Welf. & Inst. Code § 777",
        "Cal. Welf. & Inst. Code § 781", "Cal. Welf. & Inst. Code § 786",
    ]  # fmt: skip
    # near the code named last, a bare section is that code's
    near = "Court of Appeal, California. (Penal Code, § 550.) (Bus. & Prof. Code, § 2234.) (§ 22.)"
    assert "Cal. Bus. & Prof. Code § 22" in {m.normalized for m in find_statutes(near)}


def test_new_yorks_laws_by_initials_and_a_subsection_after_an_ampersand() -> None:
    text = "subject to EPTL 9-1.1(b) and CPLR 3211(a)(7); 28 U.S.C. § 1332(a)(1) & (2)."
    assert sorted(m.normalized for m in find_statutes(text)) == [
        "28 U.S.C. § 1332(a)(1)", "28 U.S.C. § 1332(a)(2)", "CPLR 3211(a)(7)",
        "N.Y. Est. Powers & Trusts Law § 9-1.1(b)",
    ]  # fmt: skip
