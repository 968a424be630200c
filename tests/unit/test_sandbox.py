"""The parser sandbox: crashes, hangs and memory blow-ups become errors; the caller lives on.

Each test talks to a real child process running :mod:`tests.hostile.misbehaving_ops`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.synth import documents
from docbatch.engine.extractors import SandboxedExtractor, build_extractor
from docbatch.engine.sandbox import (
    ParserBugError,
    ParserCrashedError,
    ParserMemoryError,
    Sandbox,
    SandboxLimits,
)
from docbatch.errors import CorruptDocumentError, ErrorCategory, StageTimeoutError
from docbatch.pipeline.options import ExtractOptions
from docbatch.settings import Settings

OPS = "tests.hostile.misbehaving_ops:OPERATIONS"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """A sandbox with a 256 MB cap and a 2 s limit, able to import the test operations."""
    monkeypatch.setenv("PYTHONPATH", f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    box = Sandbox(SandboxLimits(memory_mb=256, time_limit=2.0), OPS)
    yield box
    box.close()


def test_a_call_returns_json_and_the_child_stays_warm(sandbox: Sandbox) -> None:
    first = sandbox.call("echo", {"a": [1, "two"]}, b"\x00\xffbytes")
    second = sandbox.call("echo", {}, b"x" * (8 << 20))
    assert first["size"] == 7 and first["params"] == {"a": [1, "two"]}
    assert second["size"] == 8 << 20
    assert first["pid"] == second["pid"] == sandbox.pid
    assert sandbox.starts == 1


def test_the_child_gets_no_docbatch_secrets(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCBATCH_DATABASE_URL", "postgresql://u:hunter2@db/x")
    pid = sandbox.call("echo", {}, b"")["pid"]
    environ = Path(f"/proc/{pid}/environ").read_bytes()
    assert b"hunter2" not in environ and b"DOCBATCH_" not in environ


def test_docbatch_errors_cross_the_boundary_as_themselves(sandbox: Sandbox) -> None:
    with pytest.raises(CorruptDocumentError, match=r"^PDF: broken on purpose$") as info:
        sandbox.call("corrupt", {}, b"")
    assert info.value.code == "corrupt"
    pid = sandbox.pid
    assert sandbox.call("echo", {}, b"")["pid"] == pid  # a data error keeps the child


def test_a_segfault_is_a_data_error_and_the_next_call_gets_a_new_child(sandbox: Sandbox) -> None:
    before = sandbox.call("echo", {}, b"")["pid"]
    with pytest.raises(ParserCrashedError, match=r"^parser crashed with signal 11$") as info:
        sandbox.call("segfault", {}, b"")
    assert info.value.category is ErrorCategory.DATA
    after = sandbox.call("echo", {}, b"")["pid"]
    assert after != before and sandbox.starts == 2


def test_a_hang_is_killed_at_the_time_limit(sandbox: Sandbox) -> None:
    pid = sandbox.call("echo", {}, b"")["pid"]
    started = time.monotonic()
    with pytest.raises(StageTimeoutError, match=r"^parser ran over 2 s$") as info:
        sandbox.call("hang", {}, b"")
    assert 1.9 < time.monotonic() - started < 4
    assert info.value.category is ErrorCategory.TIMEOUT
    assert not Path(f"/proc/{pid}").exists() or _is_zombie_free(pid)


def _is_zombie_free(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text()
    return "zombie" not in status


def test_a_memory_error_is_a_data_failure_naming_the_cap(sandbox: Sandbox) -> None:
    with pytest.raises(ParserMemoryError, match=r"^parser exceeded 256 MB$") as info:
        sandbox.call("allocate", {"blocks": 8}, b"")
    # data, not resource: the cap is per document, so a retry would hit it again
    assert info.value.category is ErrorCategory.DATA
    assert info.value.code == "memory_limit"
    assert sandbox.call("allocate", {"blocks": 1}, b"") == 1  # a fresh child
    assert sandbox.peak_rss_mb <= 256


def test_an_abort_at_the_cap_counts_as_memory_not_a_crash(sandbox: Sandbox) -> None:
    # Its own 30 s limit: filling 256 MB on a loaded machine can take longer than the
    # fixture's 2 s, and a timeout is not what this test is about.
    box = Sandbox(SandboxLimits(memory_mb=256, time_limit=30.0), OPS)
    try:
        with pytest.raises(
            ParserMemoryError, match=r"^parser exceeded 256 MB \(killed by signal 6"
        ):
            box.call("abort_when_big", {}, b"")
    finally:
        box.close()


def test_an_exit_without_answer_is_a_crash(sandbox: Sandbox) -> None:
    with pytest.raises(ParserCrashedError, match="exited with status 7"):
        sandbox.call("exit", {}, b"")


def test_an_untranslated_exception_is_reported_as_a_bug(sandbox: Sandbox) -> None:
    with pytest.raises(ParserBugError, match=r"^KeyError: 'not translated'"):
        sandbox.call("bug", {}, b"")


def test_sandboxed_extraction_equals_in_process_extraction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = documents.text_pdf(["First page of the opinion.", "Second page."])
    options = ExtractOptions()
    extractor = SandboxedExtractor(SandboxLimits(512, 30), SandboxLimits(1024, 60))
    try:
        document, needs_ocr = extractor.text_layer(data, options)
        with pytest.raises(CorruptDocumentError, match=r"^PDF: "):
            extractor.text_layer(data[:100], options)  # too little left to repair
        pages = extractor.ocr(data, document.mime, [], options)
    finally:
        extractor.close()
    from docbatch.pipeline.extract import extract_text_layer

    assert (document, needs_ocr) == extract_text_layer(data, options)
    assert pages == ()


def test_settings_choose_the_sandbox_by_default(settings: Settings) -> None:
    extractor = build_extractor(settings)
    assert isinstance(extractor, SandboxedExtractor)
    assert extractor.text_sandbox.limits == SandboxLimits(1024, 120.0, 200_000_000)
    assert extractor.ocr_sandbox.limits.memory_mb == 2048
    off = build_extractor(settings.model_copy(update={"sandbox": False}))
    assert type(off).__name__ == "InProcessExtractor"
