"""Fuzzing extraction: mutated PDFs raise docbatch errors and nothing else.

Hypothesis mutates valid PDFs (bit flips, truncations, splices of two PDFs) and feeds them
to ``extract_text_layer`` inside the parser sandbox, so a native crash becomes a
:class:`~docbatch.engine.sandbox.ParserCrashedError` instead of killing pytest, and any exception
that is not a :class:`~docbatch.errors.DocbatchError` (an untranslated vendor error)
escapes as :class:`~docbatch.engine.sandbox.ParserBugError` and fails the test. The run is
derandomised and bounded (200 examples) so CI is repeatable. For a longer run by hand,
raise the example count with ``DOCBATCH_FUZZ_EXAMPLES``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.synth import documents
from docbatch.engine.extractors import SandboxedExtractor
from docbatch.engine.sandbox import SandboxLimits
from docbatch.errors import DocbatchError
from docbatch.pipeline.options import ExtractOptions

SENTENCE = "Smith v. Jones, 12 F.3d 345 (9th Cir. 1994) held the contract void. "
TEXT_PDF = documents.text_pdf([SENTENCE * 20, SENTENCE * 10])
OTHER_PDF = documents.encrypted_pdf(["Sealed and confidential. " * 40], user_password="pw")
OPTIONS = ExtractOptions(passwords=("pw",), max_pages=50)


@pytest.fixture(scope="module")
def extractor() -> Iterator[SandboxedExtractor]:
    """One sandbox for the whole run (restarted by itself after a crash)."""
    sandboxed = SandboxedExtractor(SandboxLimits(512, 20.0), SandboxLimits(512, 20.0))
    yield sandboxed
    sandboxed.close()


@st.composite
def mutated_pdfs(draw: st.DrawFn) -> bytes:
    """A valid PDF with bit flips, a truncation or a splice of another PDF."""
    data = bytearray(draw(st.sampled_from([TEXT_PDF, OTHER_PDF])))
    kind = draw(st.sampled_from(["flips", "truncate", "splice", "flips+truncate"]))
    if "flips" in kind:
        for _ in range(draw(st.integers(1, 16))):
            index = draw(st.integers(0, len(data) - 1))
            data[index] ^= 1 << draw(st.integers(0, 7))
    if "truncate" in kind:
        del data[draw(st.integers(1, len(data) - 1)) :]
    if kind == "splice":
        donor = draw(st.sampled_from([TEXT_PDF, OTHER_PDF]))
        at = draw(st.integers(0, len(data)))
        start = draw(st.integers(0, len(donor) - 1))
        length = draw(st.integers(1, 2048))
        data[at:at] = donor[start : start + length]
    return bytes(data)


@settings(
    max_examples=int(os.environ.get("DOCBATCH_FUZZ_EXAMPLES", "200")),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=mutated_pdfs())
def test_mutated_pdfs_raise_only_docbatch_errors(
    extractor: SandboxedExtractor, data: bytes
) -> None:
    try:
        document, needs_ocr = extractor.text_layer(data, OPTIONS)
    except DocbatchError as exc:
        assert exc.code and str(exc)  # a code and a readable reason
        return
    assert [page.number for page in document.pages] == list(range(1, len(document.pages) + 1))
    assert set(needs_ocr) <= {page.number for page in document.pages}


def test_the_fuzz_seed_pdfs_are_valid(extractor: SandboxedExtractor) -> None:
    document, needs_ocr = extractor.text_layer(TEXT_PDF, OPTIONS)
    assert " ".join(document.text.split()).count("Smith v. Jones") == 30 and needs_ocr == ()
    sealed, _ = extractor.text_layer(OTHER_PDF, OPTIONS)
    assert " ".join(sealed.text.split()).count("Sealed and confidential.") == 40
