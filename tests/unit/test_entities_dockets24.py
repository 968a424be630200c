"""Error classes of the twenty-fourth blind set (tests/golden/real_blind24: PACER docket
reports of the District of Arizona and the Eastern District of Virginia), each as a rule
test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.appearances import find_appearances
from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.statutes import find_statutes
from tests.unit.entity_support import edges_and_entities

CRIMINAL = (
    "U.S. District Court\nDISTRICT OF ARIZONA (Phoenix Division)\n"
    "CRIMINAL DOCKET FOR CASE #: 2:17-cr-00378-SPL-1\n\nCase title: USA v. Roe-Lopez\n\n"
    "Assigned to: Judge Steven P Lang\nDefendant (1)\nJose Miguel Roe-Lopez\n"
    "TERMINATED: 06/26/2017\talso known as\nJose M Roe\nTERMINATED: 06/26/2017\t"
    "represented by\tJared Heath Egan\nFederal Public Defenders Office - Yuma\n"
    "2285 S 4th Ave., Ste. 2E\nYuma, AZ 85364\nLEAD ATTORNEY\n\n"
    "Pending Counts\tDisposition\n8:1326(a) and (b)(1) Reentry of Removed Alien\n"
    "Complaints\tDisposition\n8:1326(a) enhanced by (b)(1) - Reentry of Removed Alien\n\n"
    "Plaintiff\nUSA \trepresented by\tLouis C Uhler\nUS Attorneys Office - Yuma\n"
    "102 S Main St.\nYuma, AZ 85364\nLEAD ATTORNEY\n\n"
    "02/06/2017\t2 \tMINUTE ENTRY for proceedings held before Magistrate Judge James F Metz: "
    "Initial Appearance held. \nAppearances: AUSA John Balos for AUSA Louis Uhler for the "
    "Government, AFPD Jared Egan for defendant. Defendant is present. Spanish Interpreter "
    "Miguel Aguirre assists defendant. (Court Reporter Candy Porter.) Hearing held.\n"
    "03/07/2017\t8 \tMINUTE ORDER: Hearing set in U.S. District Court of Arizona, 98 West "
    "1st Street, Yuma, AZ 85364.\n"
    "03/09/2017\t9 \tDOJ CONFLICT MEMO. No probable conflict re Magistrate Judge John Z Boyd. "
    "No probable conflict re Judge Diane J Hume.\n"
    "03/15/2017\t15 \tMAGISTRATE JUDGE FINDINGS & RECOMMENDATION UPON A PLEA OF GUILTY. "
    "No objections were filed pursuant to 28 USC § 636(b)(1).\n"
)


def test_a_minute_entrys_appearances_give_counsel_for_each_side() -> None:
    appearances = [(a.role, [m.normalized for m in a.counsel]) for a in find_appearances(CRIMINAL)]
    assert ("plaintiff", ["John Balos", "Louis Uhler"]) in appearances
    assert ("defendant", ["Jared Egan"]) in appearances
    edges, entities = edges_and_entities(CRIMINAL)
    counsel = {(source, target) for kind, source, target in edges if kind == "counsel_for"}
    assert {("John Balos", "USA"), ("Jared Egan", "Jose Miguel Roe-Lopez")} <= counsel
    people = {name for kind, name in entities if kind == "person"}
    assert {"Miguel Aguirre", "Candy Porter"} <= people  # the interpreter, the reporter
    assert "Findings" not in people


def test_a_dockets_judges_but_not_those_of_its_conflict_memo() -> None:
    edges, _ = edges_and_entities(CRIMINAL)
    judges = {source for kind, source, _ in edges if kind == "judge_of"}
    assert judges == {"Steven P Lang", "James F Metz"}


def test_a_criminal_dockets_counts_the_us_code_without_periods_and_the_federal_court() -> None:
    assert sorted(m.normalized for m in find_statutes(CRIMINAL)) == [
        "28 U.S.C. § 636(b)(1)", "8 U.S.C. § 1326(a)", "8 U.S.C. § 1326(a)",
        "8 U.S.C. § 1326(b)(1)", "8 U.S.C. § 1326(b)(1)",
    ]  # fmt: skip
    assert "D. Ariz." in {m.normalized for m in find_courts(CRIMINAL)}
    assert "Ariz. Dist. Ct." not in {m.normalized for m in find_courts(CRIMINAL)}


def test_a_party_with_a_trade_name_keeps_its_attorneys_and_a_firm_named_by_partners() -> None:
    text = (
        "Lokova vs. Helper, et al.\nAssigned to: District Judge T. S. Ellis, III\n\n"
        "Defendant\nDow Jones & Company, Inc.\ndoing business as\nWall Street Journal\t"
        "represented by\tMatthew Kelly\nBallard Spahr LLP (DC)\n1909 K Street NW\n"
        "Washington, DC 20006\nLEAD ATTORNEY\n"
        "Defendant\nThe New York Times Company \trepresented by\tAlexander Richard Grein\n"
        "LeClair Ryan\n2318 Mill Road\nAlexandria, VA 22314\nATTORNEY TO BE NOTICED\n\n"
    )
    edges, entities = edges_and_entities(text)
    counsel = {(source, target) for kind, source, target in edges if kind == "counsel_for"}
    assert ("Matthew Kelly", "Dow Jones & Company, Inc.") in counsel
    assert ("LeClair Ryan", "The New York Times Company") in counsel
    assert ("organization", "LeClair Ryan") in entities
    assert not any("Noticed" in name for _, name in entities)


def test_docket_rows_offices_sole_practitioners_buildings_and_the_lower_court() -> None:
    text = (
        "Appeal From: Southern District of Florida\n\nEastern District of Missouri (LIVE)\n"
        "CRIMINAL DOCKET FOR CASE #: 4:17-cr-00367-SNLJ-1\n\nDefendant (1)\n"
        "Adama Kone \trepresented by\tAndrew J. Sotille\nANDREW J. SOTILLE, ATTORNEY AT LAW\n"
        "225 S. Meramec Ave.\nSt. Louis, MO 63105\nLEAD ATTORNEY\n"
        "St. Louis Fed Public Defender\nFEDERAL PUBLIC DEFENDER\n1010 Market Street\n"
        "St. Louis, MO 63101\nTERMINATED: 08/24/2017\n\n"
        "Plaintiff\nUSA \trepresented by\tEmily B. Gold\nMcCarter & English, LLP\n"
        "Four Gateway Center\n100 Mulberry Street\nNEWARK, NJ 07102\n"
        "UNITED STATES ATTORNEY'S OFFICE\nP.O. BOX 32159\nNEWARK, NJ 07102\n\n"
        "02/15/2018\t41 \tINTERPRETER USAGE REPORT as to defendant Adama Kone Interpreter: "
        "Mohammed Bah (Defendant Location: Bond)\n"
    )
    _, entities = edges_and_entities(text)
    courts = {name for kind, name in entities if kind == "court"}
    assert {"S.D. Fla.", "E.D. Mo."} <= courts
    organisations = {name for kind, name in entities if kind == "organization"}
    assert "St. Louis Fed Public Defender" in organisations  # an office, not a person
    assert "McCarter & English, LLP" in organisations  # not "... LLP Four Gateway Center"
    assert not any("Attorney at Law" in name or name == "Usa" for name in organisations)
    people = {name for kind, name in entities if kind == "person"}
    assert not any(word in name for name in people for word in ("Interpreter", "Location"))


def test_a_district_courts_local_rules_are_its_own() -> None:
    from docbatch.pipeline.entities.rules import find_court_rules

    heading = "U.S. District Court\nEastern District of Missouri (St. Louis)\nCIVIL DOCKET\n"
    text = heading + "(Local Rule 13.05); Local Civil Rule 16.1 and Civil Local\nRule 5-5."
    assert [m.normalized for m in find_court_rules(text)] == [
        "E.D. Mo. L.R. 13.05", "E.D. Mo. Civ. L.R. 16.1", "E.D. Mo. Civ. L.R. 5-5"
    ]  # fmt: skip
    assert find_court_rules("Local Rule 7.1 of some court.") == []  # no district heads it


def test_count_codes_anywhere_on_a_criminal_dockets_line_and_a_state_in_capitals() -> None:
    text = (
        "U.S. District Court\nEastern District of TEXAS (Tyler)\nCRIMINAL DOCKET FOR CASE #: "
        "6:07-cr-00001\n\nPending Counts\nProduction of Child Pornography 18:2251(a) & (e)\n"
        "18:2252(a)(4) & 2252(b)(2) - Possession of Child Pornography.\n"
        "18:922G.F UNLAWFUL POSSESSION OF FIREARMS\nCause: 28:1332 Diversity-Libel\n"
        "Hearing held 10:30 AM.\n"
    )
    assert sorted(m.normalized for m in find_statutes(text)) == [
        "18 U.S.C. § 2251(a)", "18 U.S.C. § 2251(e)", "18 U.S.C. § 2252(a)(4)",
        "18 U.S.C. § 2252(b)(2)", "18 U.S.C. § 922(g)", "28 U.S.C. § 1332",
    ]  # fmt: skip
    assert "E.D. Tex." in {m.normalized for m in find_courts(text)}


def test_utah_and_oklahoma_dockets_press_movants_a_notice_party_and_offences_in_capitals() -> None:
    text = (
        "US District Court Electronic Case Filing System\nDistrict of Utah (Central)\n"
        "CRIMINAL DOCKET FOR CASE #: 2:08-cr-00125-DAK-1\n\nPending Counts\n"
        "18:1201(a)(1) KIDNAPPING/Kidnapping\n\nMovant\nDeseret Morning News \trepresented by\t"
        "Jeffrey J. Hunt\nParr Brown Gee & Loveless\n185 S State St\nSalt Lake City, UT 84111\n"
        "LEAD ATTORNEY\n\nNotice Party\nMeriska A. Hold \trepresented by\tMeriska A. Hold\n"
        "US PROBATION/PRETRIAL\nEmail: m@example.gov\nPRO SE\n\nDefendant\n"
        "AAA Cooper Transport \trepresented by\tCharles Mark Baine\nMelton Espy & Wills, PC\n"
        "PO Drawer 5130\nMontgomery, AL 36103-5130\nLEAD ATTORNEY\n\n"
        "Charged under 47 O.S. 11-902(A)(2).\n"
    )
    edges, entities = edges_and_entities(text)
    assert ("court", "D. Utah") in entities
    assert "18 U.S.C. § 1201(a)(1)" in {m.normalized for m in find_statutes(text)}
    assert "Okla. Stat. tit. 47, § 11-902(A)(2)" in {m.normalized for m in find_statutes(text)}
    parties = {(source, target) for kind, source, target in edges if kind == "party_of"}
    assert ("Meriska A. Hold", "document:notice party") in parties
    organisations = {name for kind, name in entities if kind == "organization"}
    assert {"Deseret Morning News", "AAA Cooper Transport", "Melton Espy & Wills, PC"} <= (
        organisations
    )
    assert not any("Pro Se" in name for kind, name in entities if kind == "person")
