"""Error classes of the twenty-ninth blind set (tests/golden/real_blind29: OCR'd Illinois
reports of 1819 and 1887), each as a rule test over a made-up example."""

from __future__ import annotations

from docbatch.pipeline.entities.appearances import find_appearances
from docbatch.pipeline.entities.captions import caption_parties
from docbatch.pipeline.entities.dates import find_dates

KIRK = (
    "The Home Assurance Company of New York v. John Kirke, for use of William Kirke.\n"
    "[Opinion filed May 27, 1887.]\nMr. Walter Bennet, for appellant.\n"
    "Messrs. J. A. Bieler and Barnes & Barnes, for appellee.\n"
    "Appeal from the Circuit Court of Woodford County.\n"
    "Judgment was entered on December 11,1886, for the plaintiff.\n"
)


def test_an_old_reports_title_on_one_line_with_its_use_plaintiff_and_courtesy_titles() -> None:
    found = {(m.normalized, m.attributes["role"]) for m in caption_parties(KIRK)}
    assert found == {("Home Assurance Company of New York", "appellant"),
                     ("John Kirke", "appellee")}  # fmt: skip
    appearances = [(a.role, [m.normalized for m in a.counsel]) for a in find_appearances(KIRK)]
    assert appearances == [("appellant", ["Walter Bennet"]),
                           ("appellee", ["J. A. Bieler", "Barnes & Barnes"])]  # fmt: skip
    # a title whose side holds a capacity after a comma is no title of this shape
    assert caption_parties("P. A. Miflen v. James F. Stalk, Adm'r, &c., of R. N. Foote.\n") == []


def test_a_date_whose_comma_lost_its_space() -> None:
    assert [m.normalized for m in find_dates(KIRK)] == ["1887-05-27", "1886-12-11"]
