"""Error classes found on the blind gold set (tests/golden/real_blind), each as a rule test."""

from __future__ import annotations

from docbatch.models import EntityType
from docbatch.pipeline.entities.citations import find_citations
from docbatch.pipeline.entities.judges import _judge_spans
from docbatch.pipeline.entities.patterns import find_case_numbers


def test_a_printed_page_break_is_not_a_citation() -> None:
    text = "590 F.Supp.3d 850\n\n[590 F.Supp.3d 855]\n\nSee Foo v. Bar, 417 U.S. 116 (1974) [x]."
    assert [m.normalized for m in find_citations(text).mentions] == [
        "590 F. Supp. 3d 850", "417 U.S. 116",
    ]  # fmt: skip


def test_docket_numbers_written_without_hyphens() -> None:
    text = "Docket Number(s): 1:20CV457\nAppeal from the District Court (No. 94cv00385)"
    assert sorted(m.normalized for m in find_case_numbers(text)) == ["1:20CV457", "94cv00385"]


def _judges(text: str) -> list[str]:
    return [text[s:e] for s, e in _judge_spans(text)]


def test_agency_boards_and_panels_broken_over_lines_are_judges() -> None:
    assert "KENDALL CLARK" in _judges(
        "BEFORE: Board Panel: PAULEY, GUENDELSBERGER, and KENDALL CLARK, Board Members."
    )
    panel = _judges("Board Panel: WILSON and GORMAN, Appellate Immigration Judges. "
                    "Concurring Opinion: O\u2019CONNOR, Appellate Immigration Judge.")  # fmt: skip
    assert {"WILSON", "GORMAN", "O\u2019CONNOR"} <= set(panel)
    assert {"Sentelle", "Randolph"} <= set(
        _judges("Before:  Edwards, Chief Judge, Sentelle and Randolph, \nCircuit Judges.")
    )
    assert _judges("In a decision, an Immigration Judge granted the motion.") == []


def test_entity_type_is_a_case_number() -> None:
    assert find_case_numbers("No. 96-7169")[0].type is EntityType.CASE_NUMBER
