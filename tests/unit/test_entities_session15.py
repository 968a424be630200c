"""Error classes found in session 15 on real filings (organisations read with a building,
a role word or a court), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.bodies import find_public_bodies
from tests.unit.entity_support import edges_and_entities

DOCKET = (
    "U.S. District Court\nDistrict of Hawaii (Honolulu)\n"
    "CRIMINAL DOCKET FOR CASE #: 1:04-cr-00200-DAE\n\nUSA v. Roe\n"
    "Date Filed: 06/16/2004\n\n"
    "Defendant (1)\nJohn Roe\trepresented by\tAlice Silver\n"
    "Office of the Federal Public Defender\nPJKK Federal Building\n300 Ala Moana Blvd\n"
    "Honolulu, HI 96850\nLEAD ATTORNEY\n"
    "Bruce Gadd\nGIBBONS PC\nONE GATEWAY CENTER\nNEWARK, NJ 07102\nATTORNEY TO BE NOTICED\n"
    "Diana Hill\nUTAH COURT OF APPEALS\n450 S STATE 5TH FL\nSALT LAKE CITY, UT 84111\n"
    "ATTORNEY TO BE NOTICED\n\n"
    "Plaintiff\nUSA\trepresented by\tEdward Chang\nOffice of the United States Attorney\n"
    "Prince Kuhio Federal Building\n300 Ala Moana Blvd\nHonolulu, HI 96850\nLEAD ATTORNEY\n\n"
    "Date Filed\t#\tDocket Text\n"
    "05/15/2006\t22\tORDER GRANTING DEFENDANT'S ACME WIDGETS INC. EX PARTE APPLICATION "
    "(Entered: 05/17/2006)\n"
)


def test_a_firm_line_stops_at_a_buildings_line() -> None:
    _edges, entities = edges_and_entities(DOCKET)
    organisations = {name for kind, name in entities if kind == "organization"}
    assert {"Office of the Federal Public Defender", "Office of the United States Attorney",
            "Gibbons PC"} <= organisations  # fmt: skip
    assert not any("Building" in name or "Center" in name for name in organisations)


def test_a_court_on_an_attorneys_firm_line_is_no_organisation() -> None:
    _edges, entities = edges_and_entities(DOCKET)
    organisations = {name.casefold() for kind, name in entities if kind == "organization"}
    assert "utah court of appeals" not in organisations


def test_a_shouted_possessive_role_is_no_part_of_a_company() -> None:
    _edges, entities = edges_and_entities(DOCKET)
    organisations = {name for kind, name in entities if kind == "organization"}
    assert "Acme Widgets Inc." in organisations
    assert not any(name.lower().startswith("defendant") for name in organisations)


def test_amicus_words_and_filed_open_no_organisation() -> None:
    text = (
        "Jane Doe, Washington, D.C., for Amicus Curiae Electronic Frontier Foundation.\n\n"
        'The title became "Hostile Work Environment Lawsuit Filed Against Acme Testing '
        'Laboratories."\n'
    )
    _edges, entities = edges_and_entities(text)
    organisations = {name for kind, name in entities if kind == "organization"}
    assert {"Electronic Frontier Foundation", "Acme Testing Laboratories"} <= organisations
    assert not any(name.split()[0] in ("Amicus", "Filed") for name in organisations)


def test_a_division_named_after_its_court_is_part_of_the_court() -> None:
    text = "Superior Court of New Jersey Chancery Division Family Part Ocean County\n"
    assert [m.text for m in find_public_bodies(text)] == []
    assert [m.text for m in find_public_bodies("the New Jersey Chancery Division")]


def test_a_criminal_dockets_count_codes_with_other_suffix_and_second_sections() -> None:
    text = (
        "CRIMINAL DOCKET FOR CASE #: 1:03-cr-00076-MR-1\n\nPending Counts\tDisposition\n"
        "18:1956-4999.F MONEY LAUNDERING - FRAUD, OTHER\n(2)\tDismissed\n"
        "18:1014.F, 2 - LOAN AND CREDIT APPLICATIONS GENERALLY; aid & abet\n(3)\tGuilty\n"
        "18:982.F, 28:2461(c) - CRIMINAL FORFEITURE\n(4)\tGuilty\n"
        "18:371.F CONSPIRACY TO DEFRAUD THE UNITED STATES\n(1)\tGuilty\n"
    )
    _edges, entities = edges_and_entities(text)
    statutes = {name for kind, name in entities if kind == "statute"}
    assert {"18 U.S.C. \u00a7 1956", "18 U.S.C. \u00a7 1014", "18 U.S.C. \u00a7 2",
            "18 U.S.C. \u00a7 982", "28 U.S.C. \u00a7 2461(c)",
            "18 U.S.C. \u00a7 371"} <= statutes  # fmt: skip
    assert not any(kind == "organization" for kind, _name in entities)  # the offence's words


def test_an_office_line_stops_at_a_courthouse_with_its_room() -> None:
    text = (
        "CRIMINAL DOCKET FOR CASE #: 1:03-cr-00076-MR-1\n\nPlaintiff\n"
        "USA\trepresented by\tPaul B. Taylor AUSA\nUnited States Attorney Office\n"
        "U. S. Courthouse, Room 233\n100 Otis Street\nAsheville, NC 28801\nLEAD ATTORNEY\n\n"
        "Date Filed\t#\tDocket Text\n"
    )
    _edges, entities = edges_and_entities(text)
    organisations = {name for kind, name in entities if kind == "organization"}
    assert "United States Attorney Office" in organisations
    assert not any("Courthouse" in name for name in organisations)


DOUBLE_SPACED = "".join(
    f"{line}\n\n"
    for line in (
        "       PER CURIAM. Mark Roe appeals the district court's denial of his motion to",
        "suppress evidence. As set forth below, we affirm the district court's order denying",
        "his motion. Officers received information from interviews with cooperating",
        "codefendants and other informants as well as from recorded jail calls that",
        "Shaundra Hamilton was traveling to Georgia to obtain large quantities of drugs",
        "for distribution. Based on that information, officers obtained a warrant to",
        "ping the location of her cell phone and conducted surveillance in the area",
        "of her home. Cherokee Nation Sergeant John",
        "Wofford arrived and the dog alerted. The officers then searched the car, as the",
        "court held reasonable suspicion must be judged by the totality of the facts.",
        "See, e.g., United States v. Williams, 68",
        "F.4th 304, 308-09 (6th Cir. 2023). The officers relied on what the informants",
        "told them and on what they saw themselves, which the court found credible and",
        "which we review for clear error. The search was therefore lawful, and the",
        "district court did not err in denying the motion, as we explain in full below",
        "in the rest of this opinion, which considers each argument that the defendant",
        "raises in turn and finds that none of them has merit on this record at all.",
        "We review legal questions de novo. United States v. Hernandez, 847 F.3d",
        "1257, 1263 (10th Cir. 2017). The facts are reviewed in the light most favorable",
        "to the government, and the judgment is affirmed in every respect it was asked",
        "to be reviewed here, for the reasons given by the district court and by us, and",
        "the motion for leave to file a supplemental brief is denied as moot in the end.",
    )
)


def test_a_double_spaced_text_reads_across_its_wrapped_lines() -> None:
    from docbatch.pipeline.entities.spacing import is_double_spaced

    assert is_double_spaced(DOUBLE_SPACED)
    assert not is_double_spaced(DOUBLE_SPACED.replace("\n\n", "\n"))
    _edges, entities = edges_and_entities(DOUBLE_SPACED)
    citations = {name for kind, name in entities if kind == "citation"}
    assert {"68 F.4th 304", "847 F.3d 1257"} <= citations
    people = {name for kind, name in entities if kind == "person"}
    assert "John Wofford" in people
    assert not {"John", "Wofford"} & people


def test_a_given_name_and_surname_on_two_lines_of_prose() -> None:
    text = (
        "In January 2015, the police arrested Roe after Allison\nFeldman was found dead, "
        "and Linda Epperley, Assistant U.S. Attorney, and Sarah\nMcAmis, Assistant U.S. "
        "Attorney, appeared.\n"
    )
    _edges, entities = edges_and_entities(text)
    people = {name for kind, name in entities if kind == "person"}
    assert {"Allison Feldman", "Sarah McAmis"} <= people


NINTH_CIRCUIT = (
    "General Docket\nUnited States Court of Appeals for the Ninth Circuit\n\n"
    "Court of Appeals Docket #: 17-15589\tDocketed: 03/30/2017\n"
    "State of Hawaii, et al v. Donald Trump, et al\n\n"
    "STATE OF HAWAII\nPlaintiff\u00a0-\u00a0Appellee, \t Donna H. Kalama\n"
    "[COR LD NTC Dep State Aty Gen]\nAGHI - OFFICE OF THE HAWAII ATTORNEY GENERAL\n"
    "Firm: 808-568-1180\n425 Queen Street\nHonolulu, HI 96813\n"
    "Neal Kumar Katyal\n[COR LD NTC Retained]\nHogan Lovells US LLP\nFirm: 202-637-5600\n"
    "555 Thirteenth Street, NW\nWashington, DC 20004\n\n"
    "DONALD J. TRUMP, in his official capacity as President of the United States\n"
    "Defendant\u00a0-\u00a0Appellant, \t Hashim M. Mooppan, Attorney\n"
    "Direct: 202-514-3311\n[COR LD NTC Government]\nDOJ - U.S. Department of Justice\n"
    "950 Pennsylvania Avenue, NW\nWashington, DC 20530\n\n"
    "ALI PLAINTIFFS\nTerminated: 04/21/2017\nIntervenor\u00a0-\u00a0Pending, \t Amir Ali, "
    "Attorney\n[COR NTC Retained]\nMacArthur Justice Center\n777 6th Street, NW\n"
    "Washington, DC 20001\n\n"
    "CONSTITUTIONAL LAW SCHOLARS\nAmicus Curiae, \t Jane Q. Roe, Attorney\n"
    "[COR NTC Retained]\nRoe & Doe LLP\n1 Main Street\nBoston, MA 02108\n\n"
    "T. A., a U.S. Citizen of Yemeni Descent\nAmicus Curiae, \t Richard Bernstein, Attorney\n"
    "[COR NTC Retained]\n(see above)\n"
)


def test_a_ninth_circuit_party_table_with_a_comma_after_the_role() -> None:
    edges, entities = edges_and_entities(NINTH_CIRCUIT)
    parties = {(s, t) for kind, s, t in edges if kind == "party_of"}
    assert ("State of Hawaii", "document:appellee") in parties
    assert ("Donald J. Trump", "document:appellant") in parties
    assert ("Ali Plaintiffs", "document:intervenor") in parties
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert ("Donna H. Kalama", "State of Hawaii") in counsel
    assert ("Amir Ali", "Ali Plaintiffs") in counsel
    organisations = {name for kind, name in entities if kind == "organization"}
    assert {"State of Hawaii", "Ali Plaintiffs", "Constitutional Law Scholars"} <= organisations
    people = {name for kind, name in entities if kind == "person"}
    assert "T. A." in people
    assert not any("Yemeni" in name for _kind, name in entities)


def test_a_panel_in_a_docket_entry_and_the_dc_circuit_without_the() -> None:
    text = (
        "General Docket\nUnited States Court of Appeals for District of Columbia Circuit\n\n"
        "Court of Appeals Docket #: 22-8513\tDocketed: 08/12/2022\nIn re: Sealed Case\n\n"
        "10/06/2022\tPER CURIAM ORDER filed dismissing case opening document, No mandate "
        "shall issue., Before Judges: Millett, Rao and Childs. [22-8513]  [Entered: "
        "10/06/2022 12:28 PM]\n"
    )
    edges, entities = edges_and_entities(text)
    judges = {s for kind, s, _t in edges if kind == "judge_of"}
    assert {"Millett", "Rao", "Childs"} <= judges
    assert ("person", "Judges") not in entities
    assert ("court", "D.C. Cir.") in entities


def test_louisianas_revised_statutes_and_its_court_of_appeals_circuit() -> None:
    text = (
        "STATE of Louisiana\nv.\nLeslie KARSTON.\n\nNo. 91-K-1134.\n\n"
        "Court of Appeal of Louisiana, Fourth Circuit.\n\nOctober 15, 1991.\n\n"
        "The defendant was charged with distribution of marijuana, a violation of R.S. "
        "40:966, and of La. R.S. 14:30(A)(1) and LSA-R.S. 15:529.1.\n"
    )
    _edges, entities = edges_and_entities(text)
    statutes = {name for kind, name in entities if kind == "statute"}
    assert {"La. Rev. Stat. \u00a7 40:966", "La. Rev. Stat. \u00a7 14:30(A)(1)",
            "La. Rev. Stat. \u00a7 15:529.1"} <= statutes  # fmt: skip
    assert ("court", "4th Cir.") not in entities
    # elsewhere "R.S." is another state's revised statutes, not Louisiana's
    from docbatch.pipeline.entities.statutes import find_statutes

    assert find_statutes("New Jersey: a violation of R.S. 39:4-50 (Louisiana)") == []


def test_arizona_and_other_court_case_numbers() -> None:
    from docbatch.pipeline.entities.patterns import find_case_numbers

    text = (
        "No. CR-23-0236-PR\nFiled December 17, 2024\n"
        "The Honorable Roy C. Whitehead, Judge\nNo. CR2018-118086-001\n"
        "Court of Appeals, Division One\nNo. 1 CA-CR 19-0123\n"
        "Case in other court:\t\u00a0USCA, 5th Circuit, 10-30767\n"
        "imposed in this court's Case No. 1:12cr45; pay restitution\n"
        "CIVIL DOCKET FOR CASE #: 1:08-cv-00662-KD-C\n"
        "Search Criteria: \t 1:08-cv-00662-KD-C Starting with document: 1\n"
    )
    numbers = {m.normalized for m in find_case_numbers(text)}
    assert {"CR-23-0236-PR", "CR2018-118086-001", "1 CA-CR 19-0123", "10-30767",
            "1:12cr45", "1:08-cv-00662-KD-C"} <= numbers  # fmt: skip
    assert "1:08-cv-00662-KD" not in numbers


def test_a_company_in_one_shouted_word_and_an_offence_after_a_count() -> None:
    text = (
        "U.S. District Court\nSouthern District of Alabama (Mobile)\n"
        "CIVIL DOCKET FOR CASE #: 1:08-cv-00662-KD-C\n\nPittinos v. Provident Life\n\n"
        "Plaintiff\nJohn Pittinos\trepresented by\tJoseph C. Sullivan\nSullivan & Roe LLC\n"
        "1 Main Street\nMobile, AL 36602\nLEAD ATTORNEY\n\nV.\n"
        "Defendant\nUNUM\trepresented by\tHenry T. Morrissette\nHand Arendall LLC\n"
        "P.O. Box 123\nMobile, AL 36601\nLEAD ATTORNEY\n\n"
        "Pending Counts\tDisposition\n"
        "Count 1 18:371 - Conspiracy to Manufacture and Sell Armor-Piercing Ammunition\n\n"
        "Date Filed\t#\tDocket Text\n"
    )
    edges, entities = edges_and_entities(text)
    assert ("organization", "UNUM") in entities or ("organization", "Unum") in entities
    assert not any(kind == "person" and "Unum" in name.title() for kind, name in entities)
    assert not any("Armor" in name for _kind, name in entities)
    counsel = {(s, t.casefold()) for kind, s, t in edges if kind == "counsel_for"}
    assert ("Henry T. Morrissette", "unum") in counsel


def test_people_after_a_rank() -> None:
    text = (
        "Lieutenant William Ford with the sheriff's office stopped the truck, and Special "
        "Agent Jane Bulla arrived; Capt. Omar Reyes waited.\n"
    )
    _edges, entities = edges_and_entities(text)
    people = {name for kind, name in entities if kind == "person"}
    assert {"William Ford", "Jane Bulla", "Omar Reyes"} <= people


def test_arizona_counsel_paragraphs_amici_and_author_line() -> None:
    text = (
        "IN THE\n\nSUPREME COURT OF THE STATE OF ARIZONA\n\nSTATE OF ARIZONA,\nAppellant,\n\n"
        "v.\n\nIAN ROE,\nAppellee.\n\nNo. CR-23-0236-PR\nFiled December 17, 2024\n\n"
        "COUNSEL:\n\n"
        "Rachel H. Mitchell, Maricopa County Attorney, Nick Klingerman (argued),\n"
        "Special Deputy County Attorney, Phoenix, Attorneys for State of\nArizona\n\n"
        "Gary Kula, Maricopa County Public Defender, Phoenix, Attorneys for Ian Roe\n\n"
        "David J. Euchner (argued), Pima County Public Defender\u2019s Office, Grant D.\n"
        "Wille, Ralls, Wille, & Coomer, P.C., Tucson, Attorneys for Amicus Curiae\n"
        "Arizona Attorneys for Criminal Justice\n\n"
        "Jared G. Keenan, Lauren K. Beall, Phoenix, Attorneys for Amici Curiae American Civil\n"
        "Liberties Union of Arizona and American Civil Liberties Union\n\n"
        "CHIEF JUSTICE TIMMER authored the Opinion of the Court, in which\n"
        "VICE CHIEF JUSTICE LOPEZ, JUSTICES BOLICK, BEENE, KING,\n"
        "BRUTINEL (RETIRED), and JUDGE SKLAR joined.\n\n"
        "CHIEF JUSTICE TIMMER, Opinion of the Court:\n\n\u00b61 After police arrested Roe ...\n"
    )
    edges, entities = edges_and_entities(text)
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert {("Rachel H. Mitchell", "State of Arizona"), ("Nick Klingerman", "State of Arizona"),
            ("Gary Kula", "Ian Roe"),
            ("David J. Euchner", "Arizona Attorneys for Criminal Justice"),
            ("Jared G. Keenan", "American Civil Liberties Union of Arizona"),
            ("Jared G. Keenan", "American Civil Liberties Union")} <= counsel  # fmt: skip
    organisations = {name for kind, name in entities if kind == "organization"}
    assert "Ralls, Wille, & Coomer, P.C." in organisations
    assert "Coomer, P.C." not in organisations
    judges = {s for kind, s, _t in edges if kind == "judge_of"}
    assert {"Timmer", "Lopez", "Bolick", "Beene", "King", "Brutinel", "Sklar"} <= judges
    assert not {"Vice", "Chief", "Justices", "Retired"} & judges


def test_ohio_revised_code_and_public_domain_citations() -> None:
    text = (
        "Appellant pleaded guilty to theft, a fifth-degree felony under R.C. 2913.02(A), and "
        "to attempted conveyance, a felony under R.C. 2921.36(A) and 2923.02(A). Our review is "
        "governed by R.C. 2953.08(G)(2). State v. Marcum, 146 Ohio St.3d 516, 2016-Ohio-1002, "
        "59 N.E.3d 1231.\n"
    )
    _edges, entities = edges_and_entities(text)
    statutes = {name for kind, name in entities if kind == "statute"}
    assert {"Ohio Rev. Code Ann. \u00a7 2913.02(A)", "Ohio Rev. Code Ann. \u00a7 2921.36(A)",
            "Ohio Rev. Code Ann. \u00a7 2923.02(A)",
            "Ohio Rev. Code Ann. \u00a7 2953.08(G)(2)"} <= statutes  # fmt: skip
    from docbatch.pipeline.entities.citations import find_citations

    cited = {m.normalized for m in find_citations(text).mentions}
    assert "2016-Ohio-1002" in cited
    assert "2016 Ohio 1002" not in cited


def test_docket_tables_headings_pro_se_addresses_and_entry_names() -> None:
    text = (
        "U.S. Bankruptcy Court\nNorthern District of California (San Francisco)\n"
        "Bankruptcy Petition #: 09-31347\n\n"
        "Debtor\nPlant Insulation Company\nc/o Law Offices of Travis & Pon\n"
        "\trepresented by\tTobias S. Keller\nJones Day\n555 California St.\n"
        "San Francisco, CA 94104\n\n"
        "Responsible Ind\nDavid J. Gordon\n\n"
        "Creditor Committee\nOfficial Committee Of Unsecured Creditors\n"
        "c/o Sheppard Mullin Richter & Hampton LL\nFour Embarcadero Center, 17th Floor\n"
        "San Francisco, CA 94111\n(415) 434-9100\trepresented by\tMichael H. Ahrens\n"
        "Sheppard, Mullin, Richter and Hampton\n4 Embarcadero Center 17th Fl.\n"
        "San Francisco, CA 94111\n\n"
        "Plaintiff\nJhon Lora\trepresented by\tJhon Lora\n"
        "Monroe County Correctional Facility\nSPECIAL MAIL-OPEN ONLY IN PRESENCE OF INMATE\n"
        "4250 Manor Drive\nStroudsburg, PA 18360\nPRO SE\n\n"
        "Date Filed\t#\tDocket Text\n"
        "05/09/2008\t12\tORDER as to Jhon Lora Signed by Judge William A. Knox; hearing at "
        "The William K. Nakamura Courthouse in Seattle. (Entered: 05/09/2008)\n"
    )
    edges, entities = edges_and_entities(text)
    organisations = {name for kind, name in entities if kind == "organization"}
    assert "Sheppard, Mullin, Richter and Hampton" in organisations
    assert not {"Creditor Committee", "Four Embarcadero Center"} & organisations
    assert not any("SPECIAL MAIL" in name.upper() for name in organisations)
    assert "Monroe County Correctional Facility" not in organisations  # a pro se's address
    people = {name for kind, name in entities if kind == "person"}
    assert "David J. Gordon" in people
    assert not {"Pro Se", "Responsible Ind", "William K. Nakamura"} & people
    assert not any(name.startswith("Jhon Lora ") for name in people)
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert ("Sheppard, Mullin, Richter and Hampton", "Official Committee Of Unsecured "
            "Creditors") in counsel or ("Michael H. Ahrens", "Official Committee Of "
            "Unsecured Creditors") in counsel  # fmt: skip


def test_tenth_circuit_counsel_with_a_spaced_hyphen_in_a_double_spaced_slip() -> None:
    lines = [
        "                       UNITED STATES COURT OF APPEALS",
        "                             FOR THE TENTH CIRCUIT",
        "                         _________________________________",
        " UNITED STATES OF AMERICA,",
        "       Plaintiff - Appellee,",
        "v.                                                                No. 19-7043",
        "JACK DEWAYNE ROE,",
        "       Defendant - Appellant.",
        "                       _________________________________",
        "Neil D. Van Dalsem, Assistant Federal Public Defender, (Julia L. O\u2019Connell, Federal",
        "Public Defender, with him on the briefs), Office of the Federal Public Defender,",
        "Muskogee, Oklahoma, for Defendant - Appellant.",
        "Linda A. Epperley, Assistant U.S. Attorney, Muskogee, Oklahoma, for",
        "Plaintiff -Appellee.",
        "                       _________________________________",
        "Before HARTZ, EBEL, and MATHESON, Circuit Judges.",
        "                  _________________________________",
    ]
    body = DOUBLE_SPACED.split("\n\n")
    text = "\n\n".join(lines + body)
    edges, _entities = edges_and_entities(text)
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert ("Neil D. Van Dalsem", "Jack Dewayne Roe") in counsel
    assert ("Julia L. O\u2019Connell", "Jack Dewayne Roe") in counsel
    assert ("Linda A. Epperley", "United States of America") in counsel


def test_ohio_heading_and_counsel_paragraphs_ending_with_the_role() -> None:
    text = (
        "[Cite as State v. Roe, 2016-Ohio-8517.]\n\n\n"
        "                                   IN THE COURT OF APPEALS\n\n"
        "                               ELEVENTH APPELLATE DISTRICT\n\n"
        "                                        LAKE COUNTY, OHIO\n\n\n"
        "STATE OF OHIO,                                   :       OPINION\n\n"
        "                 Plaintiff-Appellee,             :\n"
        "                                                         CASE NO. 2016-L-048\n"
        "        - vs -                                   :\n\n"
        "ANTHONY R. ROE,                                  :\n\n"
        "                 Defendant-Appellant.            :\n\n\n"
        "Judgment: Affirmed.\n\n\n"
        "Charles E. Coulson, Lake County Prosecutor, and Teri R. Daniel, Assistant Prosecutor,\n"
        "105 Main Street, P.O. Box 490, Painesville, OH\n44077 (For Plaintiff-Appellee).\n\n"
        "Charles R. Grieshammer, Lake County Public Defender, and Vanessa R. Clapp,\n"
        "Assistant Public Defender, 125 East Erie Street, Painesville, OH 44077 (For\n"
        "Defendant-Appellant).\n\n\n"
        "THOMAS R. WRIGHT, J.\n"
    )
    edges, entities = edges_and_entities(text)
    assert ("court", "Ohio Ct. App.") in entities
    assert ("decided_by", "document", "Ohio Ct. App.") in edges
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert {("Charles E. Coulson", "State of Ohio"), ("Teri R. Daniel", "State of Ohio"),
            ("Vanessa R. Clapp", "Anthony R. Roe")} <= counsel  # fmt: skip


def test_bankruptcy_and_pennsylvania_rules_and_case_numbers() -> None:
    from docbatch.pipeline.entities.patterns import find_case_numbers
    from docbatch.pipeline.entities.rules import find_court_rules

    text = (
        "Motion Pursuant to Bankruptcy Rules 4001(b) and 4001(c) filed by Debtor. Disclosure "
        "of Compensation Pursuant to FBR 2016(b). The appellant complied with Pa.R.A.P. 1925.\n"
    )
    rules = {m.normalized for m in find_court_rules(text)}
    assert {"Fed. R. Bankr. P. 4001(b)", "Fed. R. Bankr. P. 4001(c)",
            "Fed. R. Bankr. P. 2016(b)", "Pa. R.A.P. 1925"} <= rules  # fmt: skip
    numbers = {
        m.normalized
        for m in find_case_numbers(
            "Bankruptcy Petition #: 8-09-78584-ast\nCriminal Division at No: "
            "CP-67-CR-0005812-2022\nDistrict Judge. (5:17\u2013cr\u201300174\u2013D\u20131)\n"
        )
    }
    assert {"8-09-78584-ast", "CP-67-CR-0005812-2022", "5:17-cr-00174-D-1"} <= numbers


def test_a_count_with_its_sections_in_brackets_and_docket_words_that_name_nobody() -> None:
    text = (
        "U.S. District Court\nEastern District of California (Fresno)\n"
        "CRIMINAL DOCKET FOR CASE #: 1:02-cr-05210-REC-1\n\nUSA v. Roe\n\n"
        "Defendant (1)\nPouriya Roe\trepresented by\tCarl Faller\nFaller Law Firm\n"
        "100 Quentin Roosevelt Boulevard\nGarden City, NY 11530\nLEAD ATTORNEY\n\n"
        "Pending Counts\tDisposition\n"
        "18:513A.F (18:513(a) and 2 -UTTERING AND POSSESSING COUNTERFEIT SECURITY\n\n"
        "Date Filed\t#\tDocket Text\n"
        "03/15/2004\t20\tMINUTES before Senior Judge Coyle RE: 3/15/04 Hrg; ORDER for "
        "Plaintiff Release of passport. (Entered: 03/16/2004)\n"
    )
    _edges, entities = edges_and_entities(text)
    statutes = {name for kind, name in entities if kind == "statute"}
    assert {"18 U.S.C. \u00a7 513(a)", "18 U.S.C. \u00a7 2"} <= statutes
    people = {name for kind, name in entities if kind == "person"}
    assert not {"Coyle Re", "Release", "Quentin Roosevelt Boulevard"} & people


def test_subsections_listed_after_a_provision_at_their_own_level() -> None:
    from docbatch.pipeline.entities.statutes import find_statutes

    text = (
        "in violation of 18 U.S.C. \u00a7 2252(a)(2) and (b)(1), 21 U.S.C. \u00a7 841(a)(1) & "
        "(b)(1)(A), murder, N.J.S.A. 2C:11-3(a)(1) and (2); KRS 117.265(2), (3); under 35 P.S. "
        "\u00a7 780-113(a)(30). A section broken by a page: 35 P.S. \u00a7 780-\nJ-E03003-25\n\n"
        "113(a)(30).\n"
    )
    statutes = [m.normalized for m in find_statutes(text)]
    assert {"18 U.S.C. \u00a7 2252(b)(1)", "21 U.S.C. \u00a7 841(b)(1)(A)",
            "N.J. Stat. Ann. \u00a7 2C:11-3(a)(1)", "N.J. Stat. Ann. \u00a7 2C:11-3(a)(2)",
            "KRS 117.265(3)",
            "35 Pa. Stat. Ann. \u00a7 780-113(a)(30)"} <= set(statutes)  # fmt: skip
    assert "35 Pa. Stat. Ann. \u00a7 780" not in statutes


def test_rule_lists_places_buildings_and_a_claims_registers_heading() -> None:
    from docbatch.pipeline.entities.patterns import find_case_numbers
    from docbatch.pipeline.entities.rules import find_court_rules

    rules = {m.normalized for m in find_court_rules("the requirements of Pa.R.E. 401, 402, "
                                                     "403, and 901.")}  # fmt: skip
    assert rules == {"Pa. R.E. 401", "Pa. R.E. 402", "Pa. R.E. 403", "Pa. R.E. 901"}
    listed = "Case Number: 14-35284-tmb7\n(District Court Criminal No. 2-18-cr-00571-001)\n"
    numbers = {m.normalized for m in find_case_numbers(listed)}
    assert numbers == {"14-35284-tmb7", "2-18-cr-00571-001"}
    register = (
        "Query\nReports\n\nDistrict of Oregon\nClaims Register\n\n"
        "14-35284-tmb7 Albina Community Bancorp Closed 11/14/2018\n\n"
        "Judge: Trish M Brown\tChapter:  7\nOffice:  Portland\n"
    )
    edges, entities = edges_and_entities(register)
    assert ("court", "Bankr. D. Or.") in entities
    assert ("decided_by", "document", "Bankr. D. Or.") in edges
    assert ("judge_of", "Trish M Brown", "document") in edges
    prose = (
        "They searched a home in Scott Township, Lackawanna County. Records went to The "
        "Curtis Center, Suite 540 West, and to The Trump Organization.\n"
    )
    _edges, entities = edges_and_entities(prose)
    people = {name for kind, name in entities if kind == "person"}
    organisations = {name for kind, name in entities if kind == "organization"}
    assert "Scott Township" not in people
    assert "Curtis Center" not in organisations
    assert "Trump Organization" in organisations or "The Trump Organization" in organisations


def test_docket_entry_verbs_office_tags_and_the_treasury_receipt() -> None:
    text = (
        "U.S. Bankruptcy Court\nCentral District of California (Riverside)\n"
        "Bankruptcy Petition #: 6:09-bk-13029-RN\n\n"
        "Debtor\nJohn Roe\trepresented by\tGregory J Doan\nDoan Law Firm\n"
        "2850 Pio Pico Dr\nCarlsbad, CA 92008\n\n"
        "U.S. Trustee\nUnited States Trustee (RS)\n3685 Main Street, Suite 300\n"
        "Riverside, CA 92501\n\n"
        "Filing Date\t#\tDocket Text\n"
        "02/20/2009\t1\tChapter 7 Voluntary Petition. Fee amount 299.00. (U.S. Treasury) "
        "(Entered: 02/20/2009)\n"
        "03/01/2009\t2\tOrder Thereon by Judge John A. Houston Rejecting Document. Removing "
        "Andrew L. Liao as attorney. (Entered: 03/01/2009)\n"
    )
    edges, entities = edges_and_entities(text)
    organisations = {name for kind, name in entities if kind == "organization"}
    assert "United States Trustee" in organisations
    assert organisations & {"U.S. Treasury", "United States Department of the Treasury"}
    assert ("party_of", "United States Trustee", "document:u.s. trustee") in edges
    people = {name for kind, name in entities if kind == "person"}
    assert {"John A. Houston", "Andrew L. Liao"} <= people
    assert not any("Rejecting" in name or "Removing" in name for name in people)
