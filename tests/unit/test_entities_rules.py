"""Rule-based finders, one entity type at a time."""

from __future__ import annotations

import pytest

from docbatch.models import EntityType
from docbatch.pipeline.entities import DefaultExtractor
from docbatch.pipeline.entities.courts import canonical_court, find_courts
from docbatch.pipeline.entities.dates import find_dates
from docbatch.pipeline.entities.money import find_money
from docbatch.pipeline.entities.names import display_name
from docbatch.pipeline.entities.parties import find_parties
from docbatch.pipeline.entities.patterns import find_case_numbers
from docbatch.pipeline.entities.rules import find_court_rules
from docbatch.pipeline.entities.statutes import find_regulations, find_statutes


def _values(mentions: list) -> list[tuple[str, str]]:
    return [(m.text, m.normalized) for m in mentions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(S.D.N.Y. 2003)", "S.D.N.Y."),
        ("(9th Cir. 2001)", "9th Cir."),
        ("the 2d Cir. held", "2d Cir."),
        ("(N.D. Cal. 2020)", "N.D. Cal."),
        ("(D. Del. 2019)", "D. Del."),
        ("(D.N.J. 2018)", "D.N.J."),
        ("(3rd Cir. 2004)", "3d Cir."),
        ("The Second Circuit has held", "2d Cir."),
        ("UNITED STATES DISTRICT COURT\nSOUTHERN DISTRICT OF NEW YORK", "S.D.N.Y."),
        ("United States District Court for the District of Delaware", "D. Del."),
        ("Court of Appeals for the D.C. Circuit", "D.C. Cir."),
    ],
)
def test_courts_normalise_to_bluebook(text: str, expected: str) -> None:
    assert [m.normalized for m in find_courts(text)] == [expected]


def test_court_ids_come_from_courts_db() -> None:
    ids = {m.normalized: m.attributes.get("court_id") for m in find_courts("S.D.N.Y.; 2d Cir.")}
    assert ids == {"S.D.N.Y.": "nysd", "2d Cir.": "ca2"}
    assert canonical_court("not a court") is None
    assert find_courts("Id. at 5; Fed. R. Civ. P. 12; Mr. D. Smith") == []


def test_case_numbers() -> None:
    text = (
        "Case No. 1:23-cv-04567-JMF; No. 21-1234; Civil Action No. 3:19-cv-00123; "
        "Docket No. 12345 filed; Pub. L. No. 111-203; see 2:20-cr-00012-ABC."
    )
    assert [m.normalized for m in find_case_numbers(text)] == [
        "1:23-cv-04567-JMF", "21-1234", "3:19-cv-00123", "12345", "2:20-cr-00012-ABC",
    ]  # fmt: skip


def test_court_rules() -> None:
    text = (
        "Fed. R. Civ. P. 12(b)(6). Fed. R. Evid. 702; Fed. R. App. P. 4(a)(1), Fed. R. Crim. "
        "P. 11 and Federal Rule of Civil Procedure 56(a)."
    )
    assert [m.normalized for m in find_court_rules(text)] == [
        "Fed. R. Civ. P. 12(b)(6)", "Fed. R. Evid. 702", "Fed. R. App. P. 4(a)(1)",
        "Fed. R. Crim. P. 11", "Fed. R. Civ. P. 56(a)",
    ]  # fmt: skip


def test_regulations_keep_the_full_section() -> None:
    text = "Rule 10b-5, 17 C.F.R. § 240.10b-5(b); 40 C.F.R. pt. 60; 88 Fed. Reg. 1234."
    assert _values(find_regulations(text)) == [
        ("17 C.F.R. § 240.10b-5(b)", "17 C.F.R. § 240.10b-5(b)"),
        ("40 C.F.R. pt. 60", "40 C.F.R. pt. 60"),
        ("88 Fed. Reg. 1234", "88 Fed. Reg. 1234"),
    ]


def test_statutes_keep_subsections_and_split_lists() -> None:
    text = (
        "15 U.S.C. § 78j(b), 42 U.S.C. §§ 1981, 1983 et seq.; 28 U.S.C. § 1331, "
        "28 U.S.C.  §  1332(a)(1). Cal. Civ. Code § 1542; N.Y. Gen. Bus. Law § 349(a)."
    )
    assert [m.normalized for m in find_statutes(text)] == [
        "15 U.S.C. § 78j(b)", "42 U.S.C. § 1981", "42 U.S.C. § 1983", "28 U.S.C. § 1331",
        "28 U.S.C. § 1332(a)(1)", "Cal. Civ. Code § 1542", "N.Y. Gen. Bus. Law § 349(a)",
    ]  # fmt: skip


def test_listed_sections_are_one_provision_each_and_no_bare_state_section() -> None:
    text = "38 U.S.C. §§ 1155, 5107(b); 38 C.F.R. §§ 3.102, 4.1-4.10, 4.130, Diagnostic Code"
    assert [m.normalized for m in find_statutes(text)] == [
        "38 U.S.C. § 1155", "38 U.S.C. § 5107(b)",
    ]  # fmt: skip
    found = find_regulations(text)
    assert [m.normalized for m in found] == [
        "38 C.F.R. § 3.102", "38 C.F.R. § 4.1-4.10", "38 C.F.R. § 4.130",
    ]  # fmt: skip
    assert [text[m.start : m.end] for m in found] == ["38 C.F.R. §§ 3.102", "4.1-4.10", "4.130"]
    assert [m.normalized for m in find_statutes("42 U.S.C. §§ 2000cc-2000cc-5.")] == [
        "42 U.S.C. §§ 2000cc-2000cc-5"
    ]


STATE_CODES = [
    ("N.C.G.S. § 7A-31(c)", "N.C.G.S. § 7A-31(c)"),
    ("G.S. § 7A-27(b)", "G.S. § 7A-27(b)"),
    ("G.S. 7A-31", "G.S. 7A-31"),
    ("N.C. Gen. Stat. § 1A-1", "N.C. Gen. Stat. § 1A-1"),
    ("Cal. Bus. & Prof. Code § 17200 et seq.", "Cal. Bus. & Prof. Code § 17200"),
    ("Cal. Code Civ. Proc. § 340", "Cal. Code Civ. Proc. § 340"),
    ("N.Y. Penal Law § 120.05", "N.Y. Penal Law § 120.05"),
    ("N.Y. C.P.L.R. 3211(a)(7)", "N.Y. C.P.L.R. 3211(a)(7)"),
    ("Tex. Civ. Prac. & Rem. Code Ann. § 16.003", "Tex. Civ. Prac. & Rem. Code Ann. § 16.003"),
    ("Tex. Ins. Code Ann. § 541.060(a)(1)", "Tex. Ins. Code Ann. § 541.060(a)(1)"),
    ("Texas Insurance Code § 4001.003(1)", "Tex. Ins. Code § 4001.003(1)"),
    ("Fla. Stat. § 768.79", "Fla. Stat. § 768.79"),
    ("Fla. Stat. Ann. § 95.11(3)", "Fla. Stat. Ann. § 95.11(3)"),
    ("Florida Statutes § 768.79", "Fla. Stat. § 768.79"),
    ("Mass. Gen. Laws ch. 93A, § 9", "Mass. Gen. Laws ch. 93A, § 9"),
    ("Section 537.065, RSMo 2016", "RSMo § 537.065"),
    ("N.J.S.A. 2A:14-2", "N.J. Stat. Ann. \u00a7 2A:14-2"),  # New Jersey's in Bluebook form
    ("O.C.G.A. § 9-11-12", "O.C.G.A. § 9-11-12"),
    ("735 ILCS 5/2-619", "735 ILCS 5/2-619"),  # Illinois writes no "§"
    ("42 Pa. C.S. § 5524", "42 Pa. C.S. § 5524"),
    ("Del. Code Ann. tit. 10, § 8106", "Del. Code Ann. tit. 10, § 8106"),
    ("RCW 4.16.080", "RCW 4.16.080"),
]


@pytest.mark.parametrize(("phrase", "normalized"), STATE_CODES)
def test_state_code_sections_are_statutes(phrase: str, normalized: str) -> None:
    text = f"The claim arises under {phrase}; the court agreed."
    [mention] = find_statutes(text)
    assert (mention.text, mention.normalized) == (phrase, normalized)


def test_north_carolina_review_statute_is_found_every_time() -> None:
    # A real N.C. opinion cites "N.C.G.S. § 7A-31" 37 times; none used to be found.
    sentence = "Discretionary review was allowed under N.C.G.S. § 7A-31 on 5 May 2021. "
    mentions = DefaultExtractor(use_hyperscan=False).extract(sentence * 37)
    statutes = [m for m in mentions if m.type is EntityType.STATUTE]
    assert [m.normalized for m in statutes] == ["N.C.G.S. § 7A-31"] * 37
    assert not [m for m in mentions if m.type in (EntityType.PERSON, EntityType.ORGANIZATION)]


def test_code_words_without_a_section_are_no_statute() -> None:
    text = "G.S. 1990 was a good year; the Texas Insurance Code preempts nothing; § 1983."
    assert find_statutes(text) == []


def test_a_state_section_alone_is_a_statute_but_not_a_regulation() -> None:
    text = "invasion of privacy in violation of § 565.253; see 17 C.F.R. § 240.10b-5."
    assert [m.normalized for m in find_statutes(text)] == ["§ 565.253"]


def test_a_state_opinion_cites_its_own_rules_by_number() -> None:
    opinion = "In the Missouri Court of Appeals\nEastern District\nher Rule 24.035 motion"
    assert [m.normalized for m in find_court_rules(opinion)] == ["Mo. Sup. Ct. R. 24.035"]
    federal = "United States Court of Appeals\nFor the Seventh Circuit\nher Rule 24.035 motion"
    assert find_court_rules(federal) == []


def test_dates_in_every_spelling() -> None:
    text = (
        "March 14, 2023; 14 March 2023; 2023-03-14; 03/14/2023; Mar. 14, 2023; "
        "the 1st day of June, 2021; Sept. 3 2020."
    )
    assert [m.normalized for m in find_dates(text)] == [
        "2023-03-14", "2023-03-14", "2023-03-14", "2023-03-14", "2023-03-14", "2021-06-01",
        "2020-09-03",
    ]  # fmt: skip


def test_years_reporters_and_invalid_days_are_not_dates() -> None:
    text = "550 U.S. 544, 570 (2007); February 30, 2023; you may 3, 2020; 2001 WL 12345."
    assert find_dates(text) == []


def test_money_normalises_currency_and_scale() -> None:
    text = "$1,250,000.00, USD 3.5 million, $2.5 billion, €10,000, £5m and 5,000 dollars"
    assert [(m.normalized, m.attributes["currency"]) for m in find_money(text)] == [
        ("USD 1250000.00", "USD"), ("USD 3500000.00", "USD"), ("USD 2500000000.00", "USD"),
        ("EUR 10000.00", "EUR"), ("GBP 5000000.00", "GBP"), ("USD 5000.00", "USD"),
    ]  # fmt: skip
    assert find_money("5 million people, 10m away") == []


def test_caption_names_are_title_cased() -> None:
    assert display_name("ACME HOLDINGS, INC.") == "Acme Holdings, Inc."
    assert display_name("JOHN R. SMITH") == "John R. Smith"
    assert display_name("BANK OF THE WEST, N.A.") == "Bank of the West, N.A."
    assert display_name("MARY O'BRIEN-SMITH") == "Mary O'Brien-Smith"
    assert display_name("Blue  River Capital LLC") == "Blue River Capital LLC"


def test_parties_from_cues_titles_and_suffixes() -> None:
    text = (
        "Plaintiff Harbor Trust Bank, N.A. sued Defendant Alice Baker. Judge Owens agreed "
        "with Ms. Carla Diaz. The Court notes that Pioneer Patel Ltd. and Emily Stone "
        "attended. Rule 12 applies in the Second Circuit."
    )
    found = {(m.normalized, m.type.value, m.attributes.get("role")) for m in find_parties(text)}
    assert found == {
        ("Harbor Trust Bank, N.A.", "organization", "plaintiff"),
        ("Alice Baker", "person", "defendant"),
        ("Owens", "person", None),
        ("Carla Diaz", "person", None),
        ("Pioneer Patel Ltd.", "organization", None),
        ("Emily Stone", "person", None),
    }


def test_case_names_are_not_parties() -> None:
    text = "See Bell Atlantic Corp. v. Twombly, 550 U.S. 544 (2007)."
    start = text.index("Bell")
    assert find_parties(text, [(start, text.index("550"))]) == []


def test_confidence_reflects_evidence() -> None:
    text = "Defendant John R. Smith met Jane Q. Public and David Evans."
    confidence = {m.normalized: m.confidence for m in find_parties(text)}
    assert confidence["John R. Smith"] > confidence["Jane Q. Public"] > confidence["David Evans"]


def test_surname_alone_refers_back_to_the_full_name() -> None:
    text = "Defendant John R. Smith moved. Smith v. Jones is different. Later Smith paid."
    aliases = [m for m in find_parties(text) if m.attributes.get("alias_of")]
    assert [(m.text, m.normalized) for m in aliases] == [("Smith", "John R. Smith")]
    assert aliases[0].start == text.rindex("Smith")


def _parties(text: str) -> set[tuple[str, str]]:
    """(normalized, type) of the people and organisations, surname aliases left out."""
    return {
        (m.normalized, m.type.value) for m in find_parties(text) if not m.attributes.get("alias_of")
    }


def test_saint_inside_a_surname() -> None:
    text = (
        "No. 21-50498\nVanessa St. Pierre,\nPlaintiff\u2014Appellant,\nversus\nLater "
        "St. Pierre argued, and Ms. St. Pierre answered. St. Albans Union Church joined."
    )
    found = find_parties(text)
    assert [(m.text, m.normalized, m.attributes.get("role")) for m in found] == [
        ("Vanessa St. Pierre", "Vanessa St. Pierre", "plaintiff"),
        ("St. Pierre", "Vanessa St. Pierre", None),
        ("St. Pierre", "Vanessa St. Pierre", None),
        ("St. Albans Union Church", "St. Albans Union Church", None),
    ]


def test_institutions_named_after_people_are_not_people() -> None:
    text = (
        "Stephen M. Crampton and Thomas More Society on brief for Emmanuel Bible Baptist "
        "Church, Grace Community Chapel.\nUnited States Court of Appeals\nFor the Eighth "
        "Circuit\nThomas F. Eagleton Courthouse\n111 South 10th Street"
    )
    found = _parties(text)
    assert ("Stephen M. Crampton", "person") in found
    assert ("Thomas More Society", "organization") in found
    people = {name for name, kind in found if kind == "person"}
    assert people == {"Stephen M. Crampton"}


def test_roles_teams_and_forms_are_not_people() -> None:
    text = (
        "The Leadership Team met. Plaintiffs filed Profile Forms. The Staff Judge Advocate "
        "advised the commander."
    )
    assert {name for name, kind in _parties(text) if kind == "person"} == set()


def test_a_code_named_after_a_state_is_no_organisation() -> None:
    text = (
        "St. Pierre argued that it violated the Texas Insurance Code and the Deceptive "
        "Trade Practices Act, and the Investment Company Act of 1940. Here, the Complaint "
        "to Confirm Rescission of Insurance Policies was filed."
    )
    assert {name for name, kind in _parties(text) if kind == "organization"} == set()


def test_organisation_names_with_initials_commas_and_numbers() -> None:
    text = (
        "Plaintiff C. R. Bard, Inc. moved. Counsel: Grace, Tisdale & Clifton, P.A.\n"
        "1 Gift Surplus, LLC operates stores. Franz Hardy and Christine M. Kroupa of Gordon "
        "Rees Scully Mansukhani, LLP appeared."
    )
    organisations = {name for name, kind in _parties(text) if kind == "organization"}
    assert organisations == {
        "C. R. Bard, Inc.",
        "Grace, Tisdale & Clifton, P.A.",
        "Gift Surplus, LLC",
        "Gordon Rees Scully Mansukhani, LLP",
    }


def test_a_caption_name_broken_over_lines_is_read_whole_not_as_its_last_line() -> None:
    text = (
        "Standard Insurance Company; Dearborn National Life \nInsurance Company,\n"
        "Defendants\u2014Appellees.\nthe Texas Insurance \nCode applies."
    )
    organisations = {name for name, kind in _parties(text) if kind == "organization"}
    assert organisations == {
        "Standard Insurance Company",
        "Dearborn National Life Insurance Company",
    }


def test_firm_names_go_on_after_a_line_break_and_heads_end_names() -> None:
    text = (
        "Counsel: Kilpatrick Townsend & \nStockton LLP, for amici. The National Council of "
        "the Churches of Christ in the USA and Calvary Chapel of Bangor filed briefs."
    )
    organisations = {name for name, kind in _parties(text) if kind == "organization"}
    assert organisations == {"Kilpatrick Townsend & Stockton LLP", "Calvary Chapel of Bangor"}


def test_a_body_defined_with_its_acronym_is_an_organisation() -> None:
    text = (
        "The Naval Discharge Review Board (NDRB) and the Board for Correction of Naval "
        "Records (BCNR) applied the Post-Traumatic Stress Disorder (PTSD) guidance."
    )
    names = [m.normalized for m in find_parties(text) if m.type is EntityType.ORGANIZATION]
    assert "Naval Discharge Review Board" in names
    assert "Board for Correction of Naval Records" in names
    assert not any("Stress" in name for name in names)


def test_compact_dates_only_in_labelled_fields() -> None:
    text = (
        "Date of Discharge:  20070817\tHighest Rank/Rate:  Sgt\n"
        "Active:\t 20011206 - 20061004\n"
        "- 20070516:\tArticle 92\n"
        "Invoice 20070817 was paid; account 20071399.\n"
    )
    assert [m.normalized for m in find_dates(text)] == [
        "2007-08-17", "2001-12-06", "2006-10-04", "2007-05-16",
    ]  # fmt: skip


def test_a_government_given_a_defined_term_is_an_organisation() -> None:
    text = "In June 2009, the City of El Paso (the \u201cCity\u201d) solicited offers."
    names = [m.normalized for m in find_parties(text) if m.type is EntityType.ORGANIZATION]
    assert names == ["City of El Paso"]
