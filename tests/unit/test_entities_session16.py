"""Error classes found in session 16 on real filings, each as a rule test over a made-up
example."""

from __future__ import annotations

from docbatch.models import EntityType
from docbatch.pipeline.resolve import entity_key
from tests.unit.entity_support import edges_and_entities


def _names(kind: str, text: str) -> set[str]:
    """The names of the ``kind`` entities of ``text`` run through every text stage."""
    _edges, entities = edges_and_entities(text)
    return {name for found, name in entities if found == kind}


DOCKET = (
    "U.S. District Court\nDistrict of Nevada (Las Vegas)\n"
    "CRIMINAL DOCKET FOR CASE #: 2:19-cr-00112-JAD\n\nUSA v. Roe\n"
    "Date Filed: 06/16/2019\n\n"
    "Defendant (1)\nJohn Roe\trepresented by\tAlice Silver\nLEAD ATTORNEY\n\n"
    "Plaintiff\nUSA\trepresented by\tEdward Chang\nLEAD ATTORNEY\n\n"
)


def test_a_dockets_usa_keeps_its_printed_initials() -> None:
    # A docket's "USA" is named as printed: a gold annotator's "United States" and "United
    # States of America" both list it, while "United States" is neither's other name.
    edges, entities = edges_and_entities(DOCKET)
    assert ("organization", "USA") in entities
    assert ("party_of", "USA", "document:plaintiff") in edges
    assert ("counsel_for", "Edward Chang", "USA") in edges


def test_the_united_states_names_are_one_entity_across_a_project() -> None:
    names = ("USA", "U.S.A.", "United States", "United States of America", "the United States")
    keys = {entity_key(EntityType.ORGANIZATION, name) for name in names}
    assert keys == {"united states"}
    assert entity_key(EntityType.ORGANIZATION, "United States Steel") != "united states"


def test_state_codes_by_initials_take_their_bluebook_names() -> None:
    found = _names(
        "statute",
        "Fees were awarded under N.D.C.C. § 14-09-29(4). See also SDCL 25-4-45; RSA 630:1; "
        "NMSA 1978, § 30-9-11; and 735 Ill. Comp. Stat. 5/2-619.\n",
    )
    assert {
        "N.D. Cent. Code § 14-09-29(4)", "S.D. Codified Laws § 25-4-45",
        "N.H. Rev. Stat. Ann. § 630:1", "N.M. Stat. Ann. § 30-9-11", "735 Ill. Comp. Stat. 5/2-619",
    } <= found  # fmt: skip
    assert not _names("statute", "The key was RSA 2048 bits long, and NMSA 1978 was reprinted.\n")


def test_a_title_with_a_letter_and_a_marylands_article_stay_in_the_code() -> None:
    found = _names(
        "statute",
        "He was charged under Me. Rev. Stat. Ann. tit. 17-A, § 201 and under Md. Code Ann., "
        "Crim. Law § 2-201.\n",
    )
    assert {"Me. Rev. Stat. Ann. tit. 17-A, § 201", "Md. Code Ann., Crim. Law § 2-201"} <= found


def test_a_two_line_state_heading_in_either_order_decides_the_case() -> None:
    north_dakota = (
        "                   IN THE SUPREME COURT\n                   STATE OF NORTH DAKOTA\n\n"
        "                                  2026 ND 156\n\n"
        "Jane Roe,                          Plaintiff and Appellee\n      v.\n"
        "John Roe,                          Defendant and Appellant\n\n"
        "[¶1] John Roe appeals from a divorce judgment.\n"
    )
    minnesota = (
        "                                STATE OF MINNESOTA\n"
        "                                IN COURT OF APPEALS\n"
        "                                      A25-1873\n\n"
        "                                        Acme Bank,\n"
        "                                        Respondent,\n\n"
        "                                             vs.\n\n"
        "                                    John Roe,\n"
        "                                         Appellant.\n\n"
        "In this appeal from a summary judgment, we affirm.\n"
    )
    assert ("decided_by", "document", "N.D.") in edges_and_entities(north_dakota)[0]
    assert ("decided_by", "document", "Minn. Ct. App.") in edges_and_entities(minnesota)[0]


def test_a_name_wrapped_after_its_middle_name_or_before_a_possessive_is_whole() -> None:
    people = _names(
        "person",
        "On May 1, Chapman's attorney, Scott Thomas\nMorro, filed a response to the order.\n"
        "The court notes that Plaintiff Darryl\nHarris's complaint is long.\n"
        "Assigned to Judge William Keith Watkins\nReferred to Judge Susan Walker.\n",
    )
    assert {"Scott Thomas Morro", "Darryl Harris", "William Keith Watkins"} <= people
    assert not {"Scott Thomas", "Darryl", "Keith Watkins Referred"} & people


def test_a_name_between_two_people_of_a_list_is_a_person() -> None:
    people = _names(
        "person",
        "The witnesses were Jerry Holmes, Woody Sanderson, and Jason Wigginton.\n"
        "Xavier Becerra, Attorney General, Gerald Engler, Chief Assistant Attorney General, and "
        "Jane Roe, Deputy Attorney General, for Plaintiff and Respondent.\n",
    )
    assert "Woody Sanderson" in people
    assert not any("Attorney" in name for name in people)


def _counsel(text: str) -> set[tuple[str, str]]:
    edges, _entities = edges_and_entities(text)
    return {(source, target) for kind, source, target in edges if kind == "counsel_for"}


CAPTION = "JEFFREY ROE, Petitioner,\nv.\nBETTY ROE, Respondent.\nNo. 1 CA-SA 26-0121\n"


def test_counsel_labelled_under_a_block_of_one_name_a_line() -> None:
    arizona = (
        f"IN THE\n\nARIZONA COURT OF APPEALS\nDIVISION ONE\n{CAPTION}"
        "The Honorable Paula A. Williams, Judge\nRELIEF GRANTED\nIN PART AND DENIED IN PART\n"
        "COUNSEL\nBabione Law Firm, PLLC, Scottsdale\nBy Laura V. Babione\n"
        "Counsel for Petitioner\nStanley David Murray, Scottsdale\nCounsel for Respondent\n\n"
        "OPINION\n"
    )
    counsel = _counsel(arizona)
    assert {("Babione Law Firm, PLLC", "Jeffrey Roe"), ("Laura V. Babione", "Jeffrey Roe"),
            ("Stanley David Murray", "Betty Roe")} <= counsel  # fmt: skip
    _edges, entities = edges_and_entities(arizona)
    assert not any("\n" in name or "Counsel" in name for _kind, name in entities)
    third_circuit = (
        f"{CAPTION}\nAnthony J. Carissimi\nRobert A. Zauzmer [Argued]\n"
        "Office of United States Attorney\n615 Chestnut Street\nSuite 1250\n"
        "Philadelphia, PA 19106\n       Counsel for Respondent\n\n"
        "Abigail E. Horn [Argued]\nFederal Community Defender Office\n"
        "for the Eastern District of Pennsylvania\n601 Walnut Street\n"
        "The Curtis Center, Suite 540 West\nPhiladelphia, PA 19106\n"
        "        Counsel for Petitioner\n"
    )
    counsel = _counsel(third_circuit)
    assert {("Robert A. Zauzmer", "Betty Roe"), ("Abigail E. Horn", "Jeffrey Roe"),
            ("Federal Community Defender Office for the Eastern District of Pennsylvania",
             "Jeffrey Roe")} <= counsel  # fmt: skip
    assert not any("Curtis" in source or "Chestnut" in source for source, _ in counsel)


def test_a_signature_blocks_names_over_their_email_and_a_wrapped_firm_in_capitals() -> None:
    block = (
        f"{CAPTION}\nSEAN RIORDAN\nsriordan@aclunc.org\nANGÉLICA SALCEDA\nasalceda@aclunc.org\n"
        "AMERICAN CIVIL LIBERTIES\nUNION FOUNDATION OF\nNORTHERN CALIFORNIA\n39 Drumm Street\n"
        "San Francisco, CA 94111\nTelephone: (415) 621-2493\nCounsel for Petitioner\n"
    )
    counsel = {source for source, _target in _counsel(block)}
    aclu = "American Civil Liberties Union Foundation of Northern California"
    assert {"Sean Riordan", "Angélica Salceda", aclu} <= counsel
    assert "Northern California" not in counsel


def test_tribes_and_public_forces_without_a_legal_form_are_organisations() -> None:
    found = _names(
        "organization",
        "Officers of the Utah Highway Patrol stopped him, and the Indiana State Police came.\n"
        "The Oglala Sioux Tribe appeared, as did the Cherokee Nation.\n"
        "Police Officer John Smith arrived.\n",
    )
    assert {"Utah Highway Patrol", "Indiana State Police", "Oglala Sioux Tribe",
            "Cherokee Nation"} <= found  # fmt: skip
    assert not any(name.startswith("Police") for name in found)


def test_an_organisation_broken_over_a_line_keeps_its_head_and_its_first_words() -> None:
    found = _names(
        "organization",
        "It forwarded the tips to the Corpus Christi Police\nDepartment for review. Haiti's "
        "newly designed Gang\nSuppression Force is largely made of soldiers.\n"
        "U.S. Department of Labor\nOffice of the Solicitor\n",
    )
    assert {"Corpus Christi Police Department", "Gang Suppression Force"} <= found
    assert "U.S. Department of Labor Office" not in found


def test_a_page_headers_document_number_is_no_part_of_a_party() -> None:
    found = _names(
        "organization",
        "Burgess v. Greater Cleveland Regional Transit Authority                 Doc. 38\n\n"
        "UNITED STATES DISTRICT COURT\nNORTHERN DISTRICT OF OHIO\n",
    )
    assert "Greater Cleveland Regional Transit Authority" in found
    assert not any("Doc" in name for name in found)


def test_a_filing_on_this_docket_is_no_case_number() -> None:
    _edges, entities = edges_and_entities(
        "This is Case No. 3:25-cv-00330.\n5 ECF No. 101.\n7 ECF Nos. 104, 105, 106.\n"
        "See ECF No.14-1 at 3-4, and Doc. No. 33-2.\n"
    )
    numbers = {name for kind, name in entities if kind == "case_number"}
    assert numbers == {"3:25-cv-00330"}


def test_et_seq_stays_in_the_mentions_text_not_in_the_statutes_name() -> None:
    from bench.pure import text_mentions
    from docbatch.pipeline.options import PipelineOptions

    _extracted, _chunks, mentions = text_mentions(
        b"Claims under 15 U.S.C. \xc2\xa7 1692 et seq. and under \xc2\xa7 1692e fail.\n",
        PipelineOptions(),
    )
    act = next(m for m in mentions if m.text.endswith("et seq."))
    assert act.normalized == "15 U.S.C. § 1692"
    assert act.attributes.get("et_seq") == "true"


def test_a_texas_court_of_appeals_parenthetical_names_the_court_and_no_date() -> None:
    _edges, entities = edges_and_entities(
        "See Roe v. Doe, 123 S.W.3d 456, 460 (Tex. App.\u2014Houston [14th\nDist.] 2018, pet. "
        "denied); Poe v. Moe, No. 04-23-00836-CV, 2026 WL 123 (Tex. App.\u2014San Antonio "
        "Jan. 14, 2026, no pet.) (mem. op.).\n"
    )
    assert ("court", "Tex. App.") in entities
    assert not any(kind == "date" for kind, _name in entities)


def test_a_caption_stacked_one_party_a_line_gives_each_the_role() -> None:
    edges, _entities = edges_and_entities(
        "JOHN ROSE,\n\n                  Plaintiff,\n\n"
        "         v.          Case No. 25-cv-00845-JPG\n\n"
        " CITY OF WEST FRANKFORT,\n TIMOTHY C. ARVIEW, and\n THAD SNELL,\n\n"
        "                  Defendants.\n\n                 MEMORANDUM AND ORDER\n"
    )
    parties = {(source, target) for kind, source, target in edges if kind == "party_of"}
    assert {("City of West Frankfort", "document:defendant"),
            ("Timothy C. Arview", "document:defendant"), ("Thad Snell", "document:defendant"),
            ("John Rose", "document:plaintiff")} <= parties  # fmt: skip


def test_an_id_with_a_paragraph_or_page_points_at_the_record_not_at_a_statute() -> None:
    from bench.pure import text_mentions
    from docbatch.pipeline.options import PipelineOptions

    _extracted, _chunks, mentions = text_mentions(
        "Jurisdiction lies under 28 U.S.C. § 1331. The complaint says so. Id. ¶ 15. See also "
        "Id. at 6. Removal is proper. 28 U.S.C. § 1441(a). Id. § 1446(b).\n".encode(),
        PipelineOptions(),
    )
    statutes = [(m.text, m.normalized) for m in mentions if m.type.value == "statute"]
    assert ("Id. § 1446(b)", "28 U.S.C. § 1446(b)") in statutes
    assert not any(text.startswith(("Id. ¶", "Id. at")) for text, _ in statutes)


def test_a_courts_heading_above_a_caption_is_no_part_of_the_first_party() -> None:
    found = _names(
        "organization",
        "UNITED STATES DISTRICT COURT\nDISTRICT OF MAINE\nALEXANDER M.,\nPlaintiff,\nv.\n"
        "ACME WIDGETS, INC.,\nDefendant.\n",
    )
    assert not any("Court" in name or "Maine" in name for name in found)
