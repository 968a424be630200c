"""Error classes that the first four blind sets left open (session 10), each as a rule test
over a made-up example of the class: given names beyond a short list, national bodies
named without a legal form, a firm in an address block, PACER's receipt, state and
federal statutes cited in words or without a mark, political parties."""

from __future__ import annotations

from docbatch.models import EntityType
from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.gazetteer import find_national_bodies
from docbatch.pipeline.entities.names import GIVEN_NAMES
from docbatch.pipeline.entities.parties import find_parties
from docbatch.pipeline.entities.statutes import find_statutes
from tests.unit.entity_support import names_of


def test_given_names_come_from_the_census_lists_less_ordinary_words() -> None:
    assert {"paulette", "murray", "lois", "sergio", "cecil", "josh", "tina"} <= GIVEN_NAMES
    assert len(GIVEN_NAMES) > 2000
    assert not {"will", "grant", "major", "king", "chase", "may", "long"} & GIVEN_NAMES
    text = "The motion was argued by Paulette Ortiz. Will Smith did not appear; Grant Street."
    assert names_of(find_parties(text), EntityType.PERSON) == ["Paulette Ortiz"]


def test_national_bodies_by_name_and_acronym_under_the_documents_own_name() -> None:
    text = (
        "He served in the United States Marine Corps. The Federal Bureau of Prisons (BOP) "
        "holds him; BOP records show it. The Executive Office for Immigration Review and "
        "the American Legion wrote."
    )
    found = find_national_bodies(text)
    assert sorted({m.normalized for m in found}) == [
        "American Legion", "Executive Office for Immigration Review",
        "Federal Bureau of Prisons", "United States Marine Corps",
    ]  # fmt: skip
    assert [m.text for m in found].count("BOP") == 2


def test_an_acronym_is_no_body_in_an_address_a_case_name_or_where_defined_otherwise() -> None:
    text = (
        "Arlington, VA 22202. See FDA v. Acme Corp., 1 U.S. 2 (2001); Doe v. FBI, 3 F.4th 5. "
        "Dependents' Educational Assistance (DEA) is granted; DEA benefits follow."
    )
    assert find_national_bodies(text) == []


def test_a_listed_name_that_begins_a_longer_one_is_left_to_the_longer() -> None:
    text = "American Civil Liberties Union Foundation of Northern California\n"
    assert find_national_bodies(text) == []


def test_the_line_between_a_named_person_and_a_street_address_is_the_firm() -> None:
    text = (
        "Mr. William S. Mattingly\nHarlan Greer\n175 E. Main Street\nLexington, KY 40507\n"
        "Ms. Ann Lowe\nLaw Office\n79 Mall Road\n"
    )
    assert names_of(find_parties(text), EntityType.ORGANIZATION) == ["Harlan Greer"]


def test_pacers_transaction_receipt_names_no_organisation() -> None:
    text = (
        "Plaintiff Acme Corp.\n\nPACER Service Center\nTransaction Receipt\n05/10/2018\n"
        "PACER Login: x Client Code:\nBillable Pages: 3 Cost: 0.30\n"
    )
    assert names_of(find_parties(text), EntityType.ORGANIZATION) == ["Acme Corp."]


def test_a_caption_name_ends_at_a_columns_gap() -> None:
    text = "  Milton Lumber Supply                        On Appeal from\n"
    assert names_of(find_parties(text), EntityType.ORGANIZATION) == ["Milton Lumber Supply"]


def test_bluebook_abbreviations_of_case_names_are_no_persons() -> None:
    text = "Jefferson Cnty. Bd. of Educ. v. Fell held it; Austin et al. appealed."
    assert names_of(find_parties(text), EntityType.PERSON) == []


def test_political_parties_with_their_place_but_not_a_cited_cases_party() -> None:
    text = (
        "The Choctaw County Republican Party and the Republican Party of Ohio qualified. "
        "In State v. Alaska Democratic Party, the court held."
    )
    assert names_of(find_parties(text), EntityType.ORGANIZATION) == [
        "Choctaw County Republican Party", "Republican Party of Ohio"
    ]  # fmt: skip


def test_an_office_named_after_its_holder_is_no_organisation() -> None:
    text = "Counsel, Office of Governor Roy Cooper, and the Office of the Attorney General."
    assert names_of(find_parties(text), EntityType.ORGANIZATION) == [
        "Office of the Attorney General"
    ]  # fmt: skip


def test_statutes_without_a_mark_or_in_words_of_a_state_code() -> None:
    text = (
        "the Act (21 U.S.C. 802) and 28 U.S.C. 1331; section 2C:35-10(a)(1) of the New "
        "Jersey Statutes Annotated; section 12 of the Ohio Revised Statutes; Section 623(a) "
        "of Not-for-Profit Corporation Law and Judiciary Law § 431. Not: 1990 U.S.C. volumes."
    )
    assert sorted(m.normalized for m in find_statutes(text)) == [
        "21 U.S.C. § 802", "28 U.S.C. § 1331", "N.J. Stat. Ann. § 2C:35-10(a)(1)",
        "N.Y. Jud. Law § 431", "N.Y. Not-for-Profit Corp. Law § 623(a)",
        "Ohio Rev. Stat. § 12",
    ]  # fmt: skip


def test_state_courts_named_in_words_take_bluebooksnames_of() -> None:
    text = (
        "Appeal from the Superior Court of the State of Alaska, Fourth Judicial District. "
        "District Court of Appeal of Florida, Fourth District. From the Circuit Court for "
        "the Fifteenth Judicial Circuit, Palm Beach County; see Roe v. State, 868 So. 2d "
        "681 (Fla. 4th DCA 2004); the Texas Court of Criminal Appeals; the Court of Appeal "
        "of the State of California; the Massachusetts Supreme Judicial Court; the Supreme "
        "Court of Appeals of West Virginia; the Superior Court of Pennsylvania."
    )
    assert sorted(m.normalized for m in find_courts(text)) == [
        "Alaska Super. Ct.", "Cal. Ct. App.", "Fla. Dist. Ct. App.", "Fla. Dist. Ct. App.",
        "Mass.", "Pa. Super. Ct.", "Palm Beach Cnty. Cir. Ct.", "Tex. Crim. App.", "W. Va.",
    ]  # fmt: skip
