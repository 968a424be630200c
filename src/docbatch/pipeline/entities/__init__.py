"""The entities stage: find mentions in a document's text and place them in chunks and pages.

:func:`extract_mentions` runs the extractor chosen by ``EntityOptions.extractor`` over the
whole document text (so eyecite can resolve short forms, "Id." and "supra" across chunk
boundaries), then assigns each mention to the chunk and page that hold its first
character. Extractors are pluggable (:class:`EntityExtractor`): ``"default"`` is offline
rules plus eyecite, ``"spacy"`` a spaCy NER model, ``"llm"`` an OpenAI-compatible chat
endpoint; ``"default+spacy"`` runs several.
"""

from __future__ import annotations

import bisect
import dataclasses
import logging
from collections.abc import Sequence

from docbatch.errors import DocumentTooLargeError
from docbatch.models import Chunk, EntityType, Mention
from docbatch.pipeline.entities.base import (
    CompositeExtractor,
    EntityExtractor,
    ExtractorFactory,
    RawMention,
    available_extractors,
    create_extractor,
    register_extractor,
    windows,
)
from docbatch.pipeline.entities.default import DefaultExtractor, create_default
from docbatch.pipeline.entities.plugins import (
    LLMExtractor,
    SpacyExtractor,
    create_llm,
    create_spacy,
)
from docbatch.pipeline.options import EntityOptions

__all__ = [
    "CONTEXT_CHARS",
    "WINDOW_CHARS",
    "CompositeExtractor",
    "DefaultExtractor",
    "EntityExtractor",
    "ExtractorFactory",
    "LLMExtractor",
    "RawMention",
    "SpacyExtractor",
    "available_extractors",
    "create_extractor",
    "extract_in_windows",
    "extract_mentions",
    "place_mentions",
    "register_extractor",
]

log = logging.getLogger(__name__)

#: Text longer than this is read in windows of about this many characters (cut at a
#: paragraph, line or word break): eyecite looks for references to each citation in all
#: the text after it, so one pass over a long text grows with its square.
WINDOW_CHARS = 100_000
#: Each window is read with up to this many characters before it, so a short form
#: ("Id. at 5", "550 U.S. at 570") near its start still finds its antecedent; mentions
#: that start in this context belong to the window before.
CONTEXT_CHARS = 10_000

register_extractor("default", create_default)
register_extractor("spacy", create_spacy)
register_extractor("llm", create_llm)


def extract_mentions(
    text: str,
    chunks: Sequence[Chunk],
    page_spans: Sequence[tuple[int, int, int]],
    options: EntityOptions,
    *,
    extractor: EntityExtractor | None = None,
) -> tuple[Mention, ...]:
    """Find the mentions in ``text`` and place each in its chunk and page.

    ``page_spans`` are ``(page number, start, end)`` as from
    :meth:`~docbatch.models.ExtractedDocument.page_spans`. ``extractor`` overrides the
    one ``options`` names (tests inject fakes this way). The result is sorted by
    ``(char_start, type)`` and holds no two mentions of the same type and span.
    """
    if not text.strip():
        return ()  # a blank document: nothing to find, and eyecite refuses empty text
    if len(text) > options.max_chars:
        raise DocumentTooLargeError(
            f"text has {len(text):,} characters, more than the entities stage's limit of "
            f"{options.max_chars:,} (DOCBATCH_ENTITIES_MAX_CHARS)"
        )
    engine = extractor if extractor is not None else create_extractor(options)
    wanted = {EntityType(kind) for kind in options.types}
    raw = [m for m in extract_in_windows(engine, text) if not wanted or m.type in wanted]
    return place_mentions(text, raw, chunks, page_spans, engine.name)


def extract_in_windows(
    engine: EntityExtractor,
    text: str,
    window: int = WINDOW_CHARS,
    context: int = CONTEXT_CHARS,
) -> list[RawMention]:
    """``engine.extract(text)``, in windows when the text is long, so time grows linearly.

    A text of at most ``window`` characters is read in one pass, exactly as before. A
    longer one is cut at breaks into windows of about ``window`` characters; each is read
    with the ``context`` characters before it, and keeps only the mentions that start in
    the window itself, shifted to offsets in ``text``.
    """
    if len(text) <= window:
        return list(engine.extract(text))
    found: list[RawMention] = []
    for offset, piece in windows(text, window):
        begin = max(0, offset - context)
        for mention in engine.extract(text[begin : offset + len(piece)]):
            if mention.start + begin < offset:
                continue  # in the context: the window before reported it
            found.append(
                dataclasses.replace(mention, start=mention.start + begin, end=mention.end + begin)
            )
    return found


def place_mentions(
    text: str,
    raw: Sequence[RawMention],
    chunks: Sequence[Chunk],
    page_spans: Sequence[tuple[int, int, int]],
    extractor_name: str,
) -> tuple[Mention, ...]:
    """Turn raw mentions into :class:`Mention` values with a chunk index and a page.

    A mention belongs to the first chunk with ``char_start <= start < char_end`` and to
    the page whose span holds its start (a mention starting in a page separator goes to
    the next page). Mentions outside every chunk, or whose text does not match the
    document at their offsets, are dropped (and logged); later duplicates of a (type,
    span) too. ``chunks`` are expected in document order with non-decreasing ends.
    """
    chunks = sorted(chunks, key=lambda c: (c.char_start, c.index))
    chunk_starts = [c.char_start for c in chunks]
    page_starts = [start for _, start, _ in page_spans]
    seen: set[tuple[EntityType, int, int]] = set()
    placed: list[Mention] = []
    for mention in sorted(raw, key=lambda m: (m.start, m.type.value, m.end)):
        key = (mention.type, mention.start, mention.end)
        if key in seen or not 0 <= mention.start < mention.end <= len(text):
            continue
        if text[mention.start : mention.end] != mention.text:
            # A plugin bug should cost one mention, not the whole document.
            log.warning("%s: mention text does not match its offsets; dropped", extractor_name)
            continue
        chunk = _chunk_of(chunks, chunk_starts, mention.start)
        if chunk is None:
            continue
        seen.add(key)
        placed.append(
            Mention(
                type=mention.type,
                text=mention.text,
                normalized=mention.normalized,
                char_start=mention.start,
                char_end=mention.end,
                chunk_index=chunk.index,
                page=_page_of(page_spans, page_starts, mention.start),
                confidence=round(mention.confidence, 3),
                extractor=extractor_name,
                attributes=dict(mention.attributes),
            )
        )
    return tuple(placed)


def _chunk_of(chunks: Sequence[Chunk], starts: list[int], offset: int) -> Chunk | None:
    """The first chunk (in document order) that contains ``offset``."""
    # With overlap several chunks may hold the offset. Scan back from the last chunk
    # starting at or before it and keep the earliest that holds it; once a chunk ends
    # before the offset, every earlier one does too.
    index = bisect.bisect_right(starts, offset) - 1
    found = None
    while index >= 0 and chunks[index].char_end > offset:
        found = chunks[index]
        index -= 1
    return found


def _page_of(page_spans: Sequence[tuple[int, int, int]], starts: list[int], offset: int) -> int:
    """The number of the page holding ``offset`` (the following page inside a separator)."""
    if not page_spans:
        return 1
    index = bisect.bisect_right(starts, offset) - 1
    if index < 0:
        return page_spans[0][0]
    number, _, end = page_spans[index]
    if offset >= end and index + 1 < len(page_spans):
        return page_spans[index + 1][0]
    return number
