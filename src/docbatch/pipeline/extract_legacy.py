"""Reading legacy and message formats: Word 97-2003, WordPerfect, RTF, e-mail, Outlook.

Court archives hold decades of WordPerfect and legacy Word files, and discovery arrives
as e-mail. Each reader returns one page (these formats have no fixed pagination):

- **Word 97-2003** (``.doc``): ``antiword`` (Debian package ``antiword``), the reader
  CourtListener's document service uses; it keeps paragraphs and reads tables as text;
- **WordPerfect** (``.wpd``): ``wpd2text`` from libwpd (Debian package ``libwpd-tools``);
- **RTF**: striprtf, in the code page the file declares;
- **e-mail** (``.eml``): the standard library's parser; the plain-text body, or the HTML
  body's visible text;
- **Outlook** (``.msg``): extract-msg.

E-mail headers (from, to, cc, date, subject) and the names of attachments become the
document's metadata; attachments are not read as documents yet. A reader that needs a
program that is not installed fails with :class:`MissingDependencyError`, which names
the package to install.
"""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from typing import Any

from docbatch.errors import (
    CorruptDocumentError,
    MissingDependencyError,
    ResourceError,
    StageTimeoutError,
)
from docbatch.models import ExtractedDocument, Page
from docbatch.pipeline.extract_office import read_html
from docbatch.pipeline.options import ExtractOptions
from docbatch.pipeline.sniff import DOC, EML, MSG, RTF, WPD
from docbatch.pipeline.textnorm import normalize_text

__all__ = ["TOOL_TIMEOUT_S", "read_doc", "read_eml", "read_msg", "read_rtf", "read_wpd"]

#: How long a converter program may run on one document.
TOOL_TIMEOUT_S = 120.0
#: The e-mail headers kept as metadata, by their metadata name.
_HEADERS = {"from": "from", "to": "to", "cc": "cc", "date": "date", "subject": "subject"}


def read_doc(data: bytes, options: ExtractOptions) -> ExtractedDocument:
    """Read a Word 97-2003 document with antiword (paragraphs unwrapped)."""
    text = _run_tool(["antiword", "-w", "0", "-"], data, "antiword", "Word 97-2003 (.doc)")
    return _one_page(DOC, text)


def read_wpd(data: bytes, options: ExtractOptions) -> ExtractedDocument:
    """Read a WordPerfect document with libwpd's ``wpd2text``.

    ``wpd2text`` needs a seekable file, so the bytes go to a private temporary file that
    is removed at once.
    """
    with tempfile.TemporaryDirectory(prefix="docbatch-wpd-") as folder:
        path = os.path.join(folder, "document.wpd")
        with open(path, "wb") as handle:
            handle.write(data)
        text = _run_tool(["wpd2text", path], b"", "libwpd-tools", "WordPerfect (.wpd)")
    return _one_page(WPD, text)


def read_rtf(data: bytes, options: ExtractOptions) -> ExtractedDocument:
    """Read RTF with striprtf; the bytes are 7-bit, escapes name the code page."""
    from striprtf.striprtf import rtf_to_text

    try:
        text = rtf_to_text(data.decode("latin-1"), errors="replace")
    except (ValueError, IndexError) as exc:
        raise CorruptDocumentError(f"RTF cannot be parsed: {exc}") from exc
    return _one_page(RTF, text)


def read_eml(data: bytes, options: ExtractOptions) -> ExtractedDocument:
    """Read an RFC 822 e-mail: headers as metadata, the body as the text."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise CorruptDocumentError("e-mail has no headers")
    metadata = {ours: str(message[theirs]) for theirs, ours in _HEADERS.items() if message[theirs]}
    names = [part.get_filename() for part in message.iter_attachments()]
    _add_attachments(metadata, [n for n in names if n])
    return _one_page(EML, _body_text(message, options), metadata)


def read_msg(data: bytes, options: ExtractOptions) -> ExtractedDocument:
    """Read an Outlook message with extract-msg: headers as metadata, the body as text."""
    try:
        import extract_msg
    except ImportError as exc:  # pragma: no cover - a dependency
        raise MissingDependencyError("extract-msg", "Outlook (.msg)") from exc
    try:
        message: Any = extract_msg.openMsg(data)
    except Exception as exc:  # extract-msg raises many types for one broken file
        raise CorruptDocumentError(f"Outlook message cannot be read: {exc}") from exc
    try:
        fields = {
            "from": message.sender,
            "to": message.to,
            "cc": message.cc,
            "date": message.date,
            "subject": message.subject,
        }
        metadata = {key: str(value) for key, value in fields.items() if value}
        _add_attachments(metadata, [_attachment_name(a) for a in message.attachments])
        body = message.body or ""
        if not body.strip() and message.htmlBody:
            body = read_html(message.htmlBody, options).text
    finally:
        message.close()
    return _one_page(MSG, body, metadata)


def _body_text(message: EmailMessage, options: ExtractOptions) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError) as exc:  # an unknown charset, broken encoding
        raise CorruptDocumentError(f"e-mail body cannot be decoded: {exc}") from exc
    if part.get_content_subtype() == "html":
        raw = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        return read_html(raw, options).text
    return content if isinstance(content, str) else bytes(content).decode("utf-8", "replace")


def _add_attachments(metadata: dict[str, str], names: Sequence[str]) -> None:
    if names:
        metadata["attachments"] = "; ".join(names)


def _attachment_name(attachment: Any) -> str:
    return str(getattr(attachment, "longFilename", None) or getattr(attachment, "name", "") or "")


def _one_page(mime: str, text: str, metadata: Mapping[str, str] | None = None) -> ExtractedDocument:
    return ExtractedDocument(mime, (Page(1, normalize_text(text)),), dict(metadata or {}))


def _run_tool(command: list[str], stdin: bytes, package: str, purpose: str) -> str:
    """Run a converter program; its standard output, decoded as UTF-8."""
    if shutil.which(command[0]) is None:
        raise MissingDependencyError(package, purpose, install=f"apt install {package}")
    try:
        done = subprocess.run(
            command, input=stdin, capture_output=True, timeout=TOOL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise StageTimeoutError(f"{command[0]} ran over {TOOL_TIMEOUT_S:.0f} s") from exc
    except OSError as exc:  # no memory or processes left under the parser's caps
        raise ResourceError(f"{command[0]} could not run: {exc}") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit code {done.returncode}"
        raise CorruptDocumentError(f"{command[0]} cannot read the file: {reason}")
    return done.stdout.decode("utf-8", "replace")
