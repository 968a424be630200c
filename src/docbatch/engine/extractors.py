"""Where the extract stage's parsers run: in this process, or isolated in a sandbox child.

:class:`~docbatch.engine.executor.StageExecutor` calls an :class:`Extractor` for the steps of
the extract stage (the text layer, then OCR) and, for a container, for its members
(:mod:`docbatch.engine.children`). :class:`InProcessExtractor` calls
:mod:`docbatch.pipeline.extract` and :func:`docbatch.pipeline.containers.expand`
directly; :class:`SandboxedExtractor` runs the same functions in
:class:`~docbatch.engine.sandbox.Sandbox` children, one for the text layer and container
expansion and one for OCR, each under its own memory cap and time limit, so a parser
crash, a memory blow-up or a hang fails one document and never the worker. Members come
back from the child as files in a scratch folder (:mod:`docbatch.engine.expansion`).
:func:`build_extractor` picks one from the settings (``DOCBATCH_SANDBOX``, on by
default).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from docbatch.engine.expansion import read_members, scratch_folder, sweep_scratch, write_members
from docbatch.engine.sandbox import Operation, Sandbox, SandboxLimits
from docbatch.models import ExtractedDocument, Page, to_dict
from docbatch.pipeline.containers import Expansion, Member, expand
from docbatch.pipeline.extract import extract_text_layer, ocr_pages
from docbatch.pipeline.extract_image import configure_pillow
from docbatch.pipeline.options import ContainerOptions, ExtractOptions

if TYPE_CHECKING:
    from docbatch.settings import Settings

__all__ = [
    "OPERATIONS",
    "SCRATCH_FOLDER",
    "Extractor",
    "InProcessExtractor",
    "SandboxedExtractor",
    "build_extractor",
]


#: The state folder's sub-folder where sandboxed expansions put their members' bytes.
SCRATCH_FOLDER = "expansion"


class Extractor(Protocol):
    """The extract stage's steps, and a container's expansion, wherever they run."""

    def text_layer(
        self, data: bytes, options: ExtractOptions
    ) -> tuple[ExtractedDocument, tuple[int, ...]]:
        """As :func:`docbatch.pipeline.extract.extract_text_layer`."""
        ...

    def ocr(
        self, data: bytes, mime: str, pages: Sequence[int], options: ExtractOptions
    ) -> tuple[Page, ...]:
        """As :func:`docbatch.pipeline.extract.ocr_pages` with the default engine."""
        ...

    def expand(
        self,
        data: bytes,
        mime: str,
        options: ContainerOptions,
        extract: ExtractOptions,
        *,
        keep_bytes: bool = True,
    ) -> Expansion:
        """As :func:`docbatch.pipeline.containers.expand`; with ``keep_bytes=False`` the
        members come without their bytes (only their number and failures count)."""
        ...


class InProcessExtractor:
    """Runs the parsers in the calling process (tests, trusted input, no sandbox)."""

    def text_layer(
        self, data: bytes, options: ExtractOptions
    ) -> tuple[ExtractedDocument, tuple[int, ...]]:
        """Read the text layer in this process."""
        return extract_text_layer(data, options)

    def ocr(
        self, data: bytes, mime: str, pages: Sequence[int], options: ExtractOptions
    ) -> tuple[Page, ...]:
        """OCR ``pages`` in this process."""
        return ocr_pages(data, mime, pages, options)

    def expand(
        self,
        data: bytes,
        mime: str,
        options: ContainerOptions,
        extract: ExtractOptions,
        *,
        keep_bytes: bool = True,
    ) -> Expansion:
        """Read a container's members in this process."""
        return expand(data, mime, options, extract, _as_is if keep_bytes else _without_bytes)


def _as_is(member: Member) -> Member:
    return member


def _without_bytes(member: Member) -> Member:
    return dataclasses.replace(member, data=None)


class SandboxedExtractor:
    """Runs the parsers in sandbox children: one for the text layer and containers, one
    for OCR.

    ``scratch`` is the folder under which each expansion gets a private scratch folder
    for its members' bytes (the state folder's ``expansion``; None: the system's
    temporary folder).
    """

    def __init__(
        self, text_limits: SandboxLimits, ocr_limits: SandboxLimits, scratch: Path | None = None
    ) -> None:
        spec = f"{__name__}:OPERATIONS"
        self.text_sandbox = Sandbox(text_limits, spec)
        self.ocr_sandbox = Sandbox(ocr_limits, spec)
        self.scratch = scratch
        self._swept = False

    def text_layer(
        self, data: bytes, options: ExtractOptions
    ) -> tuple[ExtractedDocument, tuple[int, ...]]:
        """Read the text layer in the text sandbox."""
        result = self.text_sandbox.call("text_layer", {"options": _options_json(options)}, data)
        return ExtractedDocument.from_dict(result["document"]), tuple(result["needs_ocr"])

    def ocr(
        self, data: bytes, mime: str, pages: Sequence[int], options: ExtractOptions
    ) -> tuple[Page, ...]:
        """OCR ``pages`` in the OCR sandbox."""
        if not pages:
            return ()
        params = {"options": _options_json(options), "mime": mime, "pages": list(pages)}
        return tuple(Page.from_dict(p) for p in self.ocr_sandbox.call("ocr", params, data))

    def expand(
        self,
        data: bytes,
        mime: str,
        options: ContainerOptions,
        extract: ExtractOptions,
        *,
        keep_bytes: bool = True,
    ) -> Expansion:
        """Expand a container in the text sandbox (the same warm child as the text
        layer); its members come back through a scratch folder that is always removed."""
        if self.scratch is not None and not self._swept:
            self._swept = True  # once per process: folders a killed worker left
            sweep_scratch(self.scratch)
        with scratch_folder(self.scratch) as folder:
            params = {
                "options": _options_json(extract),
                "containers": dataclasses.asdict(options),
                "mime": mime,
                "folder": str(folder),
                "keep_bytes": keep_bytes,
            }
            answer = self.text_sandbox.call("expand", params, data)
            return read_members(folder, answer, options, extract, keep_bytes=keep_bytes)

    def close(self) -> None:
        """Stop both children."""
        self.text_sandbox.close()
        self.ocr_sandbox.close()


def build_extractor(settings: Settings) -> Extractor:
    """The extractor ``settings`` ask for; also sets Pillow's pixel cap in this process."""
    configure_pillow(settings.max_image_pixels)
    if not settings.sandbox:
        return InProcessExtractor()
    pixels = settings.max_image_pixels
    return SandboxedExtractor(
        SandboxLimits(settings.extract_memory_mb, settings.extract_time_limit, pixels),
        SandboxLimits(settings.ocr_memory_mb, settings.ocr_parser_time_limit, pixels),
        scratch=settings.state_dir / SCRATCH_FOLDER,
    )


# -- the operations the child runs --------------------------------------------------------


def _options_json(options: ExtractOptions) -> dict[str, Any]:
    return dataclasses.asdict(options)


def _options_from(params: Mapping[str, Any]) -> ExtractOptions:
    raw = dict(params["options"])
    raw["passwords"] = tuple(raw.get("passwords") or ())
    return ExtractOptions(**raw)


def _text_layer_operation(params: Mapping[str, Any], data: bytes) -> dict[str, Any]:
    document, needs_ocr = extract_text_layer(data, _options_from(params))
    return {"document": to_dict(document), "needs_ocr": list(needs_ocr)}


def _ocr_operation(params: Mapping[str, Any], data: bytes) -> list[dict[str, Any]]:
    pages = ocr_pages(data, str(params["mime"]), params["pages"], _options_from(params))
    return [to_dict(page) for page in pages]


def _expand_operation(params: Mapping[str, Any], data: bytes) -> dict[str, Any]:
    return write_members(
        data,
        str(params["mime"]),
        ContainerOptions(**params["containers"]),
        _options_from(params),
        Path(params["folder"]),
        keep_bytes=bool(params["keep_bytes"]),
    )


#: What :class:`SandboxedExtractor`'s children may run.
OPERATIONS: dict[str, Operation] = {
    "text_layer": _text_layer_operation,
    "ocr": _ocr_operation,
    "expand": _expand_operation,
}
