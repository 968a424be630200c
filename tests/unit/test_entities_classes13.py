"""Error classes of the thirteenth blind set (tests/golden/real_blind13: Washington, West
Virginia, Virginia and Nebraska opinions), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.statutes import find_statutes


def test_state_codes_closed_up_and_by_initials_as_written() -> None:
    text = (
        "W. Va.Code § 23-4C-6 (2005); Neb. Rev.Stat. §§ 25-1233 and 29-1917 (Reissue 2008); "
        "RCW 26.09.170(5); N.J.S.A. 2A:14-2."
    )
    assert [m.normalized for m in find_statutes(text)] == [
        "W. Va. Code § 23-4C-6", "Neb. Rev. Stat. § 25-1233", "Neb. Rev. Stat. § 29-1917",
        "RCW 26.09.170(5)", "N.J. Stat. Ann. \u00a7 2A:14-2",  # New Jersey's in Bluebook form
    ]  # fmt: skip


def test_virginias_code_cited_as_code_in_its_own_courts_only() -> None:
    virginia = (
        "COURT OF APPEALS OF VIRGINIA.\nSee Code § 8.01-391(B); Code §§ 8.01-390 and 65.2-201."
    )
    assert [m.normalized for m in find_statutes(virginia)] == [
        "Va. Code Ann. § 8.01-391(B)", "Va. Code Ann. § 8.01-390", "Va. Code Ann. § 65.2-201",
    ]  # fmt: skip
    other = "SUPREME COURT OF OHIO.\nSee Code § 8.01-391(B)."
    assert find_statutes(other) == []


def test_state_docket_numbers_of_washington_nebraska_and_virginia() -> None:
    from docbatch.pipeline.entities.patterns import find_case_numbers

    text = (
        "[No. 33971-8-III. No. S-07-138. Record No. 1824-10-3. Bankruptcy Petition #: "
        "17-80033-CRJ7. No. 2017-03-1235."
    )
    assert [m.normalized for m in find_case_numbers(text)] == [
        "33971-8-III", "S-07-138", "1824-10-3", "17-80033-CRJ7", "2017-03-1235",
    ]  # fmt: skip


def test_washingtons_rules_of_appellate_procedure() -> None:
    from docbatch.pipeline.entities.rules import find_court_rules

    text = "Fees under RAP 18.1(d) and RAP 18.1."
    assert [m.normalized for m in find_court_rules(text)] == [
        "Wash. R. App. P. 18.1(d)", "Wash. R. App. P. 18.1",
    ]  # fmt: skip


def test_federal_courts_that_are_neither_a_circuits_nor_a_districts() -> None:
    from docbatch.pipeline.entities.courts import find_courts

    text = (
        "UNITED STATES JUDICIAL PANEL ON MULTIDISTRICT LITIGATION. United States Court of "
        "Federal Claims. U.S. Court of International Trade. United States Court of Appeals for "
        "Veterans Claims. United States Tax Court. The U.S. Supreme Court held."
    )
    assert [m.normalized for m in find_courts(text)] == [
        "J.P.M.L.", "Fed. Cl.", "Ct. Int'l Trade", "Vet. App.", "T.C.", "U.S.",
    ]  # fmt: skip


def test_counsel_for_amici_firms_with_commas_and_paragraphs_run_together() -> None:
    from docbatch.pipeline.entities.appearances import find_appearances

    text = (
        "Don C.A. Parker, Angela D. Herdman, Spillman, Thomas & Battle, Charleston, WV, for "
        "Petitioner.\n"
        "Carte P. Goodwin, Goodwin & Goodwin, LLP, Charleston, WV, for Amicus Curiae, The West "
        "Virginia Business and Industry Council.Brent Kesner, Kesner & Bramble, PLLC, "
        "Charleston, WV, for Amicus Curiae, TKS Contracting, Inc.; H. Talbott Tebay.\n"
        "Camerina I. Brokaw-Zorrozua (of Maxey Law Office PS), for respondent.\n"
        "Robert L. Morrison, Jr., Danville; Peter M. Sweeny, Leesburg (Williams, Morrison, "
        "Light & Moreau, on brief), for appellant.S. Vernon Priddy, III, for appellees.\n"
    )
    found = [(a.role, a.client, [m.normalized for m in a.counsel]) for a in find_appearances(text)]
    assert found == [
        ("petitioner", "", ["Don C.A. Parker", "Angela D. Herdman", "Spillman, Thomas & Battle"]),
        (None, "West Virginia Business and Industry Council",
         ["Carte P. Goodwin", "Goodwin & Goodwin, LLP"]),
        # each amicus of the list is a client
        (None, "TKS Contracting, Inc.; H. Talbott Tebay",
         ["Brent Kesner", "Kesner & Bramble, PLLC"]),
        ("respondent", "", ["Camerina I. Brokaw-Zorrozua", "Maxey Law Office PS"]),
        ("appellant", "", ["Robert L. Morrison, Jr.", "Peter M. Sweeny",
                           "Williams, Morrison, Light & Moreau"]),
        ("appellee", "", ["S. Vernon Priddy, III"]),
    ]  # fmt: skip


def test_a_criminal_dockets_counts_are_us_code_sections() -> None:
    text = (
        "18:922G.F UNLAWFUL POSSESSION OF FIREARMS\n21:841A=CD.F CONTROLLED SUBSTANCE\nat 10:30.M"
    )
    assert [m.normalized for m in find_statutes(text)] == [
        "18 U.S.C. § 922(g)", "21 U.S.C. § 841(a)",
    ]  # fmt: skip


def test_a_docket_reports_case_title_and_the_filers_of_its_entries() -> None:
    from tests.unit.entity_support import edges_and_entities

    text = (
        "United States District Court\nDistrict of Massachusetts (Boston)\n"
        "CIVIL DOCKET FOR CASE #: 1:11-cv-10230-MLW\n\n"
        "Arkansas Teacher Retirement System v. State Street Corporation et al\n"
        "Assigned to: Judge Mark L. Wolf\n\n"
        "06/06/2018\t251 \tMOTION To seal document. (Franklin, Yvonne) (Entered: 06/06/2018)\n"
        "06/06/2018\t258 \tAFFIDAVIT of George Hopkins. (Kearney, Kristen M.) (Entered: "
        "06/06/2018)\n"
    )
    edges, entities = edges_and_entities(text)
    assert {e for e in edges if e[0] == "party_of"} == {
        ("party_of", "Arkansas Teacher Retirement System", "document:plaintiff"),
        ("party_of", "State Street Corporation", "document:defendant"),
    }  # fmt: skip
    assert {"Yvonne Franklin", "Kristen M. Kearney"} <= {name for _, name in entities}
