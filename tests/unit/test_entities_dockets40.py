"""Error classes of blind sets 40-43 (PACER civil, criminal and bankruptcy dockets, a
Missouri opinion), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.patterns import find_case_numbers
from docbatch.pipeline.entities.statutes import find_statutes
from tests.unit.entity_support import edges_and_entities

CIVIL = (
    "U.S. District Court\nCentral District of California (Western Division - Los Angeles)\n"
    "CIVIL DOCKET FOR CASE #: 2:06-cv-00350-SJO-JWJ\n\nLA Printworks v. Daffodil Inc\n"
    "Cause: 05:702 Administrative Procedure Act\n\n"
    "Plaintiff\nLA Printworks Industries Inc\trepresented by\tStephen M Doniger\n"
    "300 Corporate Pointe\nCulver City, CA 90230\nEmail: s@example.com\nLEAD ATTORNEY\n"
    "V.\nDefendant\nMiko Manufacturing of California\nDefendant\nMaritime Administration\n"
    "Defendant\nMarine Corp. Exchange\nDefendant\nCastle Hill Apparel, Inc.\n"
    "a New York Corporation\trepresented by\tAndrew V Jablonski\n(See above for address)\n"
    "LEAD ATTORNEY\n\n"
    "Date Filed\t#\tDocket Text\n"
    "02/11/2010\t58\tOrder Granting Application to Employ Diamond McCarty LLP as Special "
    "Counsel. (Entered: 02/11/2010)\n"
)


def test_a_dockets_bodies_and_businesses_and_a_companys_description() -> None:
    edges, entities = edges_and_entities(CIVIL)
    parties = {s for kind, s, _ in edges if kind == "party_of"}
    assert {"Miko Manufacturing of California", "Maritime Administration",
            "Marine Corp. Exchange"} <= parties  # fmt: skip
    organisations = {name for kind, name in entities if kind == "organization"}
    assert {"Miko Manufacturing of California", "Maritime Administration",
            "Marine Corp. Exchange", "Diamond McCarty LLP"} <= organisations  # fmt: skip
    assert not organisations & {"a New York Corporation", "Employ Diamond McCarty LLP"}
    assert ("statute", "5 U.S.C. \u00a7 702") in entities


def test_a_criminal_dockets_counts_with_more_sections_and_a_second_title() -> None:
    text = (
        "Pending Counts\tDisposition\n"
        "18:371 and 3551 et seq.; CONSPIRACY TO DEFRAUD THE UNITED STATES; Conspiracy.\n"
        "31:5314 and 5322(b); 18:2; RECORDS AND REPORTS ON FOREIGN FINANCIAL AGENCY.\n"
        "18:2 and 1001(a); STATEMENTS OR ENTRIES GENERALLY; False Statements.\n"
        "Hearing set for 10:30 AM before Judge Amy B. Jackman.\n"
    )
    found = sorted({m.normalized for m in find_statutes(text)})
    assert found == [
        "18 U.S.C. \u00a7 1001(a)", "18 U.S.C. \u00a7 2", "18 U.S.C. \u00a7 3551",
        "18 U.S.C. \u00a7 371", "31 U.S.C. \u00a7 5314", "31 U.S.C. \u00a7 5322(b)",
    ]  # fmt: skip


def test_a_section_of_the_bankruptcy_code_and_a_missouri_district_number() -> None:
    assert [m.normalized for m in find_statutes("Section 105(a) of the Bankruptcy Code")] == [
        "11 U.S.C. \u00a7 105(a)"
    ]
    assert [m.normalized for m in find_case_numbers("No. ED 83155.\nMissouri Court")] == [
        "ED 83155"
    ]


BANKRUPTCY = (
    "U.S. Bankruptcy Court\nMiddle District of Alabama (Montgomery)\n"
    "Bankruptcy Petition #: 09-32303\n\nAssigned to: Dwight H. Williamson Jr.\nChapter 11\n\n"
    "Date filed:\t\u00a0\u00a0 08/25/2009\n\n"
    "Debtor\nThe Colonial Holdings, Inc.\n100 Colonial Bank Boulevard\n"
    "Montgomery, AL 36117\nTax ID / EIN: 63-0661573\nrepresented by \tRufus T. Dorsey, IV\n"
    "Parker Hudson Rainer & Dobbs LLP\n1500 Marquis Two Tower\nAtlanta, GA 30303\n"
    "(404) 523-5300\n\n"
    "Filing Date\t#\tDocket Text\n"
    "02/12/2010\t548\t Original Filed Date: 02/12/2010 Notice of Appearance. "
    "(Entered: 02/12/2010)\n"
)


def test_a_bankruptcy_dockets_heading_court_and_its_date_filed() -> None:
    edges, _ = edges_and_entities(BANKRUPTCY)
    assert ("decided_by", "document", "Bankr. M.D. Ala.") in edges
    assert {t for kind, _, t in edges if kind == "filed_on"} == {"2009-08-25"}


AMICI = (
    "U.S. District Court\nNorthern District of Georgia (Atlanta)\n"
    "CIVIL DOCKET FOR CASE #: 1:22-cv-03027-LMM\n\nGrand Jury v. Graham\n"
    "Cause: 28:1331cv Fed. Question\n\n"
    "Defendant\nLindsay Grahame\trepresented by\tBrian C. Leahy\nJones Day - Atlanta\n"
    "1221 Peachtree Street, N.E.\nAtlanta, GA 30361\nEmail: b@example.com\nLEAD ATTORNEY\n"
    "Amicus\nDonald B. Ayers \trepresented by\tJacqueline K. Sahlman\nKaplan Hecker & Fink LLP\n"
    "1050 K Street NW\nWashington, DC 20001\nEmail: j@example.com\nLEAD ATTORNEY\n\n"
    "Date Filed\t#\tDocket Text\n07/29/2022\t1\tMOTION to Quash. (Entered: 07/29/2022)\n"
)


def test_an_amicus_of_a_docket_has_counsel_and_no_party_role() -> None:
    edges, entities = edges_and_entities(AMICI)
    assert ("counsel_for", "Jacqueline K. Sahlman", "Donald B. Ayers") in edges
    assert not [e for e in edges if e[0] == "party_of" and e[1] == "Donald B. Ayers"]
    assert ("person", "Amicus") not in entities
    assert ("statute", "28 U.S.C. \u00a7 1331") in entities


ENTRIES = (
    "U.S. Bankruptcy Court\nDistrict of Arizona (Phoenix)\nBankruptcy Petition #: 2:07-bk-05481\n\n"
    "Debtor\nGUILLERMO RICARDO DE LA VEGA\n3946 E BECKER LANE\nPHOENIX, AZ 85028\n"
    "represented by \tGUILLERMO RICARDO DE LA VEGA\nPRO SE\n\n"
    "Filing Date\t#\tDocket Text\n"
    "10/24/2007\t8\t Notice of Appearance  filed by JOHN D. SCHLOTT of MCCALLA RAYMOND PADRICK "
    "COBB on behalf of Countrywide Home Loans, Inc..(SCHLOTT, JOHN) (Entered: 10/24/2007)\n"
    "10/26/2007\t11\t Notice of Appearance  filed by HILARY B. BONIALE of BRICE, VANDER LINDEN "
    "& WERNICK, PC on behalf of GMAC Mortgage.(BONIALE, HILARY) (Entered: 10/26/2007)\n"
)


def test_a_docket_entrys_attorney_and_firm_on_behalf_of_a_client() -> None:
    edges, entities = edges_and_entities(ENTRIES)
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert ("John D. Schlott", "Countrywide Home Loans, Inc.") in counsel
    assert ("McCalla Raymond Padrick Cobb", "Countrywide Home Loans, Inc.") in counsel
    assert ("Brice, Vander Linden & Wernick, PC", "GMAC Mortgage") in counsel
    # a debtor pro se is its own attorney, nobody's counsel
    assert not [(s, t) for s, t in counsel if s == t]
    assert ("Hilary B. Boniale", "GMAC Mortgage") in counsel
    assert ("organization", "GMAC Mortgage") in entities
    assert ("person", "GMAC Mortgage") not in entities
