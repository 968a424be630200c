"""The real-document gold set: hand annotations of real court filings, and their scoring.

Each file of ``tests/golden/real/*.json`` annotates one real filing kept under
``tests/fixtures/real`` (see the annotation guide, ``tests/golden/real/README.md``):

- ``entities``: per type, the document's distinct entities. An entry is a name, or a list
  of the names of one entity ("Nichole Marie Jagels", "Nichole M. Jagels", "Jagels"; a
  case and its parallel citations);
- ``relations``: ``party_of`` as ``[name, role]`` (a role such as "plaintiff-appellant"
  accepts "plaintiff", "appellant" or the whole), ``counsel_for`` as ``[attorney,
  party]``, ``judge_of``, ``filed_on`` and ``decided_by`` as the judge, date or court.

Scoring counts distinct entities per document, summed over documents per type (micro
average). A predicted value is a true positive when it names a gold entity of its type;
several predicted values naming one gold entity (a name and its short form) count once,
and a predicted value naming none is a false positive. Names are compared casefolded,
without periods and commas, with single spaces (``match_key``). Party roles are also
scored as the share of the gold parties given a role whose role is right, and the result
says the most relationship rows any document has per distinct entity.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import REPO_ROOT
from bench.pure import DocumentResult, process_file
from docbatch.models import DOCUMENT_NODE, RelationType
from docbatch.pipeline.options import PipelineOptions

__all__ = [
    "FIXTURES",
    "GOLD_DIR",
    "RELATIONS",
    "GoldDocument",
    "load_gold",
    "match_key",
    "measure_real",
    "predicted_relations",
    "prf",
]

#: The annotations, one JSON file per document.
GOLD_DIR = REPO_ROOT / "tests" / "golden" / "real"
#: The annotated documents (``document`` in an annotation is relative to this folder).
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "real"
#: The relations the gold set annotates.
RELATIONS = ("party_of", "counsel_for", "judge_of", "filed_on", "decided_by")

_DROP = re.compile(r"[.,\u2019'`\"]")


def match_key(value: str) -> str:
    """How names are compared: casefolded, no periods, commas or quotes, single spaces."""
    dashed = value.replace("\u2014", "-").replace("\u2013", "-")  # a typeset "5:17\u2013cr\u201374"
    return " ".join(_DROP.sub(" ", dashed).casefold().split())


@dataclass(frozen=True)
class GoldDocument:
    """One annotated document: its path, its entities and its relations."""

    name: str
    path: Path
    entities: Mapping[str, tuple[tuple[str, ...], ...]]
    relations: Mapping[str, tuple[tuple[str, ...], ...]]

    def entity_index(self, types: Iterable[str]) -> dict[str, str]:
        """``match_key`` of every name of the entities of ``types`` -> the entity's first name."""
        index: dict[str, str] = {}
        for kind in types:
            for names in self.entities.get(kind, ()):
                for name in names:
                    index.setdefault(match_key(name), names[0])
        return index


def load_gold(folder: Path = GOLD_DIR, fixtures: Path = FIXTURES) -> list[GoldDocument]:
    """Every annotation of ``folder``, sorted by file name."""
    documents = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        entities = {
            kind: tuple(_names(entry) for entry in entries)
            for kind, entries in data["entities"].items()
        }
        relations = {
            kind: tuple(_names(entry) for entry in entries)
            for kind, entries in data.get("relations", {}).items()
        }
        documents.append(GoldDocument(path.stem, fixtures / data["document"], entities, relations))
    return documents


def _names(entry: str | Sequence[str]) -> tuple[str, ...]:
    return (entry,) if isinstance(entry, str) else tuple(entry)


def measure_real(
    documents: Sequence[GoldDocument], options: PipelineOptions | None = None
) -> dict[str, Any]:
    """Run every stage over each gold document and score entities and relations."""
    options = options or PipelineOptions()
    tp: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    rtp: Counter[str] = Counter()
    rpredicted: Counter[str] = Counter()
    rexpected: Counter[str] = Counter()
    per_document: dict[str, dict[str, Any]] = {}
    roles: Counter[str] = Counter()
    for document in documents:
        result = process_file(document.path, options)
        counts = _score_entities(document, result)
        relation_counts = _score_relations(document, result)
        for kind, (t, p, e) in counts.items():
            tp[kind] += t
            predicted[kind] += p
            expected[kind] += e
        for kind, (t, p, e) in relation_counts.items():
            rtp[kind] += t
            rpredicted[kind] += p
            rexpected[kind] += e
        found, right = _party_roles(document, result)
        roles["parties"] += len(document.relations.get("party_of", ()))
        roles["found"] += found
        roles["right"] += right
        per_document[document.name] = {
            "relationship_rows": len(result.relationships),
            "distinct_entities": len(result.resolution.entities),
            "misses": _misses(document, result),
        }
    return {
        "documents": len(documents),
        "types": _table(tp, predicted, expected, set(expected)),
        "overall": prf(
            sum(tp[k] for k in expected),
            sum(predicted[k] for k in expected),
            sum(expected.values()),
        ),
        "relations": _table(rtp, rpredicted, rexpected, set(RELATIONS)),
        "party_roles": {
            **roles,
            "accuracy": round(roles["right"] / roles["found"], 4) if roles["found"] else 0.0,
        },
        "rows_per_entity_max": max(
            (
                d["relationship_rows"] / max(1, d["distinct_entities"])
                for d in per_document.values()
            ),
            default=0.0,
        ),
        "per_document": per_document,
    }


def _table(
    tp: Counter[str], predicted: Counter[str], expected: Counter[str], kinds: set[str]
) -> dict[str, dict[str, Any]]:
    table = {}
    for kind in sorted(kinds | set(predicted)):
        counts = {"true_positives": tp[kind], "predicted": predicted[kind]}
        table[kind] = {
            **counts,
            "expected": expected[kind],
            **prf(tp[kind], predicted[kind], expected[kind]),
        }
    return table


def prf(tp: int, predicted: int, expected: int) -> dict[str, float]:
    """Precision, recall and F1 from counts (0.0 where undefined)."""
    precision = tp / predicted if predicted else 0.0
    recall = tp / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _predicted_values(result: DocumentResult) -> dict[str, set[str]]:
    values: dict[str, set[str]] = {}
    for mention in result.mentions:
        values.setdefault(mention.type.value, set()).add(mention.normalized)
    return values


def _score_entities(
    document: GoldDocument, result: DocumentResult
) -> dict[str, tuple[int, int, int]]:
    found = _predicted_values(result)
    counts = {}
    for kind in set(found) | set(document.entities):
        index = document.entity_index([kind])
        named = {index.get(match_key(value), "\0" + value) for value in found.get(kind, ())}
        hits = {name for name in named if not name.startswith("\0")}
        counts[kind] = (len(hits), len(named), len(document.entities.get(kind, ())))
    return counts


def _misses(document: GoldDocument, result: DocumentResult) -> dict[str, dict[str, list[str]]]:
    """Per type, the gold entities not found and the predicted values naming none."""
    found = _predicted_values(result)
    misses: dict[str, dict[str, list[str]]] = {}
    for kind in sorted(set(found) | set(document.entities)):
        index = document.entity_index([kind])
        named = {index.get(match_key(value)) for value in found.get(kind, ())}
        missed = [names[0] for names in document.entities.get(kind, ()) if names[0] not in named]
        extra = sorted(v for v in found.get(kind, ()) if match_key(v) not in index)
        if missed or extra:
            misses[kind] = {"missed": missed, "extra": extra}
    return misses


def predicted_relations(result: DocumentResult) -> dict[str, set[tuple[str, ...]]]:
    """The gold-set relations ``result`` holds, as tuples of entity names (and a role)."""
    names = {entity.id: entity.name for entity in result.resolution.entities}
    wanted = {RelationType(kind) for kind in RELATIONS if kind in RelationType.__members__.values()}
    relations: dict[str, set[tuple[str, ...]]] = {kind: set() for kind in RELATIONS}
    for edge in result.relationships:
        if edge.type not in wanted:
            continue
        source, target = names.get(edge.source, ""), names.get(edge.target, "")
        if edge.type is RelationType.PARTY_OF:
            if edge.target == DOCUMENT_NODE:
                relations["party_of"].add((source, edge.attributes.get("role", "")))
        elif edge.type.value == "counsel_for":
            relations["counsel_for"].add((source, target))
        elif edge.type.value == "judge_of":
            relations["judge_of"].add((source,))
        elif edge.type.value in ("filed_on", "decided_by"):
            relations[edge.type.value].add((target,))
    return relations


def _score_relations(
    document: GoldDocument, result: DocumentResult
) -> dict[str, tuple[int, int, int]]:
    people = document.entity_index(["person", "organization"])
    courts = document.entity_index(["court"])
    dates = document.entity_index(["date"])
    lookups = {"counsel_for": (people, people), "judge_of": (people,), "filed_on": (dates,),
               "decided_by": (courts,)}  # fmt: skip
    predicted = predicted_relations(result)
    counts = {}
    for kind in RELATIONS:
        gold = document.relations.get(kind, ())
        if kind == "party_of":
            roles = {people.get(match_key(name), name): _roles(role) for name, role in gold}
            named: set[tuple[str, ...]] = set()
            for name, role in predicted[kind]:
                party = people.get(match_key(name), "\0" + name)
                named.add((party, "ok") if role in roles.get(party, ()) else (party, role))
            hits = {pair for pair in named if pair[1] == "ok"}
        else:
            tables = lookups[kind]
            gold_keys = {tuple(t.get(match_key(n), n) for t, n in zip(tables, g, strict=True))
                         for g in gold}  # fmt: skip
            named = {tuple(t.get(match_key(n), "\0" + n) for t, n in zip(tables, p, strict=True))
                     for p in predicted[kind]}  # fmt: skip
            hits = named & gold_keys
        counts[kind] = (len(hits), len(named), len(gold))
    return counts


def _party_roles(document: GoldDocument, result: DocumentResult) -> tuple[int, int]:
    """Of the gold parties given any party role: how many, and how many with a right one."""
    people = document.entity_index(["person", "organization"])
    predicted: dict[str, set[str]] = {}
    for name, role in predicted_relations(result)["party_of"]:
        predicted.setdefault(people.get(match_key(name), ""), set()).add(role)
    found = right = 0
    for name, role in document.relations.get("party_of", ()):
        roles = predicted.get(people.get(match_key(name), name))
        if roles:
            found += 1
            right += bool(roles & _roles(role))
    return found, right


def _roles(role: str) -> frozenset[str]:
    """ "plaintiff-appellant" accepts "plaintiff", "appellant" and the whole."""
    role = role.casefold()
    return frozenset({role, *role.split("-")})
