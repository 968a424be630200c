"""Error classes of the twenty-second and twenty-third blind sets (tests/golden/real_blind22:
Michigan Court of Appeals opinions; real_blind23: Pennsylvania, South Carolina and North
Carolina), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.appearances import find_appearances
from docbatch.pipeline.entities.captions import caption_parties
from docbatch.pipeline.entities.patterns import find_case_numbers
from docbatch.pipeline.entities.rules import find_court_rules
from docbatch.pipeline.entities.statutes import find_statutes
from tests.unit.entity_support import edges_and_entities

MICHIGAN = (
    "ALPHA B. CARTER FAMILY TRUST\nv.\nQRS HOLDINGS, LLC.\n\nDocket No. 123456.\n\n"
    "Court of Appeals of Michigan.\n\n"
    "*528 Dunn, Price and Hale, PLC, Detroit (by Joan M. Avery and Jim E. Bell), for the "
    "plaintiff.\n\n"
    "Lane Associates, PLC, Birmingham (by Karl B. Lane and Ivy M. Reed), and Frost, Marsh & "
    "Adler, P.L.C. (by Seth C. Frost), for the defendants.\n\n"
    "In Docket No. 123456, plaintiff Alpha B. Carter Family Trust appeals the order "
    "dismissing its complaint against defendants QRS Holdings, LLC (QRSH), QRS Capital, LLC, "
    "Dan Fuller, and Will Grant. We affirm.\n"
)


def test_a_reporters_title_over_three_lines_takes_its_sides_from_the_counsel() -> None:
    found = {(m.normalized, m.attributes["role"]) for m in caption_parties(MICHIGAN)}
    assert ("Alpha B. Carter Family Trust", "plaintiff") in found
    assert any(role == "defendant" and name.endswith("Holdings, LLC") for name, role in found)


def test_michigans_firm_city_by_attorneys_for_party() -> None:
    appearances = [(a.role, [m.normalized for m in a.counsel]) for a in find_appearances(MICHIGAN)]
    assert appearances == [
        ("plaintiff", ["Dunn, Price and Hale, PLC", "Joan M. Avery", "Jim E. Bell"]),
        ("defendant", ["Lane Associates, PLC", "Karl B. Lane", "Ivy M. Reed",
                       "Frost, Marsh & Adler, P.L.C.", "Seth C. Frost"]),
    ]  # fmt: skip


def test_the_parties_a_plural_role_word_lists_in_prose() -> None:
    edges, _ = edges_and_entities(MICHIGAN)
    parties = {(source, target) for kind, source, target in edges if kind == "party_of"}
    assert parties == {
        ("Alpha B. Carter Family Trust", "document:plaintiff"),
        ("QRS Holdings, LLC", "document:defendant"),
        ("QRS Capital, LLC", "document:defendant"),
        ("Dan Fuller", "document:defendant"),
        ("Will Grant", "document:defendant"),
    }
    counsel = {(source, target) for kind, source, target in edges if kind == "counsel_for"}
    assert ("Seth C. Frost", "Will Grant") in counsel  # "for the defendants": all four
    assert ("Dunn, Price and Hale, PLC", "Alpha B. Carter Family Trust") in counsel
    assert len({t for s, t in counsel if s == "Lane Associates, PLC"}) == 4


SOUTH_CAROLINA = (
    "The STATE, Petitioner,\nv.\nRicky L. BARNES, Respondent.\n\nNo. 26950.\n\n"
    "Supreme Court of South Carolina.\n\n"
    "*751 Attorney General Alan Wise, Chief Deputy Attorney General John W. Mack, Senior "
    "Assistant Attorney General Harold M. Combs, Jr., all of Columbia; and Solicitor William "
    "Benjamin Rowe, Jr., of Bennettsville, for Petitioner.Appellate Defender Eliza A. "
    "Franklin-Beck, of South Carolina Commission on Indigent Defense, of Columbia, for "
    "Respondent.\n\nSee State v. Cox, 1 S.C. 2 (1990); Roe v. Doe, 3 S.C. 4 (1991).\n"
)


def test_a_bare_state_in_a_caption_with_roles_is_the_state_the_text_cites() -> None:
    found = {(m.normalized, m.attributes["role"]) for m in caption_parties(SOUTH_CAROLINA)}
    assert found == {("State of South Carolina", "petitioner"), ("Ricky L. Barnes", "respondent")}


def test_counsel_with_their_offices_before_their_names_and_their_cities_after() -> None:
    appearances = [(a.role, [m.normalized for m in a.counsel])
                   for a in find_appearances(SOUTH_CAROLINA)]  # fmt: skip
    assert appearances == [
        ("petitioner", ["Alan Wise", "John W. Mack", "Harold M. Combs, Jr.",
                        "William Benjamin Rowe, Jr."]),
        ("respondent", ["Eliza A. Franklin-Beck", "South Carolina Commission on Indigent Defense"]),
    ]  # fmt: skip


def test_counsel_paragraphs_that_name_their_clients_and_cross_appeal_roles() -> None:
    text = (
        "ALPHA PROPERTIES, L.L.C., Plaintiff-Appellee,\nv.\n"
        "BETA INSURANCE COMPANY, Defendant-Appellant.\n"
        "Sam C. Garner and Cyn A. Garner, Plaintiffs-Appellants/Cross-Appellees,\nv.\n"
        "Delta Lake Insurance Company, Defendant-Appellee/Cross-Appellant.\n\n"
        "Court of Appeals of Michigan.\n\n"
        "*661 Don M. Fuller and Fabe, Sklar & King, P.C. (by Mike H. Fabe), Westland, "
        "Farmington Hills, for Alpha  *662 Properties, L.L.C., and Sam C. and Cyn A. Garner.\n\n"
        "Grote & Denby, L.L.C. (by Todd B. Denby), Bingham Farms, for Beta Insurance Company.\n\n"
        "Secrest Wardlow (by Jan C. Barnes), Farmington Hills, for Delta Lake Insurance "
        "Company.\n"
    )
    edges, _ = edges_and_entities(text)
    parties = {(source, target) for kind, source, target in edges if kind == "party_of"}
    assert ("Cyn A. Garner", "document:plaintiff") in parties
    assert ("Delta Lake Insurance Company", "document:defendant") in parties
    counsel = {(source, target) for kind, source, target in edges if kind == "counsel_for"}
    assert {t for s, t in counsel if s == "Mike H. Fabe"} == {
        "Alpha Properties, L.L.C.",
        "Sam C. Garner",
        "Cyn A. Garner",
    }
    assert ("Grote & Denby, L.L.C.", "Beta Insurance Company") in counsel
    assert ("Jan C. Barnes", "Delta Lake Insurance Company") in counsel
    assert not any("Farms" in s or "Hills" in s for s, _ in counsel)  # the firms' cities


def test_case_numbers_of_pennsylvania_wisconsin_and_a_cited_docket() -> None:
    text = (
        "No. 402 MAL 2011\n\nSee Roe, issued May 2, 2005 (Docket No. 261746), 2005 WL 1; "
        "review denied (No. 2005AP2480-CR); Doe, No. 1234 EDA 2019."
    )
    assert sorted(m.normalized for m in find_case_numbers(text)) == [
        "1234 EDA 2019", "2005AP2480-CR", "261746", "402 MAL 2011"
    ]  # fmt: skip


def test_an_author_line_with_the_title_first_and_an_office_before_counsel() -> None:
    edges, entities = edges_and_entities(SOUTH_CAROLINA + "\nJustice BEATTY.\n\nWe reverse.\n")
    assert ("judge_of", "Beatty", "document") in edges
    people = {name for kind, name in entities if kind == "person"}
    assert "Eliza A. Franklin-Beck" in people
    assert not any(name.startswith(("Defender", "Solicitor")) for name in people)


def test_a_companys_short_name_after_a_role_word_is_no_person() -> None:
    text = (
        "ACME ENERGY CORPORATION; Acme Energy Carolinas, LLC; and Will Ray Walker, Defendants."
        "\n\nShe sued defendant Will Ray Walker. Acme Energy Corporation and its subsidiary "
        '("defendant Acme Energy") owned the pole.\n'
    )
    _, entities = edges_and_entities(text)
    people = {name for kind, name in entities if kind == "person"}
    assert "Will Ray Walker" in people and "Acme Energy" not in people


def test_michigan_statutes_annotated_and_rules_by_set_initials() -> None:
    assert [m.normalized for m in find_statutes("MCL 500.2006(4); MSA 24.12006(4) is")] == [
        "MCL 500.2006(4)", "MSA 24.12006(4)"
    ]  # fmt: skip
    text = (
        "under MCR 2.116(C)(1) (lack of personal jurisdiction), (4) (lack of subject-matter "
        "jurisdiction), and (8) (failure to state a claim); Rule 6(b), SCRCrimP; Ind. Trial "
        "Rule 50 and Trial Rule 12(B)(6)."
    )
    assert [m.normalized for m in find_court_rules(text)] == [
        "Mich. Ct. R. 2.116(C)(1)", "Mich. Ct. R. 2.116(C)(4)", "Mich. Ct. R. 2.116(C)(8)",
        "S.C. R. Crim. P. 6(b)", "Ind. Trial R. 50", "Ind. Trial R. 12(B)(6)",
    ]  # fmt: skip


def test_bodies_named_by_what_they_do_or_where_they_serve_without_of() -> None:
    text = (
        "Officers of the South Bend Police Department arrested him. The Legislative Reference "
        "Bureau drafted the bill; the Labor & Industry Review Commission ruled; Racine Unified "
        "School District sued; Courthouse News Service reported it; the amicus curiae "
        "Reporters Committee for Freedom of the Press filed a brief. He had four years of "
        "Prior Creditable Service. The Review Board met.\n"
    )
    _, entities = edges_and_entities(text)
    assert {name for kind, name in entities if kind == "organization"} == {
        "South Bend Police Department", "Legislative Reference Bureau",
        "Labor & Industry Review Commission", "Racine Unified School District",
        "Courthouse News Service", "Reporters Committee for Freedom of the Press",
    }  # fmt: skip
