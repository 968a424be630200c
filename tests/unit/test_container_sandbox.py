"""Container expansion runs in the sandbox child, and its members come back as files.

The child expands a container into a private scratch folder and answers with JSON; the
parent reads the files back, checks them again and removes the folder whatever happened.
These tests pin that: the sandboxed expansion equals the in-process one, it runs in the
same warm child as the text layer, a memory cap or a time limit hit while expanding fails
the container alone, the scratch folder never outlives a call, a lying answer from the
child fails the members it lies about, and nothing is written outside the state folder.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from docbatch.client import Docbatch, Sources
from docbatch.engine.expansion import member_file, read_members, sweep_scratch
from docbatch.engine.extractors import InProcessExtractor, SandboxedExtractor
from docbatch.engine.sandbox import Sandbox, SandboxLimits
from docbatch.errors import StageTimeoutError
from docbatch.local.runner import run_inline
from docbatch.pipeline.containers import SKIPPED_WARNING, TOO_MANY_WARNING
from docbatch.pipeline.options import ContainerOptions, ExtractOptions
from docbatch.pipeline.sniff import EML, PDF, ZIP
from docbatch.settings import Settings
from tests.unit.container_files import bomb_zip, flag_encrypted, zip_with_records

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
LIMITS = ContainerOptions()
EXTRACT = ExtractOptions()
MiB = 1024 * 1024


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _zeros_zip(members: int, size: int) -> bytes:
    """``members`` members of ``size`` zero bytes each, deflated a MiB at a time (the
    zeros are never held whole here)."""
    packer, crc, zeros = zlib.compressobj(1, zlib.DEFLATED, -15), 0, b"\0" * MiB
    parts = []
    for _ in range(size // MiB):
        parts.append(packer.compress(zeros))
        crc = zlib.crc32(zeros, crc)
    stream = b"".join(parts) + packer.flush()
    records = [(f"z{i}.bin".encode(), stream, 8, crc, len(stream), size) for i in range(members)]
    return zip_with_records(records)


def _eml() -> bytes:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("see attached")
    message.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf",
                           filename="exhibit.pdf")  # fmt: skip
    return message.as_bytes()


def _pdf_with_attachment() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["exhibit.txt"] = pikepdf.AttachedFileSpec(pdf, b"Exhibit text " * 50)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture
def sandboxed(tmp_path: Path) -> Iterator[SandboxedExtractor]:
    extractor = SandboxedExtractor(
        SandboxLimits(512, 60), SandboxLimits(512, 60), scratch=tmp_path / "scratch"
    )
    yield extractor
    extractor.close()


def test_sandboxed_expansion_equals_in_process_expansion_in_the_text_child(
    sandboxed: SandboxedExtractor, tmp_path: Path
) -> None:
    locked = flag_encrypted(_zip({"secret.txt": b"hidden", "open.txt": b"visible"}), "secret.txt")
    containers = [
        (ZIP, _zip({"a/letter.txt": b"Dear Sir", "../../etc/x": b"slip", "/abs/y": b"abs"})),
        (ZIP, locked),
        (ZIP, bomb_zip()),
        (EML, _eml()),
        (PDF, _pdf_with_attachment()),
    ]
    sandboxed.text_layer(containers[0][1], EXTRACT)
    child = sandboxed.text_sandbox.pid
    for mime, data in containers:
        found = sandboxed.expand(data, mime, LIMITS, EXTRACT)
        assert found == InProcessExtractor().expand(data, mime, LIMITS, EXTRACT), mime
        assert found.members  # each has members: the comparison says something
    # The same warm child that read the text layer expanded them: no process started.
    assert (sandboxed.text_sandbox.pid, sandboxed.text_sandbox.starts) == (child, 1)
    assert sandboxed.ocr_sandbox.starts == 0
    # Every member crossed as a file named by its position, and no folder is left.
    assert list((tmp_path / "scratch").iterdir()) == []
    assert not Path("/etc/x").exists() and not Path("/abs/y").exists()


def test_a_container_at_the_depth_cap_is_counted_without_its_bytes(
    sandboxed: SandboxedExtractor,
) -> None:
    data = _zip({"a.txt": b"one", "b.txt": b"two"})
    found = sandboxed.expand(data, ZIP, LIMITS, EXTRACT, keep_bytes=False)
    assert [(m.name, m.data, m.code) for m in found.members] == [
        ("a.txt", None, ""),
        ("b.txt", None, ""),
    ]
    assert found == InProcessExtractor().expand(data, ZIP, LIMITS, EXTRACT, keep_bytes=False)


def test_a_time_limit_hit_while_expanding_kills_the_child_and_removes_its_folder(
    sandboxed: SandboxedExtractor, tmp_path: Path
) -> None:
    relaxed = ContainerOptions(max_ratio=1e9)
    sandboxed.expand(_zip({"warm.txt": b"x"}), ZIP, relaxed, EXTRACT)  # start the child
    heavy = _zeros_zip(100, 4 * MiB)  # 400 MB to inflate, hash and write
    sandboxed.text_sandbox.limits = SandboxLimits(512, 0.2)

    with pytest.raises(StageTimeoutError, match=r"parser ran over 0.2 s"):
        sandboxed.expand(heavy, ZIP, relaxed, EXTRACT)

    assert sandboxed.text_sandbox.pid is None  # killed, not left writing
    assert list((tmp_path / "scratch").iterdir()) == []
    sandboxed.text_sandbox.limits = SandboxLimits(512, 60)
    (member,) = sandboxed.expand(_zip({"after.txt": b"fine"}), ZIP, relaxed, EXTRACT).members
    assert (member.data, sandboxed.text_sandbox.starts) == (b"fine", 2)


def test_the_parent_does_not_trust_the_childs_answer(tmp_path: Path) -> None:
    folder = tmp_path / "scratch"
    folder.mkdir()
    (folder / member_file(0)).write_bytes(b"tampered")
    (tmp_path / "secret").write_bytes(b"outside")
    (folder / member_file(2)).symlink_to(tmp_path / "secret")
    (folder / member_file(3)).write_bytes(b"good")
    (folder / member_file(4)).write_bytes(b"x" * 100)
    sha = __import__("hashlib").sha256
    answer: dict[str, Any] = {
        "members": [
            {"name": "a", "code": "", "size": 8, "sha256": sha(b"original").hexdigest()},
            {"name": "missing", "code": "", "size": 4, "sha256": sha(b"gone").hexdigest()},
            {"name": "link", "code": "", "size": 7, "sha256": sha(b"outside").hexdigest()},
            {"name": "ok\x1b[31m", "code": "", "size": 4, "sha256": sha(b"good").hexdigest()},
            {"name": "big", "code": "", "size": 100, "sha256": sha(b"x" * 100).hexdigest()},
            {"name": "odd", "code": "rm -rf", "reason": "made up"},
        ],
        "warnings": ["container_members_skipped", "not_a_warning"],
    }
    found = read_members(folder, answer, ContainerOptions(max_total_bytes=50), EXTRACT)
    assert [(m.name, m.code, m.data) for m in found.members] == [
        ("a", "corrupt", None),  # the file is not what the child hashed
        ("missing", "corrupt", None),
        ("link", "corrupt", None),  # a symlink is never followed
        ("ok?[31m", "", b"good"),  # names are cleaned again
        ("big", "too_large", None),  # the caps are checked again
        ("odd", "corrupt", None),  # an unknown code
    ]
    assert found.warnings == (SKIPPED_WARNING,)
    many = {"members": [{"name": "m", "code": "corrupt"}] * 3, "warnings": []}
    too_many = read_members(folder, many, ContainerOptions(max_members=2), EXTRACT)
    assert (too_many.members, too_many.warnings) == ((), (TOO_MANY_WARNING,))


def test_folders_left_by_dead_processes_of_this_host_are_swept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid, host = int(dead.stdout), socket.gethostname()
    root = tmp_path / "scratch"
    names = [f"{host}-{pid}-abc_123", f"{host}-{os.getpid()}-def", f"elsewhere-{pid}-ghi"]
    for name in names:
        (root / name).mkdir(parents=True)
        (root / name / member_file(0)).write_bytes(b"left over")

    assert sweep_scratch(root) == 1
    assert sorted(p.name for p in root.iterdir()) == sorted(names[1:])


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The operations sent to sandbox children in this process, with the MIME type
    an expansion was asked for."""
    seen: list[tuple[str, str]] = []
    original = Sandbox.call

    def spy(self: Sandbox, operation: str, params: Any, data: bytes) -> Any:
        seen.append((operation, str(params.get("mime", ""))))
        return original(self, operation, params, data)

    monkeypatch.setattr(Sandbox, "call", spy)
    return seen


def _tree(root: Path) -> set[str]:
    return {os.path.join(d, f) for d, _, files in os.walk(root) for f in files}


def test_a_memory_cap_hit_while_expanding_fails_that_container_alone(
    settings: Settings, tmp_path: Path, calls: list[tuple[str, str]]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    # 600 MB of zeros in one member: every cap but the sandbox's memory is relaxed.
    (folder / "huge.zip").write_bytes(_zeros_zip(1, 600 * MiB))
    (folder / "small.zip").write_bytes(_zip({"../../etc/x": b"zip-slip name, plain text\n"}))
    for sample in ("memo.txt", "opinion.pdf"):
        (folder / sample).write_bytes((SAMPLES / sample).read_bytes())
    before = _tree(tmp_path)
    relaxed = {
        "extract_memory_mb": 512,
        "container_max_ratio": 1e9,
        "container_max_bytes": 2048 * MiB,
        "max_file_bytes": 2048 * MiB,
    }
    client = Docbatch(settings.model_copy(update=relaxed))
    try:
        summary = run_inline(client, Sources.from_args([folder]))
        docs = {
            d.container_path or Path(d.path).name: d
            for d in client.repo.documents.of_batch(summary.batch_id, limit=100)
        }
    finally:
        client.close()

    huge = docs["huge.zip"]
    assert (huge.state.value, huge.error_code) == ("failed", "memory_limit")
    assert huge.error_reason is not None and "parser exceeded 512 MB" in huge.error_reason
    for name in ("small.zip", "small.zip!/../../etc/x", "memo.txt", "opinion.pdf"):
        assert docs[name].state.value == "completed", name
    assert (summary.total, summary.completed, summary.failed) == (5, 4, 1)
    # Only the two ZIP files were expanded, in the sandbox; the PDF has no embedded file.
    assert sorted(call for call in calls if call[0] == "expand") == [("expand", ZIP)] * 2
    # Nothing was written outside the state folder, and no scratch folder is left.
    state = str(settings.state_dir)
    assert [p for p in _tree(tmp_path) - before if not p.startswith(state)] == []
    assert list((settings.state_dir / "expansion").iterdir()) == []
    assert not Path("/etc/x").exists()
