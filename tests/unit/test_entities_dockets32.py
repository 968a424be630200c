"""Error classes of blind sets 32-35 (PACER district and bankruptcy docket reports), each as
a rule test over a made-up example: a party's cell that holds a capacity, a description or
an address above its "represented by" cell, a bankruptcy docket's party headings, and
attorney blocks that end with a phone number."""

from __future__ import annotations

from tests.unit.entity_support import edges_and_entities

DISTRICT = (
    "U.S. District Court\nMiddle District of Louisiana (Baton Rouge)\n"
    "CIVIL DOCKET FOR CASE #: 3:17-cv-01352-BAJ-EWD\n\nRoe v. Babbitt\n"
    "Assigned to: Judge Brian A. Jackman\n\n"
    "Plaintiff\nSamuel Roe\non behalf of himself and all other similarly situated consumers "
    "\trepresented by\tAdam Jon Fishman\n483 Chestnut Street\nCedarhurst, NY 11516\n"
    "Email: adam@example.com\nATTORNEY TO BE NOTICED\nV.\n"
    "Defendant\nRicky Babbitt\nDistrict Attorney, 23rd Judicial District of Louisiana "
    "\trepresented by\tRalph R. Alden\nPorteous, Hainkel and Jensen, LLP\n704 Carondelet St.\n"
    "New Orleans, LA 70130\nEmail: ralden@example.com\nLEAD ATTORNEY\n"
    "Glenn Brozman Adler\nLance Lee\nAttorney at Law\n5511 Plaza Drive\nTexarkana, TX 75503\n"
    "Email: lee@example.com\n\n"
    "Date Filed\t#\tDocket Text\n"
    "11/06/2017\t1 \tCOMPLAINT against Ricky Babbitt filed by Samuel Roe. (Entered: 11/07/2017)\n"
)


def test_a_partys_capacity_or_description_above_its_represented_by_cell() -> None:
    edges, entities = edges_and_entities(DISTRICT)
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert ("Adam Jon Fishman", "Samuel Roe") in counsel
    assert ("Ralph R. Alden", "Ricky Babbitt") in counsel
    parties = {(s, t) for kind, s, t in edges if kind == "party_of"}
    assert {("Samuel Roe", "document:plaintiff"), ("Ricky Babbitt", "document:defendant")} <= (
        parties
    )
    # a sole practitioner's two lines are no firm
    assert ("organization", "Lance Lee Attorney at Law") not in entities


BANKRUPTCY = (
    "U.S. Bankruptcy Court\nAlaska (Anchorage)\nBankruptcy Petition #: 95-00236\n\n"
    "Assigned to: Herbert A. Rossi\nChapter 7\n\nDate filed:\t  04/14/1995\n\n"
    "Debtor\nSkyair, Inc., an AK corporation\nPO Box 196769\nAnchorage, AK 99519-6769\n"
    "Tax ID / EIN: 92-0020077\nrepresented by \tGerald K. Smithers\nLEWIS & ROCA\n"
    "40 N. Central Avenue\nPhoenix, AZ 85004\n(602) 262-5311\nJohn C. Siemens\n"
    "BURR, PEASE & KURTZ\n810 N Street\nAnchorage, AK 99501\n(907) 276-6100\n"
    "Email: bankruptcy@example.com\n"
    "Joint Debtor\nShawna Appleton\n320 County Road 338\nKillen, AL 35645\n"
    "represented by \tGerald K. Smithers\n(See above for address)\n"
    "U.S. Trustee\nU.S. Trustee's Office\n605 West 4th Avenue, Suite 258\n"
    "Anchorage, AK 99501-2252\n(907) 271-2600\nrepresented by \tBarbara L. Franks\n"
    "605 West 4th Avenue, Ste. 258\nAnchorage, AK 99501-2296\n(907) 271-2600\n"
    "Erik LeRoyal\n500 L Street, Suite 302\nAnchorage, AK 99501\n(907) 277-2006\n\n"
    "Filing Date\t#\tDocket Text\n"
    "12/29/2009\t8781 \t Motion to Pay Unclaimed Dividends. (PT) (Entered: 12/29/2009)\n"
)


def test_a_bankruptcy_dockets_party_cells_headings_and_phone_ended_blocks() -> None:
    edges, entities = edges_and_entities(BANKRUPTCY)
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert {
        ("Gerald K. Smithers", "Skyair, Inc."),
        ("John C. Siemens", "Skyair, Inc."),
        ("Barbara L. Franks", "U.S. Trustee's Office"),
        ("Erik LeRoyal", "U.S. Trustee's Office"),
    } <= counsel
    roles = {s: t for kind, s, t in edges if kind == "party_of"}
    assert roles.get("Shawna Appleton") == "document:joint debtor"
    assert roles.get("U.S. Trustee's Office") == "document:u.s. trustee"
    # a party heading is nobody's name
    assert ("person", "Joint Debtor") not in entities


OFFICES = (
    "U.S. Bankruptcy Court\nDistrict of Arizona (Phoenix)\nBankruptcy Petition #: 2:07-bk-05481\n"
    "\nDate filed:\t  10/19/2007\n\n"
    "Debtor\nGUILLERMO RICARDO DE LA VEGA\n3946 E BECKER LANE\nPHOENIX, AZ 85028\n"
    "represented by \tGUILLERMO RICARDO DE LA VEGA\nPRO SE\n"
    "U.S. Trustee\nU.S. TRUSTEE\nOFFICE OF THE U.S. TRUSTEE\n230 NORTH FIRST AVENUE\n"
    "PHOENIX, AZ 85003\n"
    "Bankruptcy Admin.\nBankruptcy Administrator\nOne Church Street\nMontgomery, AL 36104\n\n"
    "Filing Date\t#\tDocket Text\n"
    "10/19/2007\t1\t Petition. Debtor Statement of Current Monthly Income due. Notice to Debtor "
    "Not Represented by an Attorney (Frazier, Liz) (Entered: 10/19/2007)\n"
)


def test_a_bankruptcy_dockets_offices_and_a_name_with_particles() -> None:
    edges, entities = edges_and_entities(OFFICES)
    roles = {s: t for kind, s, t in edges if kind == "party_of"}
    assert roles.get("U.S. Trustee") == "document:u.s. trustee"
    assert roles.get("Bankruptcy Administrator") == "document:bankruptcy administrator"
    assert roles.get("Guillermo Ricardo de La Vega") == "document:debtor"
    assert {("organization", "U.S. Trustee"), ("organization", "Bankruptcy Administrator"),
            ("person", "Guillermo Ricardo de La Vega")} <= entities  # fmt: skip
    assert not {("person", "Not Represented"), ("person", "Statement")} & entities
