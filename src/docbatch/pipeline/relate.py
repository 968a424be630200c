"""Build typed relationships between the canonical entities of one document.

Each kind of edge is one small *edge builder*: a function from a :class:`RelateContext`
to relationships, listed in :data:`EDGE_BUILDERS`. A new kind of edge is one more
function in that list (or in the ``builders`` argument of :func:`relate`).

The builders shipped:

- :func:`co_occurrence_edges` - CO_OCCURS between two entities found in the same chunk,
  only when ``RelateOptions.co_occurs`` is set (they were most of a run's rows, a few
  hundred per document, and a lawyer learns little from them);
- :func:`citation_edges` - CITES from the document to every authority it cites;
- :func:`role_edges` - PARTY_OF from a person or organisation to the document, for
  mentions the extractor gave a ``role`` (plaintiff, defendant, appellant, ...);
- :func:`case_party_edges` - PARTY_OF from a person or organisation of this document to
  a cited case whose caption names it ("Acme Holdings, Inc. v. Smith");
- :func:`judge_edges` - JUDGE_OF from a judge (a person mention with the role "judge")
  to the document;
- :func:`counsel_edges` - COUNSEL_FOR from an attorney or firm to the party its
  ``counsel_for`` attribute names, by name or by role ("Attorney for Appellant");
- :func:`filing_edges` - FILED_ON from the document to the dates marked ``filed`` and
  DECIDED_BY to the court marked ``heading``.

The attributes these builders read are set by
:func:`docbatch.pipeline.entities.roles.mark_roles`.

A mention belongs to every chunk whose span contains it (chunks overlap), and to the chunk
its ``chunk_index`` names. Evidence is always the sorted chunk indexes behind an edge.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from docbatch.errors import PermanentError
from docbatch.models import (
    DOCUMENT_NODE,
    CanonicalEntity,
    Chunk,
    EntityType,
    Mention,
    Relationship,
    RelationType,
    Resolution,
)
from docbatch.pipeline.entities.base import CLIENTS_SEPARATOR
from docbatch.pipeline.options import RelateOptions
from docbatch.pipeline.resolve import entity_key

__all__ = [
    "CITED_TYPES",
    "EDGE_BUILDERS",
    "MAX_ENTITIES_PER_CHUNK",
    "MAX_ROWS_PER_ENTITY",
    "OPTIONAL_EDGE_BUILDERS",
    "PARTY_ROLES",
    "PARTY_TYPES",
    "EdgeBuilder",
    "RelateContext",
    "case_party_edges",
    "citation_edges",
    "co_occurrence_edges",
    "counsel_edges",
    "edge_builders",
    "filing_edges",
    "judge_edges",
    "relate",
    "role_edges",
]

#: Issue 17's bound on a document's typed relationship rows, per distinct entity.
MAX_ROWS_PER_ENTITY = 2
#: Entity types a document CITES.
CITED_TYPES = frozenset(
    {EntityType.CITATION, EntityType.STATUTE, EntityType.REGULATION, EntityType.COURT_RULE}
)
#: Entity types that can be a party.
PARTY_TYPES = frozenset({EntityType.PERSON, EntityType.ORGANIZATION})
#: Roles that make a person or organisation a party. Other roles (the extractor also
#: marks the "judge") are not party roles; another relation would be another builder.
PARTY_ROLES = frozenset(
    {
        "plaintiff", "defendant", "petitioner", "respondent", "appellant", "appellee",
        "intervenor", "debtor", "movant", "claimant", "creditor", "relator",
        "cross-appellant", "cross-appellee", "counterclaimant", "counter-defendant",
        "third-party plaintiff", "third-party defendant", "plaintiff in error",
        "defendant in error", "trustee", "u.s. trustee",
        # a bankruptcy docket's headings ("Joint Debtor", "Creditor Committee")
        "joint debtor", "creditor committee", "bankruptcy administrator",
        # a docket's parties given notice or an interest ("Notice Party", "Interested Party")
        "notice party", "interested party",
    }
)  # fmt: skip
#: At most this many entities of a chunk (the most mentioned, then the first seen) are
#: paired, so a chunk costs at most 50 * 49 / 2 = 1,225 pairs however dense it is.
MAX_ENTITIES_PER_CHUNK = 50
#: Two dates, or two amounts, in one chunk say little: a page of a schedule pairs every
#: date with every other. Date-amount pairs ("paid $5,000 on May 1") are kept.
_NOISE_TYPES = frozenset({EntityType.DATE, EntityType.MONEY})
#: The case-caption attributes of a citation mention, and the role each gives a party
#: ("party" is the one party of "In re X, LLC" or "X, LLC, 377 N.C. 391").
_CAPTION_ROLES = ("plaintiff", "defendant", "party")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RelateContext:
    """What an edge builder sees: the mentions, their entities and their chunks.

    ``assignments[i]`` and ``chunks_of[i]`` belong to ``mentions[i]``.
    """

    mentions: Sequence[Mention]
    assignments: Sequence[str]
    entities: Mapping[str, CanonicalEntity]
    chunks_of: Sequence[tuple[int, ...]]

    def type_of(self, position: int) -> EntityType:
        """The entity type of the ``position``-th mention's entity."""
        entity = self.entities.get(self.assignments[position])
        return entity.type if entity is not None else self.mentions[position].type

    def mentions_of(self, types: frozenset[EntityType]) -> Iterator[tuple[int, Mention, str]]:
        """``(position, mention, entity id)`` of every mention whose entity is of ``types``."""
        for position, mention in enumerate(self.mentions):
            if self.type_of(position) in types:
                yield position, mention, self.assignments[position]


#: An edge builder: one function per kind of edge.
EdgeBuilder = Callable[[RelateContext], Iterable[Relationship]]


def co_occurrence_edges(context: RelateContext) -> Iterator[Relationship]:
    """CO_OCCURS between entities sharing a chunk; weight is the number of such chunks.

    Edges are undirected (source < target), never self-loops, and skip date-date and
    money-money pairs. Only :data:`MAX_ENTITIES_PER_CHUNK` entities per chunk are paired.
    """
    per_chunk: dict[int, Counter[str]] = defaultdict(Counter)
    first_seen: dict[tuple[int, str], int] = {}
    types: dict[str, EntityType] = {}
    for position, mention in enumerate(context.mentions):
        entity = context.assignments[position]
        types[entity] = context.type_of(position)
        for chunk in context.chunks_of[position]:
            per_chunk[chunk][entity] += 1
            first_seen.setdefault((chunk, entity), mention.char_start)
    pair_chunks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for chunk in sorted(per_chunk):
        counts = per_chunk[chunk]
        ranked = sorted(counts, key=lambda e: (-counts[e], first_seen[chunk, e], e))
        for source, target in combinations(sorted(ranked[:MAX_ENTITIES_PER_CHUNK]), 2):
            if types[source] == types[target] and types[source] in _NOISE_TYPES:
                continue
            pair_chunks[source, target].append(chunk)
    for (source, target), chunks in pair_chunks.items():
        yield Relationship(RelationType.CO_OCCURS, source, target, len(chunks), tuple(chunks))


def citation_edges(context: RelateContext) -> Iterator[Relationship]:
    """CITES from the document to each authority; weight is the number of mentions."""
    counts: Counter[str] = Counter()
    evidence: dict[str, set[int]] = defaultdict(set)
    for position, _, entity in context.mentions_of(CITED_TYPES):
        counts[entity] += 1
        evidence[entity].update(context.chunks_of[position])
    for entity, count in counts.items():
        yield Relationship(
            RelationType.CITES, DOCUMENT_NODE, entity, count, tuple(sorted(evidence[entity]))
        )


def role_edges(context: RelateContext) -> Iterator[Relationship]:
    """PARTY_OF from a person or organisation to the document, one edge per role.

    The role is the mention's ``role`` attribute, casefolded and singular, when it is one
    of :data:`PARTY_ROLES`; weight is the number of mentions giving the entity that role.
    """
    counts: Counter[tuple[str, str]] = Counter()
    evidence: dict[tuple[str, str], set[int]] = defaultdict(set)
    for position, mention, entity in context.mentions_of(PARTY_TYPES):
        role = _party_role(mention.attributes.get("role", ""))
        if role is not None:
            counts[entity, role] += 1
            evidence[entity, role].update(context.chunks_of[position])
    for (entity, role), count in counts.items():
        yield Relationship(
            RelationType.PARTY_OF,
            entity,
            DOCUMENT_NODE,
            count,
            tuple(sorted(evidence[entity, role])),
            {"role": role},
        )


def _party_role(value: str) -> str | None:
    role = _SPACE.sub(" ", value).strip().casefold()
    if role.endswith("s") and role[:-1] in PARTY_ROLES:
        role = role[:-1]  # "Plaintiffs"
    elif role.endswith("s in error"):
        role = role[: -len("s in error")] + " in error"  # "Plaintiffs in error"
    return role if role in PARTY_ROLES else None


def case_party_edges(context: RelateContext) -> Iterator[Relationship]:
    """PARTY_OF from a person or organisation of this document to a case it is party to.

    A citation mention's ``plaintiff``/``defendant``/``party`` attributes (its caption,
    "X v. Y" or "In re X")
    are compared with the forms of this document's person and organisation mentions,
    casefolded and also as resolve keys ("Acme Holdings" finds "Acme Holdings, Inc.").
    Weight is the number of citation mentions naming the party.

    Only the document's own text counts, never the aliases its entities gathered from
    other documents of the project: those grow while a batch runs, so the same bytes
    would get other edges depending on what was processed before them.
    """
    parties = _party_index(context)
    counts: Counter[tuple[str, str, str]] = Counter()
    evidence: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for position, mention, case in context.mentions_of(frozenset({EntityType.CITATION})):
        for role in _CAPTION_ROLES:
            name = mention.attributes.get(role, "")
            matches = set().union(*(parties.get(form, ()) for form in _party_forms(name)))
            for party in matches - {case}:
                counts[party, case, role] += 1
                evidence[party, case, role].update(context.chunks_of[position])
    for (party, case, role), count in counts.items():
        chunks = tuple(sorted(evidence[party, case, role]))
        yield Relationship(RelationType.PARTY_OF, party, case, count, chunks, {"role": role})


def _party_forms(name: str, types: Iterable[EntityType] = PARTY_TYPES) -> set[tuple[str, str]]:
    """The lookup forms of a name: casefolded, and as the key of each party type."""
    plain = _SPACE.sub(" ", name).strip().casefold()
    if not plain:
        return set()
    return {("", plain), *((t.value, entity_key(t, name)) for t in types)}


def _party_index(context: RelateContext) -> dict[tuple[str, str], set[str]]:
    """Lookup form -> ids of the entities of this document's party mentions."""
    index: dict[tuple[str, str], set[str]] = defaultdict(set)
    for position, mention, entity_id in context.mentions_of(PARTY_TYPES):
        kind = context.type_of(position)
        for name in {mention.text, mention.normalized}:
            for form in _party_forms(name, (kind,)):
                index[form].add(entity_id)
    return index


def judge_edges(context: RelateContext) -> Iterator[Relationship]:
    """JUDGE_OF from every person a judge cue names to the document."""
    counts: Counter[str] = Counter()
    evidence: dict[str, set[int]] = defaultdict(set)
    for position, mention, entity in context.mentions_of(frozenset({EntityType.PERSON})):
        if mention.attributes.get("role") == "judge":
            counts[entity] += 1
            evidence[entity].update(context.chunks_of[position])
    for entity, count in counts.items():
        yield Relationship(
            RelationType.JUDGE_OF, entity, DOCUMENT_NODE, count, tuple(sorted(evidence[entity]))
        )


def counsel_edges(context: RelateContext, *, every: bool = True) -> Iterator[Relationship]:
    """COUNSEL_FOR from an attorney or firm to its client, found in this document.

    The client is the ``counsel_for`` attribute: a party's name (matched like
    :func:`case_party_edges` matches captions) or a role: in the singular ("for
    Appellant") it names the first party of the document given that role, in the plural
    ("for Plaintiffs", "for the defendants") every one (unless ``every`` is false: then
    the first, as a caption's "et al.", see :func:`relate`). A client found nowhere in the
    document gives no edge.
    """
    parties = _party_index(context)
    # every party given a role, in the order the document names them
    roles: dict[str, list[str]] = {}
    for _, mention, entity in context.mentions_of(PARTY_TYPES):
        for key in ("role", "appeal_role"):
            role = _party_role(mention.attributes.get(key, ""))
            if role is not None and entity not in roles.setdefault(role, []):
                roles[role].append(entity)
    counts, evidence = _counsel_pairs(context, parties, roles, every=every)
    for (counsel, party), count in counts.items():
        chunks = tuple(sorted(evidence[counsel, party]))
        yield Relationship(RelationType.COUNSEL_FOR, counsel, party, count, chunks)


def _counsel_pairs(
    context: RelateContext,
    parties: dict[tuple[str, str], set[str]],
    roles: dict[str, list[str]],
    *,
    every: bool,
) -> tuple[Counter[tuple[str, str]], dict[tuple[str, str], set[int]]]:
    """``(counsel, party)`` pairs with their weights and evidence chunks; a role in the
    plural, or a list of clients ("for Defendants A, B, and C"), names every party given
    it or named when ``every``, else the first."""
    counts: Counter[tuple[str, str]] = Counter()
    evidence: dict[tuple[str, str], set[int]] = defaultdict(set)
    for position, mention, counsel in context.mentions_of(PARTY_TYPES):
        written = mention.attributes.get("counsel_for", "")
        clients = [c for c in written.split(CLIENTS_SEPARATOR) if c]
        for client in clients if every else clients[:1]:
            for party in _clients(client, parties, roles, every=every) - {counsel}:
                counts[counsel, party] += 1
                evidence[counsel, party].update(context.chunks_of[position])
    return counts, evidence


def _clients(
    client: str,
    parties: dict[tuple[str, str], set[str]],
    roles: dict[str, list[str]],
    *,
    every: bool = True,
) -> set[str]:
    """The parties a client as written names: by name, by surname, or by role (a role in
    the plural, "for the defendants", names every party given it; in the singular, the
    first)."""
    named = set().union(*(parties.get(form, ()) for form in _party_forms(client)))
    if not named:  # "Counsel for Haitao Xiang" where the text calls him "Dr. Xiang"
        named = parties.get(("", client.split()[-1].casefold()), set())
    if not named:  # "Plaintiff in error": the whole role before its words
        named = _given(roles, client, every)
    if not named:
        words = re.split(r"[\s\-\u2013\u2014]+", re.sub(r"\(s\)", "", client))
        named = set().union(*(_given(roles, word, every) for word in words))
    return named


def _given(roles: dict[str, list[str]], written: str, every: bool) -> set[str]:
    """The parties a role as written names: all of them for a plural (when ``every``),
    else the first."""
    given = roles.get(_party_role(written) or "", [])
    plural = re.search(r"s(?: in error)?$", written.strip(), re.IGNORECASE) is not None
    return set(given if plural and every else given[:1])


def filing_edges(context: RelateContext) -> Iterator[Relationship]:
    """FILED_ON to every date marked ``filed``; DECIDED_BY to the court marked ``heading``."""
    counts: Counter[tuple[RelationType, str]] = Counter()
    evidence: dict[tuple[RelationType, str], set[int]] = defaultdict(set)
    for position, mention in enumerate(context.mentions):
        if mention.type is EntityType.DATE and mention.attributes.get("filed") == "true":
            key = (RelationType.FILED_ON, context.assignments[position])
        elif mention.type is EntityType.COURT and mention.attributes.get("heading") == "true":
            key = (RelationType.DECIDED_BY, context.assignments[position])
        else:
            continue
        counts[key] += 1
        evidence[key].update(context.chunks_of[position])
    for (kind, entity), count in counts.items():
        chunks = tuple(sorted(evidence[kind, entity]))
        yield Relationship(kind, DOCUMENT_NODE, entity, count, chunks)


#: The edge builders :func:`relate` always runs, in no particular order.
EDGE_BUILDERS: tuple[EdgeBuilder, ...] = (
    citation_edges,
    role_edges,
    case_party_edges,
    judge_edges,
    counsel_edges,
    filing_edges,
)
#: Builders run only when their :class:`RelateOptions` flag is set.
OPTIONAL_EDGE_BUILDERS: tuple[EdgeBuilder, ...] = (co_occurrence_edges,)


def edge_builders(options: RelateOptions) -> tuple[EdgeBuilder, ...]:
    """The builders ``options`` asks for: :data:`EDGE_BUILDERS`, plus CO_OCCURS if set."""
    return EDGE_BUILDERS + ((co_occurrence_edges,) if options.co_occurs else ())


def relate(
    mentions: Sequence[Mention],
    resolution: Resolution,
    chunks: Sequence[Chunk],
    *,
    options: RelateOptions | None = None,
    builders: Sequence[EdgeBuilder] | None = None,
) -> tuple[Relationship, ...]:
    """Run the edge builders over one document's mentions and return the edges.

    ``builders`` overrides the ones ``options`` selects (:func:`edge_builders`; by
    default no CO_OCCURS). ``resolution.assignments`` must hold one entity id per
    mention. The result is sorted by type, source, target and attributes, so equal
    input gives equal output.
    """
    if builders is None:
        builders = edge_builders(options or RelateOptions())
    if len(resolution.assignments) != len(mentions):
        raise PermanentError(
            f"relate: {len(mentions)} mentions but {len(resolution.assignments)} assignments",
            code="inconsistent_resolution",
        )
    context = RelateContext(
        mentions=mentions,
        assignments=resolution.assignments,
        entities={entity.id: entity for entity in resolution.entities},
        chunks_of=_chunks_of_mentions(mentions, chunks),
    )
    edges = [edge for builder in builders for edge in builder(context)]
    typed = [e for e in edges if e.type is not RelationType.CO_OCCURS]  # opt-in noise aside
    if counsel_edges in builders and len(typed) > MAX_ROWS_PER_ENTITY * len(
        set(resolution.assignments)
    ):
        # a role of many parties ("for Plaintiffs" of eight, by fifteen attorneys) or a long
        # list of clients outgrew the rows a document may have: there a plural role or a
        # list names its lead party only
        edges = [e for e in edges if e.type is not RelationType.COUNSEL_FOR]
        edges += counsel_edges(context, every=False)
    return tuple(sorted(edges, key=_edge_order))


def _edge_order(edge: Relationship) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
    return (edge.type.value, edge.source, edge.target, tuple(sorted(edge.attributes.items())))


def _chunks_of_mentions(
    mentions: Sequence[Mention], chunks: Sequence[Chunk]
) -> list[tuple[int, ...]]:
    """The indexes of the chunks holding each mention (by span, plus its chunk_index)."""
    ordered = sorted(chunks, key=lambda c: (c.char_start, c.index))
    starts = [chunk.char_start for chunk in ordered]
    indexes = {chunk.index for chunk in ordered}
    holding = []
    for mention in mentions:
        found = set()
        if 0 <= mention.char_start < mention.char_end:
            # Chunk ends grow with their starts: walk back while the chunk still holds it.
            position = bisect_right(starts, mention.char_start) - 1
            while position >= 0 and ordered[position].char_end >= mention.char_end:
                found.add(ordered[position].index)
                position -= 1
        if mention.chunk_index >= 0 and (not ordered or mention.chunk_index in indexes):
            found.add(mention.chunk_index)
        holding.append(tuple(sorted(found)))
    return holding
