"""Error classes of the seventeenth blind set (tests/golden/real_blind17: a Texas
petition and its federal notice of removal, the first party filings of the blind sets),
each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.courts import find_courts
from docbatch.pipeline.entities.parties import find_parties
from docbatch.pipeline.entities.patterns import find_case_numbers
from docbatch.pipeline.entities.rules import find_court_rules
from docbatch.pipeline.entities.statutes import find_statutes


def _parties(text: str) -> list[tuple[str, str]]:
    return [(m.type.value, m.normalized) for m in find_parties(text)]


def test_streets_and_cities_of_an_address_are_no_people() -> None:
    text = (
        "Acme Holdings, LLC owns 1136 E. Seminary Dr. Fort Worth, Texas 76115, 3316-3328 "
        "Stuart Dr. Fort Worth, Texas 76110, and 4804 Bryant Irvin Ct. Fort Worth, Texas "
        "76107. Its address is 1314 Douglas St., Suite 1400, Omaha, NE 68102. Mary Ann "
        "Jones, Dallas, Texas, signed for it."
    )
    people = [name for kind, name in _parties(text) if kind == "person"]
    assert people == ["Mary Ann Jones"]


def test_a_kind_of_company_is_no_company() -> None:
    text = "Plaintiff, Gyant Holdings, LLC is a Texas Limited Liability Company, duly organized."
    assert _parties(text) == [("organization", "Gyant Holdings, LLC")]


def test_a_trust_named_for_its_settlor_keeps_both() -> None:
    text = (
        "Its members are Jane Givens and the Theron L. Bryant Revocable Trust. Theron L. "
        "Bryant is the sole member of the trust."
    )
    found = _parties(text)
    assert ("organization", "Theron L. Bryant Revocable Trust") in found
    assert ("person", "Theron L. Bryant") in found


def test_a_state_code_named_in_words_takes_its_bluebook_name() -> None:
    def statutes(text: str) -> list[str]:
        return [m.normalized for m in find_statutes(text)]

    assert statutes("under § 541.152(b) of the Texas Insurance Code, the") == [
        "Tex. Ins. Code § 541.152(b)"
    ]
    assert statutes("under Texas Civil Practice and Remedies Code § 15.011 because") == [
        "Tex. Civ. Prac. & Rem. Code § 15.011"
    ]
    assert statutes("Florida Statutes § 90.803 and Ohio Revised Code § 2923.12") == [
        "Fla. Stat. § 90.803", "Ohio Rev. Code § 2923.12",
    ]  # fmt: skip
    # a name the table does not know stays as written
    assert statutes("Texas Parks and Foo Code § 1.2") == ["Texas Parks and Foo Code § 1.2"]


def test_a_section_list_that_repeats_the_mark() -> None:
    statutes = [m.normalized for m in find_statutes("under 28 U.S.C. §1441 and §1446. The")]
    assert statutes == ["28 U.S.C. § 1441", "28 U.S.C. § 1446"]


def test_a_rule_named_before_its_set() -> None:
    text = (
        "under Level 3 of Rule 190 of the Texas Rules of Civil Procedure and Rule 56 of the "
        "Federal Rules of Civil Procedure."
    )
    assert [m.normalized for m in find_court_rules(text)] == [
        "Tex. R. Civ. P. 190", "Fed. R. Civ. P. 56",
    ]  # fmt: skip


def test_a_county_court_after_its_district_or_in_capitals() -> None:
    def courts(text: str) -> list[str]:
        return [m.normalized for m in find_courts(text)]

    assert courts("removed from the 153rd Judicial District Court of Tarrant County, Texas") == [
        "Tarrant Cnty. Dist. Ct."
    ]
    assert courts("IN THE DISTRICT COURT OF TARRANT COUNTY, TEXAS") == ["Tarrant Cnty. Dist. Ct."]
    # a heading in mixed case is no such heading
    assert courts("SUPERIOR COURT of Los Angeles County") == []


def test_case_numbers_of_a_federal_office_and_a_clerks_stamp() -> None:
    def numbers(text: str) -> list[str]:
        return [m.normalized for m in find_case_numbers(text)]

    assert numbers("X Corp v. Media Matters, No. 4:23-01175, 2024 WL 3850454") == ["4:23-01175"]
    stamp = "FILED\nTARRANT COUNTY\n12/11/2024 11:44 AM\nDISTRICT CLERK\n153-360214-24\n\n"
    assert numbers(stamp) == ["153-360214-24"]
    assert numbers("Call 555-1212.\nThe 2019-2020 term\n") == []
