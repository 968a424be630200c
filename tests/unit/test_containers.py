"""Reading containers' members within the caps (docbatch.pipeline.containers)."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage

import pikepdf
import pytest

from docbatch.engine.children import child_id, children_of, read_member
from docbatch.errors import EncryptedDocumentError
from docbatch.models import ExtractedDocument, Page
from docbatch.pipeline.containers import (
    DEPTH_WARNING,
    SKIPPED_WARNING,
    TOO_MANY_WARNING,
    expand,
    read_zip,
)
from docbatch.pipeline.options import ContainerOptions, ExtractOptions, PipelineOptions
from docbatch.pipeline.sniff import EML, MSG, PDF, ZIP
from tests.unit.container_files import bomb_zip, flag_encrypted, lying_zip, many_members_zip

LIMITS = ContainerOptions()
EXTRACT = ExtractOptions()


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_zip_members_keep_their_names_and_bytes_in_order() -> None:
    data = _zip({"a/letter.txt": b"Dear Sir", "../../etc/x": b"slip", "b.bin": b"\x00\x01"})
    found = expand(data, ZIP, LIMITS, EXTRACT)
    assert [(m.name, m.data, m.code) for m in found.members] == [
        ("a/letter.txt", b"Dear Sir", ""),
        ("../../etc/x", b"slip", ""),
        ("b.bin", b"\x00\x01", ""),
    ]
    assert found.warnings == ()


def test_an_encrypted_member_fails_as_encrypted_and_the_others_are_read() -> None:
    data = flag_encrypted(_zip({"secret.txt": b"hidden", "open.txt": b"visible"}), "secret.txt")
    found = expand(data, ZIP, LIMITS, EXTRACT)
    assert [(m.name, m.code, m.data) for m in found.members] == [
        ("secret.txt", "encrypted", None),
        ("open.txt", "", b"visible"),
    ]
    assert found.warnings == (SKIPPED_WARNING,)


def test_a_corrupt_member_fails_alone() -> None:
    text = " ".join(str(i * 7919 % 10007) for i in range(3000)).encode()
    data = bytearray(_zip({"good.txt": b"fine" * 100, "bad.txt": text}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("bad.txt")
    start = info.header_offset + 30 + len(b"bad.txt") + len(info.extra)
    data[start + 100 : start + 400] = b"\xff" * 300  # inside its deflate stream
    found = expand(bytes(data), ZIP, LIMITS, EXTRACT)
    codes = {m.name: m.code for m in found.members}
    assert codes == {"good.txt": "", "bad.txt": "corrupt"}
    assert found.warnings == (SKIPPED_WARNING,)


def test_a_declared_10_gb_member_is_refused_before_inflating() -> None:
    data = bomb_zip()
    assert len(data) < 16 * 1024
    (member,) = expand(data, ZIP, LIMITS, EXTRACT).members
    assert (member.code, member.data) == ("too_large", None)
    assert "10737418240" in member.reason


def test_a_ratio_over_the_cap_is_a_bomb_even_under_the_size_caps() -> None:
    data = _zip({"zeros.bin": b"\0" * (4 * 1024 * 1024)})
    (member,) = expand(data, ZIP, LIMITS, EXTRACT).members
    assert member.code == "too_large" and "ratio" in member.reason
    relaxed = ContainerOptions(max_ratio=100_000.0)
    (member,) = expand(data, ZIP, relaxed, EXTRACT).members
    assert member.code == "" and member.data is not None and len(member.data) == 4 * 1024 * 1024


def test_a_member_inflating_past_its_declared_size_stops_at_it() -> None:
    (member,) = expand(lying_zip(), ZIP, LIMITS, EXTRACT).members
    assert member.code in ("corrupt", "too_large") and member.data is None


def test_the_total_inflated_bytes_are_capped_across_members() -> None:
    data = _zip({f"m{i}.txt": bytes([65 + i]) * 1000 for i in range(5)}, zipfile.ZIP_STORED)
    found = expand(data, ZIP, ContainerOptions(max_total_bytes=2500), EXTRACT)
    assert [m.code for m in found.members] == ["", "", "too_large", "too_large", "too_large"]


def test_more_members_than_the_cap_expands_none() -> None:
    found = expand(many_members_zip(100_000), ZIP, LIMITS, EXTRACT)
    assert (found.members, found.warnings) == ((), (TOO_MANY_WARNING,))
    small = expand(many_members_zip(3), ZIP, ContainerOptions(max_members=2), EXTRACT)
    assert small.warnings == (TOO_MANY_WARNING,)


def test_a_zip_listing_is_its_own_text() -> None:
    document = read_zip(_zip({"folder/letter.docx": b"x" * 10}), EXTRACT)
    assert document.mime == ZIP
    assert document.pages[0].text == "folder/letter.docx (10 bytes)"
    assert document.metadata["members"] == "1"


def test_e_mail_attachments_are_members() -> None:
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["Subject"] = "exhibits"
    message.set_content("see attached")
    message.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf",
                           filename="exhibit.pdf")  # fmt: skip
    message.add_attachment(b"plain", maintype="application", subtype="octet-stream")
    found = expand(message.as_bytes(), EML, LIMITS, EXTRACT)
    assert [(m.name, m.data) for m in found.members] == [
        ("exhibit.pdf", b"%PDF-1.4 fake"),
        ("attachment-2", b"plain"),
    ]


def test_a_pdf_embedded_file_is_a_member() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["exhibit.txt"] = pikepdf.AttachedFileSpec(pdf, b"Exhibit text " * 50)
    out = io.BytesIO()
    pdf.save(out)
    (member,) = expand(out.getvalue(), PDF, LIMITS, EXTRACT).members
    assert (member.name, member.data, member.code) == ("exhibit.txt", b"Exhibit text " * 50, "")


def test_a_pdf_is_opened_for_members_only_when_pdfium_counts_an_embedded_file() -> None:
    from docbatch.pipeline.extract_pdf import ATTACHMENTS_KEY, read_pdf_text_layer

    def pdf_bytes(attach: bool) -> bytes:
        pdf = pikepdf.new()
        pdf.add_blank_page()
        if attach:
            pdf.attachments["exhibit.txt"] = pikepdf.AttachedFileSpec(pdf, b"Exhibit " * 50)
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()

    options = PipelineOptions()
    for attach, expected in ((True, ("exhibit.txt",)), (False, ())):
        data = pdf_bytes(attach)
        extracted, _ = read_pdf_text_layer(data, options.extract)
        assert (ATTACHMENTS_KEY in extracted.metadata) is attach
        _, children = children_of(_record(0), data, extracted, options)  # type: ignore[arg-type]
        assert tuple(c.container_path.split("!/")[-1] for c in children) == expected


def _record(depth: int, container_path: str | None = None) -> object:
    from datetime import UTC, datetime

    from docbatch.models import Stage
    from docbatch.store.records import DocumentRecord, DocumentState

    now = datetime.now(UTC)
    return DocumentRecord(
        "doc-1", "batch", 1, None, "/in/production.zip", None, 0, None, None, None, {},
        DocumentState.PROCESSING, Stage.EXTRACT, 1, None, None, None, None, None, None,
        now, now, None, None, depth=depth, container_path=container_path,
    )  # fmt: skip


def test_children_get_stable_ids_paths_inside_the_container_and_depth() -> None:
    data = _zip({"a/b.txt": b"text"})
    listing = ExtractedDocument(ZIP, (Page(1, "a/b.txt"),))
    _, children = children_of(_record(1, "outer.zip!/p.zip"), data, listing, PipelineOptions())  # type: ignore[arg-type]
    (child,) = children
    assert child.id == child_id("doc-1", 0)
    assert (child.container_path, child.depth) == ("outer.zip!/p.zip!/a/b.txt", 2)


def test_a_container_at_the_depth_cap_is_not_expanded() -> None:
    data = _zip({"a/b.txt": b"text"})
    listing = ExtractedDocument(ZIP, (Page(1, "a/b.txt"),))
    options = PipelineOptions(containers=ContainerOptions(max_depth=3))
    document, children = children_of(_record(3), data, listing, options)  # type: ignore[arg-type]
    assert children == () and DEPTH_WARNING in document.warnings
    _, children = children_of(_record(2), data, listing, options)  # type: ignore[arg-type]
    assert len(children) == 1


def test_a_failed_member_raises_its_error_when_read() -> None:
    from dataclasses import replace

    record = replace(
        _record(1),  # type: ignore[type-var]
        metadata={"member_error": {"code": "encrypted", "reason": "the ZIP member is encrypted"}},
    )
    with pytest.raises(EncryptedDocumentError, match="encrypted"):
        read_member(object(), record, 1000)  # type: ignore[arg-type]


def test_outlook_attachments_are_members(monkeypatch: pytest.MonkeyPatch) -> None:
    """extract-msg's attachments as members (no .msg writer exists: its object is faked)."""
    from types import SimpleNamespace

    import extract_msg

    closed = []
    fake = SimpleNamespace(
        attachments=[
            SimpleNamespace(longFilename="motion.pdf", name="MOTION~1.PDF", data=b"%PDF-1.4"),
            SimpleNamespace(longFilename=None, name="note.txt", data=b"x" * 3000),
            SimpleNamespace(longFilename="fwd.msg", name=None, data=object()),
        ],
        close=lambda: closed.append(True),
    )
    monkeypatch.setattr(extract_msg, "openMsg", lambda data: fake)
    found = expand(b"", MSG, ContainerOptions(max_total_bytes=2000), EXTRACT)
    assert [(m.name, m.code) for m in found.members] == [
        ("motion.pdf", ""),
        ("note.txt", "too_large"),  # past the container's total
        ("fwd.msg", "unsupported_type"),
    ]
    assert found.warnings == (SKIPPED_WARNING,) and closed == [True]
