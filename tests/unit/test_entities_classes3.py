"""Error classes of the third blind set (tests/golden/real_blind3), each as a rule test
over a made-up example of the class, end to end (text -> mentions -> entities -> edges)."""

from __future__ import annotations

from tests.unit.entity_support import edges_and_entities as _result

DOCKET = (
    "U.S. District Court\nDistrict of Oregon (Portland)\n"
    "CIVIL DOCKET FOR CASE #: 3:11-cv-00123-ABC\n\n"
    "Northwind Mutual Insurance Company v. Quill et al\nAssigned to: Harold T. Vance\n"
    "Referred to: Magistrate Judge Ida M. Crane\n"
    "Date Filed: 02/14/2011\n\n"
    "Plaintiff\n"
    "Northwind Mutual Insurance Company \trepresented by\tRosalind K. Abernathy\n"
    "Ferris & Quade LLP\n400 SW Main Street\nPortland, OR 97204\n(503) 555-0100\n"
    "Email: rka@example.com\nLEAD ATTORNEY\nATTORNEY TO BE NOTICED\n"
    "Tamsin Oyelaran\n(See above for address)\nPRO HAC VICE\nATTORNEY TO BE NOTICED\n"
    "V.\nDefendant\nOrrin Bartholomew Quill\n"
    "Defendant\nQuill Holdings, Inc. \trepresented by\tDesmond P. Achterberg\n"
    "State of Oregon Office of\nLegal Counsel\n1162 Court Street\nSalem, OR 97301\n"
    "ATTORNEY TO BE NOTICED\n"
    "Defendant\nHarbor Pumps and Supply, LLC.\nTERMINATED: 03/01/2011\n\n"
    "Date Filed\t#\tDocket Text\n"
    "02/14/2011\t1 \tCOMPLAINT against all defendants (Entered: 02/15/2011)\n"
    "02/20/2011\t2 \tSUMMONS served on Harbor Pumps and Supply, LLC on 2/18/11 (Entered: "
    "02/20/2011)\n"
)


def test_a_docket_party_table_gives_parties_their_roles() -> None:
    edges, _ = _result(DOCKET)
    parties = {(s, t) for kind, s, t in edges if kind == "party_of"}
    assert parties == {
        ("Northwind Mutual Insurance Company", "document:plaintiff"),
        ("Orrin Bartholomew Quill", "document:defendant"),
        ("Quill Holdings, Inc.", "document:defendant"),
        ("Harbor Pumps and Supply, LLC.", "document:defendant"),
    }


def test_a_docket_party_table_makes_each_listed_attorney_and_firm_counsel_for_its_party() -> None:
    edges, entities = _result(DOCKET)
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert counsel == {
        ("Rosalind K. Abernathy", "Northwind Mutual Insurance Company"),
        ("Ferris & Quade LLP", "Northwind Mutual Insurance Company"),
        ("Tamsin Oyelaran", "Northwind Mutual Insurance Company"),
        ("Desmond P. Achterberg", "Quill Holdings, Inc."),
    }
    # an office on two lines is one organisation, and not counsel; designations are no one
    assert ("organization", "State of Oregon Office of Legal Counsel") in entities
    assert not any("Attorney" in name for kind, name in entities if kind == "person")


def test_a_docket_party_named_again_in_an_entry_is_the_same_organisation() -> None:
    _, entities = _result(DOCKET)
    organisations = {name for kind, name in entities if kind == "organization"}
    assert "Harbor Pumps and Supply, LLC." in organisations
    assert not any(name.startswith("Supply") for name in organisations)


def test_a_docket_assigned_judge_is_a_judge_of_the_document() -> None:
    edges, _ = _result(DOCKET)
    assert {s for kind, s, _ in edges if kind == "judge_of"} == {"Harold T. Vance", "Ida M. Crane"}


def test_a_caption_with_plaintiff_under_a_name_is_not_a_docket_table() -> None:
    text = "JANE Q. ROE,\nPlaintiff\nZENITH CORP.,\nDefendant\nCOMPLAINT\n"
    edges, _ = _result(text)
    assert not {s for kind, s, _ in edges if kind == "counsel_for"}


STATE_APPEAL = (
    "Tobias R. Wendell, Marta K. Wendell             Supreme Court\n"
    "and Quarry Stone Works, Inc.\n"
    "                                                On Appeal from\n"
    "      v.                                        Lamoille Superior Court\n\n"
    "Osgood Pell                                     May Term, 2009\n\n\n"
    "  Ruth A. Kimball of Kimball & Thorne, Middlebury, for\n"
    "    Plaintiffs-Appellants/ Counterclaim Defendants/Appellants.\n\n"
    "  Harlan J. Voss of Voss, Pratt, Ellery & Chen, Rutland,\n"
    "    for  Defendant-Appellee.\n\n\n"
    "  PRESENT:  Amestoy, C.J., Dooley and Skoglund, JJ.\n\n"
    "       1.  Plaintiffs Tobias R. Wendell and Marta K. Wendell appeal from a judgment\n"
    "  for defendant Osgood Pell, who owns the lot beside theirs.\n"
)


def test_counsel_of_a_firm_and_its_city_for_parties_named_by_several_roles() -> None:
    edges, entities = _result(STATE_APPEAL)
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert counsel == {
        ("Ruth A. Kimball", "Tobias R. Wendell"),
        ("Kimball & Thorne", "Tobias R. Wendell"),
        ("Harlan J. Voss", "Osgood Pell"),
        ("Voss, Pratt, Ellery & Chen", "Osgood Pell"),
    }
    assert ("organization", "Voss, Pratt, Ellery & Chen") in entities


def test_a_full_name_after_a_role_word_in_prose_is_that_party() -> None:
    edges, _ = _result(STATE_APPEAL)
    assert ("party_of", "Osgood Pell", "document:defendant") in edges


def test_a_surname_with_a_capital_inside_is_one_word() -> None:
    _, entities = _result(
        "Plaintiff Danica L. DeWitt sued, and defendant Hugh T. McAllister answered.\n"
    )
    people = {name for kind, name in entities if kind == "person"}
    assert {"Danica L. DeWitt", "Hugh T. McAllister"} <= people
    assert not any(name.endswith((" De", " Mc")) for name in people)


WRIT_OF_ERROR = (
    "141 U.S. 22\n\n"
    "HALLORAN, Collector, et al.\nv.\nBRIGHTWATER et al.\n\n"
    "March 2, 1891.\n\n"
    "Enoch Tull, for plaintiffs in error.\n\n"
    "R. T. Meeker and W. O. Sallis, for defendants in error.\n\n"
    "Mr. Justice GRAYSON, after stating the facts, delivered the opinion of the court.\n\n"
    "The judgment is affirmed.\n"
)


def test_a_writ_of_error_caption_and_its_counsel_for_plaintiff_and_defendant_in_error() -> None:
    edges, _ = _result(WRIT_OF_ERROR)
    parties = {(s, t) for kind, s, t in edges if kind == "party_of"}
    assert parties == {
        ("Halloran", "document:plaintiff in error"),
        ("Brightwater", "document:defendant in error"),
    }
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert counsel == {
        ("Enoch Tull", "Halloran"),
        ("R. T. Meeker", "Brightwater"),
        ("W. O. Sallis", "Brightwater"),
    }


def test_an_old_report_gives_its_author_and_its_date_line() -> None:
    edges, _ = _result(WRIT_OF_ERROR)
    assert {s for kind, s, _ in edges if kind == "judge_of"} == {"Grayson"}
    assert {t for kind, _, t in edges if kind == "filed_on"} == {"1891-03-02"}


def test_counsel_who_argued_the_cause_for_a_side_named_with_its_cross_role() -> None:
    text = (
        "UNITED STATES COURT OF APPEALS\nFOR THE FOURTH CIRCUIT\n\nNo. 98-1234\n\n"
        "      Harbor Lights Supply Co., Inc., et al.,\n\n"
        "                  Appellants/Cross-Appellees\n\n"
        "                          v.\n\n"
        "      Keystone Surety Company,\n\n"
        "                  Appellee/Cross-Appellant\n\n\n"
        "     Dana M. Whitcomb argued the cause and filed the briefs for \n"
        "appellants/cross-appellees.\n\n"
        "     Before:  Ames, Chief Judge, and Boyle, Circuit Judge.\n"
    )
    edges, _ = _result(text)
    assert {(s, t) for kind, s, t in edges if kind == "counsel_for"} == {
        ("Dana M. Whitcomb", "Harbor Lights Supply Co., Inc.")
    }
    assert ("party_of", "Keystone Surety Company", "document:appellee") in edges


def test_a_two_digit_year_and_a_clerks_day_month_year_are_dates() -> None:
    from docbatch.pipeline.entities.dates import find_dates

    text = "served on 12/30/08; EMAIL 3/14/95 bounced; [Filed 31-Aug-2007]; page 1/2 of 3"
    assert [m.normalized for m in find_dates(text)] == ["2008-12-30", "1995-03-14", "2007-08-31"]


def test_a_clerks_filed_stamp_after_a_citation_is_the_filing_date_not_its_parenthetical() -> None:
    text = "Roe v. Doe (2006-266)\n\n2007 VT 95\n\n[Filed 31-Aug-2007]\n\nNo. 2006-266\n"
    edges, _ = _result(text)
    assert {t for kind, _, t in edges if kind == "filed_on"} == {"2007-08-31"}


def test_a_docket_entrys_entered_stamp_is_not_the_filing_date() -> None:
    edges, _ = _result(DOCKET)
    assert {t for kind, _, t in edges if kind == "filed_on"} == {"2011-02-14"}


def test_a_docket_cause_is_its_us_code_section() -> None:
    from docbatch.pipeline.entities.statutes import find_statutes

    text = "Cause: 28:2201 Declaratory Judgment\nCause: 42:1983 Civil Rights Act\nat 10:30 am"
    assert [m.normalized for m in find_statutes(text)] == ["28 U.S.C. § 2201", "42 U.S.C. § 1983"]


def _rules(text: str) -> list[str]:
    from docbatch.pipeline.entities.rules import find_court_rules

    return [m.normalized for m in find_court_rules(text)]


def test_a_states_rules_cited_by_their_initials() -> None:
    text = (
        "under V.R.A.P.\n  40; see V.R.E. 804(b)(4)(C) and V.R.C.P. 26(b)(4); M.R. Civ. P. 56(h)."
    )
    assert _rules(text) == [
        "Vt. R. App. P. 40", "Vt. R. Evid. 804(b)(4)(C)", "Vt. R. Civ. P. 26(b)(4)",
        "Me. R. Civ. P. 56(h)",
    ]  # fmt: skip


def test_a_bare_rule_in_a_document_citing_one_federal_rule_set_is_a_rule_of_that_set() -> None:
    text = (
        "moved under Federal Rule of Civil Procedure 12(b)(1). Under Rule 12(b)(6) and Rule 8, "
        "not Local Rule 7.1, Circuit Rule 3 or Rule 24.035."
    )
    assert _rules(text) == [
        "Fed. R. Civ. P. 12(b)(1)", "Fed. R. Civ. P. 12(b)(6)", "Fed. R. Civ. P. 8",
    ]  # fmt: skip
    assert _rules("Under Rule 12(b)(6) the motion fails.") == []


def test_a_supreme_court_named_alone_in_a_captions_column_decides_the_document() -> None:
    text = (
        "NOTICE: Readers are requested to notify the Reporter of Decisions, Vermont Supreme\n"
        "Court, of any errors.\n\n"
        "  Tobias R. Wendell                        Supreme Court\n\n"
        "      v.                                   On Appeal from\n"
        "                                           Lamoille Superior Court\n"
        "  Osgood Pell\n"
    )
    edges, _ = _result(text)
    assert {t for kind, _, t in edges if kind == "decided_by"} == {"Vt."}


def test_the_honorable_addressee_of_a_letter_opinion_is_no_judge() -> None:
    text = (
        "March 3, 2019\n\nHonorable Priscilla T. Oakes\nMarengo County Probate Judge\n"
        "Post Office Box 480\nLinden, Alabama 36748\n\nDear Judge Oakes:\n\n"
        "This opinion of the Attorney General is issued in response to your request.\n"
    )
    edges, _ = _result(text)
    assert not {s for kind, s, _ in edges if kind == "judge_of"}


def test_a_justice_broken_from_the_title_over_a_line_and_one_who_took_no_part() -> None:
    text = (
        "SUPREME COURT OF THE UNITED STATES\n\n"
        "   LANGLEY, J., delivered the opinion of the Court, in which ORTEGA,\n"
        "C. J., and PRUITT, J., joined. MARSH, J., took no part in the consideration\n"
        "or decision of the case.\n"
    )
    edges, entities = _result(text)
    assert {s for kind, s, _ in edges if kind == "judge_of"} == {"Langley", "Ortega", "Pruitt"}
    assert ("person", "Marsh") in entities  # a justice still, named


def test_a_person_named_by_initials_only_before_the_surname() -> None:
    _, entities = _result(
        "The court let R. T. McAllen, one of the counsel, testify. Stiles v. Hill, 62 Tex. "
        "429, 2 S. W. Rep. 578; see 40 D. C. Code 12.\n"
    )
    people = {name for kind, name in entities if kind == "person"}
    assert "R. T. McAllen" in people
    assert not any(name.startswith(("S. W.", "D. C.")) for name in people)


def test_sections_written_s_and_ss_after_the_us_code() -> None:
    from docbatch.pipeline.entities.statutes import find_statutes

    text = "40 U.S.C. ss 270a-270f (1994); the Act, 40 U.S.C. s 270b, which; 5 U.S.C. so 3"
    assert [m.normalized for m in find_statutes(text)] == [
        "40 U.S.C. §§ 270a-270f", "40 U.S.C. § 270b",
    ]  # fmt: skip


def test_two_days_of_one_month_are_two_dates() -> None:
    from docbatch.pipeline.entities.dates import find_dates

    found = {m.normalized for m in find_dates("a bench trial on April 25 and 26, 1996.")}
    assert found == {"1996-04-25", "1996-04-26"}


def test_opinions_and_dockets_cited_by_number_and_the_date_of_such_a_citation() -> None:
    text = (
        "In 1992 we reversed. OAG 92-73. See State v. Party, No. S-14054, slip op. (Alaska "
        "Oct. 29, 2010). Roe v. Doe, Case No. 1:21-cv-00101 (Filed March 3, 2021).\n"
    )
    _, entities = _result(text)
    assert {n for kind, n in entities if kind == "case_number"} == {
        "OAG 92-73", "S-14054", "1:21-cv-00101",
    }  # fmt: skip
    assert {n for kind, n in entities if kind == "date"} == {"2021-03-03"}


def test_a_treatises_section_is_no_statute() -> None:
    from docbatch.pipeline.entities.statutes import find_statutes

    text = (
        "see 14 R. Powell, Powell on Real Property, § 34.12, at 34-134; Restatement (Second) "
        "of Torts § 158.1; but in violation of § 565.253"
    )
    assert [m.normalized for m in find_statutes(text)] == ["§ 565.253"]


def test_a_further_subsection_written_alone_is_its_own_provision() -> None:
    from docbatch.pipeline.entities.statutes import find_statutes

    text = "law. KRS 117.265(2), (3). See 15 U.S.C. § 78j(b), (c) (2000), and KRS 117.235."
    assert sorted(m.normalized for m in find_statutes(text)) == [
        "15 U.S.C. § 78j(b)", "15 U.S.C. § 78j(c)", "KRS 117.235", "KRS 117.265(2)",
        "KRS 117.265(3)",
    ]  # fmt: skip


def test_for_and_on_behalf_of_label_lines_name_counsel_for_a_role_or_a_named_party() -> None:
    text = (
        "Cite as 29 I&N Dec. 101 (BIA 2023)\nMatter of Ramon Q. ESTRELLA, Respondent\n"
        "Decided May 2, 2023\n"
        "FOR RESPONDENT: Philippa R. Okafor, Esquire, Newark, New Jersey\n"
        "FOR THE DEPARTMENT OF HOMELAND SECURITY: Dmitri L. Varga, Senior Attorney\n"
        "BEFORE: Board Panel: WILSON and GORMAN, Appellate Immigration Judges.\n"
        "The Department of Homeland Security has appealed.\n"
    )
    edges, _ = _result(text)
    assert {(s, t.casefold()) for kind, s, t in edges if kind == "counsel_for"} == {
        ("Philippa R. Okafor", "ramon q. estrella"),
        ("Dmitri L. Varga", "department of homeland security"),
    }


def test_counsel_for_a_named_list_of_parties_after_their_role() -> None:
    text = (
        "UNITED STATES DISTRICT COURT FOR THE MIDDLE DISTRICT OF GEORGIA\n\n"
        "ACME HOLDINGS, INC., Plaintiff,\nv.\nBEACON COUNTY BOARD OF ELECTIONS, et al., "
        "Defendants.\n\n"
        "Lena P. Ortiz, Cole & Vance LLP, Atlanta, GA, for Plaintiff.\n\n"
        "Marcus J. Webb, Georgia Department of Law, Atlanta, GA, for Defendants Beacon County "
        "Board of Elections, Ruth Ames, Harold Dunne.\n\n"
        "Ivy T. Salas, Salas & Kent, PLLC, Macon, GA, for Defendant-Intervenors Georgia "
        "Farm Alliance, Southern Growers League.\n"
    )
    edges, _ = _result(text)
    counsel = {(s, t) for kind, s, t in edges if kind == "counsel_for"}
    assert ("Marcus J. Webb", "Beacon County Board of Elections") in counsel
    assert ("Ivy T. Salas", "Georgia Farm Alliance") in counsel
    assert ("Salas & Kent, PLLC", "Georgia Farm Alliance") in counsel
