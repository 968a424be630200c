"""Error classes of the twenty-seventh blind set (tests/golden/real_blind27: Connecticut,
D.C. and Massachusetts appellate opinions), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.appearances import find_appearances
from docbatch.pipeline.entities.courts import find_courts
from tests.unit.entity_support import edges_and_entities

MASSACHUSETTS = (
    "COMMONWEALTH\nv.\nMarquis BRAND.\n\nSupreme Judicial Court of Massachusetts,\n"
    "Middlesex.\n\nM.G.L.A. c. 265, § 2  *260 Michael A. Kane, Assistant District Attorney "
    "(Christopher M. Tarrent & Robert J. Bender, Assistant District Attorneys, with him) for "
    "the Commonwealth.\n\nThe following submitted briefs for amici curiae:\n\n"
    "Marsha L. Levin, Emily C. Kelley, & Lauren A. Fine, of Pennsylvania, for Juvenile Law "
    "Center & others.\n\nTimothy J. Cruse, District Attorney, & Robert C. Thomson, Assistant "
    "District Attorney, for District Attorney for the Plymouth District.\n\n"
    "David J. Apfel & Kunal Pasrich, Boston, for Citizens for Juvenile Justice & others.\n\n"
    "Present: IRELAND, C.J., SPINA, & LENK, JJ.\n\nBrand was tried in the Superior Court. See "
    "1 Mass. 2; 3 Mass. 4; 5 Mass. 6; 7 Mass. 8; 9 Mass. 10; 11 Mass. 12.\n"
)


def test_massachusetts_counsel_joined_by_ampersands_and_its_amici_under_a_heading() -> None:
    appearances = [([m.normalized for m in a.counsel], a.client)
                   for a in find_appearances(MASSACHUSETTS)]  # fmt: skip
    assert appearances == [
        (["Michael A. Kane", "Christopher M. Tarrent", "Robert J. Bender"], ""),
        (["Marsha L. Levin", "Emily C. Kelley", "Lauren A. Fine"], "Juvenile Law Center"),
        (["Timothy J. Cruse", "Robert C. Thomson"], "District Attorney for the Plymouth District"),
        (["David J. Apfel", "Kunal Pasrich"], "Citizens for Juvenile Justice"),
    ]
    edges, entities = edges_and_entities(MASSACHUSETTS)
    assert ("counsel_for", "Kunal Pasrich", "Citizens for Juvenile Justice") in edges
    assert ("person", "Kunal Pasrich") in entities


def test_the_superior_court_of_an_opinion_headed_by_the_supreme_judicial_court() -> None:
    assert "Mass. Super. Ct." in {m.normalized for m in find_courts(MASSACHUSETTS)}


def test_a_panel_in_capitals_is_no_name_written_surname_first() -> None:
    text = (
        "Jon CIOTTI\nv.\nJane CIOTTI.\n\nAppellate Court of Connecticut.\n\n"
        "LAVINE, SHELDON and BISHOP, Js.\n\nThe plaintiff appeals.\n"
    )
    edges, entities = edges_and_entities(text)
    judges = {source for kind, source, _ in edges if kind == "judge_of"}
    assert judges == {"Lavine", "Sheldon", "Bishop"}
    assert ("person", "Sheldon Lavine") not in entities
