"""Resolve mentions to project-wide canonical entities.

Every mention gets a normalised *key* for its type (:func:`mention_key`):

- citations: ``"<volume> <reporter> <page>"`` from the ``volume``/``reporter``/``page``
  attributes or from ``normalized`` ("550 U.S. 544, 570" and "550 U.S. 544" agree; the
  reporter loses case and spaces, so "F. Supp. 3d" and "F.Supp.3d" agree);
- statutes, regulations, court rules: case, spaces, "§", "Sec."/"Section" and periods
  after letters dropped ("15 U.S.C. § 78j(b)" and "15 USC Sec. 78j(b)" agree);
- courts: the abbreviation without periods or spaces, "2nd"/"3rd" as "2d"/"3d";
- case numbers: without "No."/"Case No."/"Docket No.", case-insensitive;
- dates and money: the normalised value, exactly;
- people: case and punctuation dropped, "Smith, John" read as "John Smith", titles
  ("Mr.", "Judge") and degrees dropped, *middle initials dropped* ("John R. Smith" is
  "john smith"; the price is that "John Q. Smith" is too), "Jr."/"III" kept;
- organisations: case and punctuation dropped, "&" read as "and", a leading "the" and
  trailing legal forms (Inc., LLC, Corp., Ltd., Co., L.P., ...) dropped from the key.

Mentions with equal (type, key) are one entity. People, organisations and courts are
also matched fuzzily, against the known entities and against each other, with
:func:`rapidfuzz.fuzz.ratio` over the key's words sorted - that is ``token_sort_ratio``,
chosen because word order varies ("Smith John") while ``WRatio``'s partial matching
would merge "Acme" with "Acme Bank". Thresholds per type: :data:`DEFAULT_THRESHOLDS`.
Candidates are *blocked* first: only keys sharing a word, or the first three letters of
the sorted key, are scored, so the cost follows the number of plausible pairs rather
than mentions x known entities.

An entity's name is its most common ``normalized`` form (ties: not in capitals, then the
longest, then the smallest); its aliases are every distinct ``text`` and ``normalized``
form of its mentions. A known entity keeps its name and gains new aliases at the end.

Ids depend on type and key only (:func:`entity_id`). New keys are visited most frequent
first, then in key order; a key that matches no known entity and no earlier new key
founds an entity, so the result does not depend on the order of the mentions.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from docbatch.errors import ConfigError
from docbatch.models import CanonicalEntity, EntityType, Mention, Resolution

__all__ = ["DEFAULT_THRESHOLDS", "entity_id", "entity_key", "mention_key", "resolve"]

#: Minimum fuzzy score (0-100) for two keys of a type to be one entity. Types not listed
#: are matched by exact key only: a citation, date or amount one digit off is another one.
DEFAULT_THRESHOLDS: Mapping[EntityType, float] = {
    EntityType.PERSON: 92.0,
    EntityType.ORGANIZATION: 90.0,
    EntityType.COURT: 95.0,
}

_CITATION = re.compile(r"^\s*(\d+)\s+(.+?)\s+(\d+)\b")
_SECTION_WORD = re.compile(r"(?<![^\W\d_])(?:(?:sections?|secs?)(?![^\W\d_])\.?|§+)")
_PERIOD_AFTER_LETTER = re.compile(r"(?<=[^\W\d_])\.")
_SPACE = re.compile(r"\s+")
_ORDINAL = re.compile(r"(\d)(?:nd|rd)\b")
_CASE_PREFIX = re.compile(r"^(?:(?:case|docket|civil action|civ|cv|index)\b\.?\s*)?nos?\b\.?\s*")
_NOT_NAME = re.compile(r"[^\w\s,]")
# Word lists, split once: legal forms dropped from organisation keys; titles, degrees
# and generations ("Jr." is another person than his father, so it stays in the key).
_ORG_FORM_WORDS = "inc incorporated corp corporation co company ltd limited llc lp llp lllp plc"
_ORG_FORMS = frozenset((_ORG_FORM_WORDS + " pc pllc pa na sa ag gmbh bv nv").split())
_TITLE_WORDS = "mr mrs ms miss dr hon honorable judge justice chief the"
_TITLES = frozenset(_TITLE_WORDS.split())
_DEGREE_WORDS = "esq esquire phd md jd"
_DEGREES = frozenset(_DEGREE_WORDS.split())
_GENERATION_WORDS = "jr sr ii iii iv"
_GENERATIONS = frozenset(_GENERATION_WORDS.split())
#: One country's names, one key: a docket's party "USA", a caption's "United States of
#: America" and an opinion's "United States" are one entity across a project.
_UNITED_STATES = frozenset({"usa", "us", "united states", "united states of america"})


def entity_id(entity_type: EntityType, key: str) -> str:
    """The canonical id of the entity of ``entity_type`` with normalised ``key``."""
    digest = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{entity_type.value}:{digest[:16]}"


def entity_key(entity_type: EntityType, value: str) -> str:
    """The normalised key of ``value`` read as an entity of ``entity_type``."""
    value = unicodedata.normalize("NFKC", value).strip()
    if entity_type is EntityType.CITATION:
        return _citation_key(value)
    if entity_type in (EntityType.STATUTE, EntityType.REGULATION, EntityType.COURT_RULE):
        return _code_key(value)
    if entity_type is EntityType.COURT:
        return _SPACE.sub("", _ORDINAL.sub(r"\1d", value.casefold().replace(".", "")))
    if entity_type is EntityType.CASE_NUMBER:
        return _SPACE.sub("", _CASE_PREFIX.sub("", value.casefold()))
    if entity_type is EntityType.PERSON:
        return _person_key(value)
    if entity_type is EntityType.ORGANIZATION:
        return _organization_key(value)
    return _SPACE.sub(" ", value)


def mention_key(mention: Mention) -> str:
    """The normalised key of ``mention`` (see the module doc for the rules per type)."""
    attributes = mention.attributes
    if mention.type is EntityType.CITATION and all(
        attributes.get(name) for name in ("volume", "reporter", "page")
    ):
        return _citation_key(
            f"{attributes['volume']} {attributes['reporter']} {attributes['page']}"
        )
    return entity_key(mention.type, mention.normalized.strip() or mention.text)


def _citation_key(value: str) -> str:
    match = _CITATION.match(value)
    # "550 U.S. at 556" is a short form without the first page: keep it whole.
    if match is None or match.group(2).casefold().endswith(" at"):
        return _SPACE.sub(" ", value.casefold())
    volume, reporter, page = match.groups()
    return f"{int(volume)} {_SPACE.sub('', reporter.casefold())} {int(page)}"


def _code_key(value: str) -> str:
    value = _SECTION_WORD.sub(" ", value.casefold().rstrip(".,;: "))
    return _SPACE.sub("", _PERIOD_AFTER_LETTER.sub("", value))


def _words(value: str) -> str:
    """Casefolded, periods dropped ("L.L.C." is "llc"), other punctuation a space."""
    value = value.casefold().replace("&", " and ").replace(".", "")
    return _NOT_NAME.sub(" ", value)


def _person_key(value: str) -> str:
    parts = [part.split() for part in _words(value).split(",")]
    parts = [part for part in parts if part]
    generations = [w for part in parts for w in part if w in _GENERATIONS]
    names = [
        [w for w in part if w not in _GENERATIONS and w not in _DEGREES and w not in _TITLES]
        for part in parts
    ]
    names = [part for part in names if part]
    if len(names) == 2:
        names.reverse()  # "Smith, John" names the same person as "John Smith"
    tokens = [w for part in names for w in part]
    # Middle initials are often dropped or added between documents.
    if len(tokens) > 2:
        tokens = [tokens[0], *(w for w in tokens[1:-1] if len(w) > 1), tokens[-1]]
    return " ".join(tokens + generations) or _SPACE.sub(" ", value.casefold())


def _organization_key(value: str) -> str:
    tokens = _words(value).replace(",", " ").split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] in _ORG_FORMS:
        tokens.pop()
    if " ".join(tokens) in _UNITED_STATES:
        return "united states"
    return " ".join(tokens) or _SPACE.sub(" ", value.casefold())


def _blocking_keys(sorted_key: str) -> set[str]:
    # "\0" marks the prefix key so it never collides with a word.
    return {*sorted_key.split(), "\0" + sorted_key[:3]}


@dataclass
class _FuzzyPool:
    """The entities new keys of one type may fuzzily join, blocked by word and prefix."""

    threshold: float
    keys: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    known: list[bool] = field(default_factory=list)
    blocks: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, key: str, entity: str, *, known: bool) -> None:
        """Make ``key`` (owned by entity id ``entity``) a candidate for later keys."""
        sorted_key = " ".join(sorted(key.split()))
        if not sorted_key:
            return
        for block in _blocking_keys(sorted_key):
            self.blocks[block].append(len(self.keys))
        self.keys.append(sorted_key)
        self.ids.append(entity)
        self.known.append(known)

    def best(self, key: str) -> str | None:
        """The id of the best-scoring candidate at or above the threshold, if any."""
        sorted_key = " ".join(sorted(key.split()))
        candidates = sorted(
            {i for block in _blocking_keys(sorted_key) for i in self.blocks.get(block, ())}
        )
        if not sorted_key or not candidates:
            return None
        matches = process.extract(
            sorted_key,
            [self.keys[i] for i in candidates],
            scorer=fuzz.ratio,
            score_cutoff=self.threshold,
            limit=None,
        )
        if not matches:
            return None
        # Highest score; then a known entity over a new one; then the smallest key.
        _, _, position = min(
            matches,
            key=lambda m: (-m[1], not self.known[candidates[m[2]]], self.keys[candidates[m[2]]]),
        )
        return self.ids[candidates[position]]


@dataclass
class _Group:
    """The mentions that share one (type, key)."""

    count: int = 0
    forms: Counter[str] = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)


def resolve(
    mentions: Sequence[Mention],
    known: Sequence[CanonicalEntity] = (),
    *,
    thresholds: Mapping[EntityType, float] | None = None,
) -> Resolution:
    """Assign every mention a canonical entity, reusing ``known`` entities where they match.

    ``thresholds`` overrides :data:`DEFAULT_THRESHOLDS` per type (0-100; 100 still
    merges keys with the same words in another order). A threshold for a type that is
    matched exactly only raises :class:`~docbatch.errors.ConfigError`.

    Returns the entities the mentions refer to (known ones with any new aliases added),
    sorted by id, and one entity id per mention, in input order.
    """
    limits = _thresholds(thresholds)
    keys = [(mention.type, mention_key(mention)) for mention in mentions]
    groups: dict[tuple[EntityType, str], _Group] = defaultdict(_Group)
    for mention, type_key in zip(mentions, keys, strict=True):
        group = groups[type_key]
        group.count += 1
        group.forms[mention.normalized.strip() or mention.text.strip()] += 1
        group.aliases.update(f for f in (mention.text.strip(), mention.normalized.strip()) if f)
    known_by_id = {entity.id: entity for entity in sorted(known, key=lambda e: e.id)}
    owner = _assign_keys(groups, list(known_by_id.values()), limits)
    entities = _build_entities(groups, owner, known_by_id)
    return Resolution(entities=entities, assignments=tuple(owner[k] for k in keys))


def _thresholds(overrides: Mapping[EntityType, float] | None) -> dict[EntityType, float]:
    limits = dict(DEFAULT_THRESHOLDS)
    for entity_type, value in (overrides or {}).items():
        if entity_type not in DEFAULT_THRESHOLDS:
            raise ConfigError(f"{entity_type} entities are matched exactly; no threshold applies")
        if not 0 < value <= 100:
            raise ConfigError(f"fuzzy threshold for {entity_type} must be in (0, 100], got {value}")
        limits[entity_type] = float(value)
    return limits


def _assign_keys(
    groups: Mapping[tuple[EntityType, str], _Group],
    known: Sequence[CanonicalEntity],
    limits: Mapping[EntityType, float],
) -> dict[tuple[EntityType, str], str]:
    """The entity id owning each (type, key): known by key, fuzzy, or a new one."""
    exact: dict[tuple[EntityType, str], str] = {}
    for entity in known:  # sorted by id, so the first of duplicate keys wins
        exact.setdefault((entity.type, entity.key), entity.id)
    owner: dict[tuple[EntityType, str], str] = {}
    pools: dict[EntityType, _FuzzyPool] = {}
    # Most frequent first, then by key: the founder of a fuzzy cluster is deterministic.
    for type_key in sorted(groups, key=lambda tk: (tk[0].value, -groups[tk].count, tk[1])):
        entity_type, key = type_key
        if type_key in exact:
            owner[type_key] = exact[type_key]
            continue
        if entity_type not in limits:
            owner[type_key] = entity_id(entity_type, key)
            continue
        if entity_type not in pools:
            pools[entity_type] = _known_pool(entity_type, known, limits[entity_type])
        match = pools[entity_type].best(key)
        if match is None:
            match = entity_id(entity_type, key)
            pools[entity_type].add(key, match, known=False)
        owner[type_key] = match
    return owner


def _known_pool(
    entity_type: EntityType, known: Iterable[CanonicalEntity], threshold: float
) -> _FuzzyPool:
    pool = _FuzzyPool(threshold)
    for entity in known:
        if entity.type is entity_type:
            pool.add(entity.key, entity.id, known=True)
    return pool


def _build_entities(
    groups: Mapping[tuple[EntityType, str], _Group],
    owner: Mapping[tuple[EntityType, str], str],
    known_by_id: Mapping[str, CanonicalEntity],
) -> tuple[CanonicalEntity, ...]:
    """One entity per owning id: known ones gain aliases, new ones get a display name."""
    members: dict[str, list[tuple[EntityType, str]]] = defaultdict(list)
    for type_key, entity in owner.items():
        members[entity].append(type_key)
    entities = []
    for entity, type_keys in sorted(members.items()):
        forms: Counter[str] = Counter()
        aliases: set[str] = set()
        for type_key in type_keys:
            forms.update(groups[type_key].forms)
            aliases |= groups[type_key].aliases
        if entity in known_by_id:
            old = known_by_id[entity]
            extra = sorted(aliases - set(old.aliases))
            entities.append(
                CanonicalEntity(old.id, old.type, old.key, old.name, (*old.aliases, *extra))
            )
            continue
        entity_type = type_keys[0][0]
        # The founding key is the one whose id this is.
        key = next(k for t, k in type_keys if entity_id(t, k) == entity)
        # The most common form; on a tie the one not in capitals, then the fuller one.
        name = min(forms, key=lambda f: (-forms[f], f.isupper(), -len(f), f))
        entities.append(CanonicalEntity(entity, entity_type, key, name, tuple(sorted(aliases))))
    return tuple(entities)
