"""Tests for the resolve stage: keys per type, fuzzy matching, determinism, known entities."""

from __future__ import annotations

import random
import time
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docbatch.errors import ConfigError
from docbatch.models import CanonicalEntity, EntityType, Mention, Resolution
from docbatch.pipeline.resolve import entity_id, entity_key, mention_key, resolve

T = EntityType


def mention(
    entity_type: EntityType,
    text: str,
    normalized: str | None = None,
    attributes: Mapping[str, str] | None = None,
) -> Mention:
    return Mention(
        type=entity_type,
        text=text,
        normalized=text if normalized is None else normalized,
        char_start=0,
        char_end=len(text),
        chunk_index=0,
        page=1,
        confidence=0.9,
        extractor="test",
        attributes=dict(attributes or {}),
    )


def entity_of(resolution: Resolution, entity: str) -> CanonicalEntity:
    (found,) = [e for e in resolution.entities if e.id == entity]
    return found


def distinct(resolution: Resolution) -> int:
    return len(set(resolution.assignments))


MIXED = [
    mention(T.ORGANIZATION, "Acme Holdings, Inc."),
    mention(T.ORGANIZATION, "ACME HOLDINGS INC"),
    mention(T.ORGANIZATION, "Acme Holdings"),
    mention(T.ORGANIZATION, "Acme Holding Inc."),
    mention(T.PERSON, "John R. Smith"),
    mention(T.PERSON, "John Smith"),
    mention(T.PERSON, "Smith, John"),
    mention(T.PERSON, "Jane Smith"),
    mention(T.PERSON, "Jon Smith"),
    mention(T.CITATION, "550 U.S. 544, 570", "550 U.S. 544"),
    mention(T.CITATION, "Twombly, 550 U.S. at 556", "550 U.S. 544"),
    mention(T.CITATION, "556 U.S. 662"),
    mention(T.DATE, "March 14, 2023", "2023-03-14"),
    mention(T.DATE, "March 15, 2023", "2023-03-15"),
    mention(T.COURT, "2d Cir.", "2d Cir."),
    mention(T.COURT, "2nd Cir.", "2nd Cir."),
]


def test_organisation_forms_are_one_entity() -> None:
    resolution = resolve(MIXED[:4])
    assert distinct(resolution) == 1
    (entity,) = resolution.entities
    assert entity.key == "acme holdings"
    assert set(entity.aliases) == {m.text for m in MIXED[:4]}
    # Every form appears once: the tie goes to the fullest form not in capitals.
    assert entity.name == "Acme Holdings, Inc."


def test_middle_initial_and_inverted_name_are_the_same_person() -> None:
    resolution = resolve(MIXED[4:7])
    assert distinct(resolution) == 1
    assert resolution.entities[0].key == "john smith"


def test_different_first_names_are_different_people() -> None:
    resolution = resolve([mention(T.PERSON, "John Smith"), mention(T.PERSON, "Jane Smith")])
    assert distinct(resolution) == 2


def test_one_letter_typo_joins_the_more_frequent_spelling() -> None:
    people = [mention(T.PERSON, "Jon Smith"), *[mention(T.PERSON, "John Smith")] * 2]
    resolution = resolve(people)
    assert distinct(resolution) == 1
    assert resolution.entities[0].key == "john smith"
    assert resolution.entities[0].name == "John Smith"


def test_citations_with_other_pin_cites_and_short_forms_are_one_entity() -> None:
    resolution = resolve(MIXED[9:12])
    first, short, other = resolution.assignments
    assert first == short != other
    assert entity_of(resolution, first).name == "550 U.S. 544"
    assert entity_of(resolution, first).key == "550 u.s. 544"


def test_citation_attributes_give_the_key() -> None:
    attributes = {"volume": "550", "reporter": "U. S.", "page": "544"}
    with_attributes = mention(T.CITATION, "Twombly, supra", "Twombly", attributes)
    assert mention_key(with_attributes) == mention_key(mention(T.CITATION, "550 U.S. 544"))


def test_dates_are_never_fuzzy_merged() -> None:
    resolution = resolve(MIXED[12:14])
    assert distinct(resolution) == 2


def test_courts_are_normalised() -> None:
    resolution = resolve(MIXED[14:16])
    assert distinct(resolution) == 1


@pytest.mark.parametrize(
    ("entity_type", "left", "right"),
    [
        (T.STATUTE, "15 U.S.C. § 78j(b)", "15 USC Sec. 78j(b)"),
        (T.STATUTE, "15 U.S.C. §78j(b)", "15 U.S.C. section 78j(b)."),
        (T.REGULATION, "17 C.F.R. § 240.10b-5", "17 CFR 240.10b-5"),
        (T.COURT_RULE, "Fed. R. Civ. P. 12(b)(6)", "Fed.R.Civ.P. 12(b)(6)"),
        (T.CASE_NUMBER, "No. 1:23-cv-04567-JMF", "1:23-CV-04567-jmf"),
        (T.CASE_NUMBER, "Case No. 23-1234", "23-1234"),
        (T.CITATION, "123 F. Supp. 3d 45", "123 F.Supp.3d 45, 50"),
        (T.ORGANIZATION, "Makor Issues & Rights, Ltd.", "MAKOR ISSUES AND RIGHTS LTD"),
        (T.ORGANIZATION, "Blue River Capital L.L.C.", "The Blue River Capital LLC"),
        (T.PERSON, "Hon. Jesse M. Furman", "Furman, Jesse"),
        (T.PERSON, "Smith, John, Jr.", "John R. Smith Jr."),
    ],
)
def test_equivalent_forms_share_a_key(entity_type: EntityType, left: str, right: str) -> None:
    assert entity_key(entity_type, left) == entity_key(entity_type, right)


@pytest.mark.parametrize(
    ("entity_type", "left", "right"),
    [
        (T.STATUTE, "15 U.S.C. § 78j(b)", "15 U.S.C. § 78j(a)"),
        (T.CITATION, "550 U.S. 544", "551 U.S. 544"),
        (T.PERSON, "John Smith", "John Smith Jr."),
        (T.MONEY, "USD 1250.00", "USD 1250.01"),
    ],
)
def test_different_values_keep_different_keys(
    entity_type: EntityType, left: str, right: str
) -> None:
    assert entity_key(entity_type, left) != entity_key(entity_type, right)


def test_ids_depend_on_type_and_key_only() -> None:
    resolution = resolve([mention(T.STATUTE, "15 U.S.C. § 78j(b)")])
    assert resolution.assignments == (entity_id(T.STATUTE, "15usc78j(b)"),)
    assert entity_id(T.STATUTE, "x") != entity_id(T.REGULATION, "x")


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_mention_order_does_not_change_the_result(seed: int) -> None:
    shuffled = list(enumerate(MIXED))
    random.Random(seed).shuffle(shuffled)
    expected = resolve(MIXED)
    result = resolve([m for _, m in shuffled])
    assert result.entities == expected.entities
    for position, (original, _) in enumerate(shuffled):
        assert result.assignments[position] == expected.assignments[original]


_POOL = [
    *MIXED,
    mention(T.PERSON, "Jon Smyth"),
    mention(T.PERSON, "Jane Smyth"),
    mention(T.ORGANIZATION, "Acme Holdngs LLC"),
    mention(T.ORGANIZATION, "Acme Bank"),
    mention(T.ORGANIZATION, "Acme Banks Co."),
    mention(T.COURT, "S.D.N.Y."),
    mention(T.COURT, "E.D.N.Y."),
]


@settings(max_examples=100, deadline=None)
@given(picks=st.lists(st.integers(0, len(_POOL) - 1), max_size=40), data=st.data())
def test_any_mention_list_resolves_the_same_in_any_order(
    picks: list[int], data: st.DataObject
) -> None:
    mentions = [_POOL[i] for i in picks]
    order = data.draw(st.permutations(range(len(mentions))))
    expected = resolve(mentions)
    result = resolve([mentions[i] for i in order])
    assert result.entities == expected.entities
    assert [result.assignments[n] for n in range(len(order))] == [
        expected.assignments[i] for i in order
    ]
    assert set(result.assignments) == {e.id for e in result.entities}


def test_known_entities_are_reused_and_gain_aliases() -> None:
    known = CanonicalEntity(
        id="organization:known-acme",
        type=T.ORGANIZATION,
        key="acme holdings",
        name="Acme Holdings, Inc.",
        aliases=("Acme Holdings, Inc.",),
    )
    resolution = resolve(MIXED[:4], [known])
    assert set(resolution.assignments) == {known.id}
    (entity,) = resolution.entities
    assert entity.name == known.name
    assert entity.aliases[0] == "Acme Holdings, Inc."
    assert set(entity.aliases) == {m.text for m in MIXED[:4]}


def test_fuzzy_match_against_known_prefers_the_known_entity() -> None:
    known = CanonicalEntity("person:known-john", T.PERSON, "john smith", "John Smith")
    resolution = resolve([mention(T.PERSON, "Jon Smith")] * 3, [known])
    assert resolution.assignments == (known.id,) * 3


def test_unreferenced_known_entities_are_not_returned() -> None:
    known = CanonicalEntity("person:other", T.PERSON, "alice baker", "Alice Baker")
    resolution = resolve([mention(T.PERSON, "John Smith")], [known])
    assert len(resolution.entities) == 1
    assert known.id not in {e.id for e in resolution.entities}
    assert known.id not in resolution.assignments


def test_thresholds_are_respected() -> None:
    people = [mention(T.PERSON, "Jon Smith"), mention(T.PERSON, "John Smith")]
    assert distinct(resolve(people)) == 1
    assert distinct(resolve(people, thresholds={T.PERSON: 99})) == 2
    jane = [mention(T.PERSON, "Jane Smith"), mention(T.PERSON, "John Smith")]
    assert distinct(resolve(jane, thresholds={T.PERSON: 75})) == 1


@pytest.mark.parametrize("thresholds", [{T.DATE: 90.0}, {T.PERSON: 0.0}, {T.PERSON: 101.0}])
def test_invalid_thresholds_raise_config_error(thresholds: dict[EntityType, float]) -> None:
    with pytest.raises(ConfigError):
        resolve([], thresholds=thresholds)


def test_no_mentions_resolve_to_nothing() -> None:
    assert resolve([]) == Resolution(entities=(), assignments=())


def test_ten_thousand_mentions_against_ten_thousand_known_entities() -> None:
    rng = random.Random(3)
    syllables = ("ka", "lo", "mi", "ra", "ten", "son", "ber", "gar", "wel", "ston", "ham")

    def word() -> str:
        return "".join(rng.choice(syllables) for _ in range(3)).title()

    known = []
    for n in range(10_000):
        entity_type = (T.PERSON, T.ORGANIZATION)[n % 2]
        name = f"{word()} {word()}"
        key = entity_key(entity_type, name)
        known.append(CanonicalEntity(entity_id(entity_type, key), entity_type, key, name))
    mentions = [
        mention(e.type, e.name if n % 2 else e.name[:-1]) for n, e in enumerate(known[::2])
    ] + [mention(T.PERSON, f"{word()} {word()}") for _ in range(5_000)]
    began = time.perf_counter()
    resolution = resolve(mentions, known)
    elapsed = time.perf_counter() - began
    known_ids = {e.id for e in known}
    assert sum(a in known_ids for a in resolution.assignments[:5_000]) >= 4_900
    # About half a second on a laptop; the bound catches a quadratic scan.
    assert elapsed < 10.0
