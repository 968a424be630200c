"""Error classes of the thirteenth blind set (tests/golden/real_blind13: Washington, West
Virginia, Virginia and Nebraska opinions), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.patterns import find_statutes


def test_state_codes_closed_up_and_by_initials_as_written() -> None:
    text = (
        "W. Va.Code § 23-4C-6 (2005); Neb. Rev.Stat. §§ 25-1233 and 29-1917 (Reissue 2008); "
        "RCW 26.09.170(5); N.J.S.A. 2A:14-2."
    )
    assert [m.normalized for m in find_statutes(text)] == [
        "W. Va. Code § 23-4C-6", "Neb. Rev. Stat. § 25-1233", "Neb. Rev. Stat. § 29-1917",
        "RCW 26.09.170(5)", "N.J.S.A. 2A:14-2",
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
