"""What the entity rule tests read from one document run end to end."""

from __future__ import annotations

from collections.abc import Iterable

from bench.pure import process_document
from docbatch.models import DOCUMENT_NODE, EntityType, RelationType
from docbatch.pipeline.entities.base import RawMention
from docbatch.pipeline.options import PipelineOptions


def edges_and_entities(text: str) -> tuple[set[tuple[str, str, str]], set[tuple[str, str]]]:
    """(relation, source, target[:role]) of every typed edge but ``cites``, and (type,
    name) of every entity, of ``text`` run through every text stage."""
    result = process_document(text.encode(), PipelineOptions())
    names = {entity.id: entity.name for entity in result.resolution.entities}
    names[DOCUMENT_NODE] = "document"
    edges = {
        (edge.type.value, names[edge.source], names[edge.target]
         + (f":{edge.attributes['role']}" if edge.attributes.get("role") else ""))
        for edge in result.relationships
        if edge.type is not RelationType.CITES
    }  # fmt: skip
    entities = {(entity.type.value, entity.name) for entity in result.resolution.entities}
    return edges, entities


def names_of(mentions: Iterable[RawMention], kind: EntityType) -> list[str]:
    """The distinct normalised names of the ``kind`` mentions, sorted."""
    return sorted({mention.normalized for mention in mentions if mention.type is kind})
