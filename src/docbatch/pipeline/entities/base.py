"""The entity-extractor protocol, the raw mention it returns, and the extractor registry.

An extractor looks at the whole document text and returns :class:`RawMention` values
(type, offsets, normalised value, confidence, attributes). The stage
(:func:`docbatch.pipeline.entities.extract_mentions`) then places every raw mention in
its chunk and page. Extractors are chosen by ``EntityOptions.extractor``: a registry maps
a ``kind`` to a factory, and ``"a+b"`` composes several kinds into one extractor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from docbatch.errors import ConfigError
from docbatch.models import EntityType
from docbatch.pipeline.options import EntityOptions

__all__ = [
    "CLIENTS_SEPARATOR",
    "CompositeExtractor",
    "EntityExtractor",
    "ExtractorFactory",
    "RawMention",
    "available_extractors",
    "create_extractor",
    "register_extractor",
    "windows",
    "with_attributes",
]


#: Between the clients of a ``counsel_for`` attribute that names several ("National
#: Association of Criminal Defense Lawyers; Electronic Frontier Foundation", the amici of
#: one appearance); no party's name holds it.
CLIENTS_SEPARATOR = "; "


@dataclass(frozen=True, slots=True)
class RawMention:
    """A mention as an extractor reports it: offsets into the text, no chunk or page yet.

    ``text`` must equal ``document_text[start:end]``.
    """

    type: EntityType
    start: int
    end: int
    text: str
    normalized: str
    confidence: float
    attributes: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class EntityExtractor(Protocol):
    """Finds entity mentions in a document's text."""

    name: str

    def extract(self, text: str) -> list[RawMention]:
        """Return every mention found in ``text``, in any order."""
        ...


#: Builds an extractor from ``EntityOptions.params`` (as a dict).
ExtractorFactory = Callable[[Mapping[str, str]], EntityExtractor]

_REGISTRY: dict[str, ExtractorFactory] = {}


def register_extractor(kind: str, factory: ExtractorFactory) -> None:
    """Make ``factory`` available under ``kind`` (``EntityOptions.extractor``)."""
    if "+" in kind:
        raise ValueError(f"extractor kind {kind!r} must not contain '+'")
    _REGISTRY[kind] = factory


def available_extractors() -> tuple[str, ...]:
    """The registered extractor kinds, sorted."""
    return tuple(sorted(_REGISTRY))


class CompositeExtractor:
    """Runs several extractors and returns all their mentions.

    Mentions of the same type and span reported by more than one member are kept once,
    from the first member that reported them (members are listed by priority).
    """

    def __init__(self, members: Iterable[EntityExtractor]) -> None:
        self.members = tuple(members)
        self.name = "+".join(member.name for member in self.members)

    def extract(self, text: str) -> list[RawMention]:
        """Every member's mentions, without same-type same-span duplicates."""
        seen: set[tuple[EntityType, int, int]] = set()
        result: list[RawMention] = []
        for member in self.members:
            for mention in member.extract(text):
                key = (mention.type, mention.start, mention.end)
                if key not in seen:
                    seen.add(key)
                    result.append(mention)
        return result


def create_extractor(options: EntityOptions) -> EntityExtractor:
    """Build the extractor ``options.extractor`` names ("default", "spacy", "default+spacy").

    Raises :class:`~docbatch.errors.ConfigError` for an unknown kind.
    """
    params = dict(options.params)
    kinds = [kind.strip() for kind in options.extractor.split("+") if kind.strip()]
    if not kinds:
        raise ConfigError("entity extractor is empty; choose one of: " + _choices())
    unknown = [kind for kind in kinds if kind not in _REGISTRY]
    if unknown:
        raise ConfigError(f"unknown entity extractor {unknown[0]!r}; choose one of: {_choices()}")
    members = [_REGISTRY[kind](params) for kind in kinds]
    return members[0] if len(members) == 1 else CompositeExtractor(members)


def _choices() -> str:
    return ", ".join(available_extractors())


def windows(text: str, size: int) -> Iterator[tuple[int, str]]:
    """Split ``text`` into ``(offset, piece)`` of at most ``size`` characters, at a
    paragraph, line or word break where possible, so long documents fit a model's limit."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            for separator in ("\n\n", "\n", " "):
                cut = text.rfind(separator, start + size // 2, end)
                if cut >= 0:
                    end = cut + len(separator)
                    break
        yield start, text[start:end]
        start = end


def with_attributes(mention: RawMention, **attributes: str) -> RawMention:
    """``mention`` with ``attributes`` added to (or replacing some of) its own."""
    return dataclasses.replace(mention, attributes={**mention.attributes, **attributes})
