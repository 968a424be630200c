"""The stage cache and the Redis boundary, against a real Redis under a unique prefix."""

from __future__ import annotations

import dataclasses
import json
import logging
import pickle
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from hypothesis import given, settings
from hypothesis import strategies as st

from docbatch.errors import ConfigError, TransientError
from docbatch.local.embedded import PrivateRedis
from docbatch.models import Chunk, EntityType, ExtractedDocument, Mention, Page, Stage, to_dict
from docbatch.redis.cache import CacheItem, ClaimRequest, HeldClaim, StageCache
from docbatch.redis.client import redis_client, redis_errors
from docbatch.redis.codec import (
    COMPRESS_THRESHOLD,
    decode_value,
    encode_json,
    encode_value,
    pack_stage,
    unpack_stage,
)
from docbatch.redis.keys import RedisKeys
from tests.integration.cache_support import claim, get, put

pytestmark = pytest.mark.integration

SHA = "a" * 64
ALL_STAGES = {stage: f"v-{stage}" for stage in Stage}


class RecordingConnection(redis.Connection):
    """A connection that logs each round trip as the list of command names it sent."""

    trips: list[list[str]] = []

    def send_command(self, *args: Any, **kwargs: Any) -> None:
        self._names = [str(args[0]).upper()]
        super().send_command(*args, **kwargs)

    def pack_commands(self, commands: Any) -> Any:
        self._names = [str(args[0]).upper() for args in commands]
        return super().pack_commands(commands)

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        self.trips.append(getattr(self, "_names", ["?"]))
        self._names = ["?"]
        super().send_packed_command(command, check_health=check_health)


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis_client(redis_url)
    yield client
    client.close()


@pytest.fixture
def cache(client: redis.Redis, key_prefix: str) -> StageCache:
    return StageCache(client, key_prefix, ttl_seconds=600)


@pytest.fixture
def recorded(redis_url: str, key_prefix: str) -> Iterator[tuple[StageCache, list[list[str]]]]:
    """A cache whose client records every round trip it makes."""
    trips: list[list[str]] = []

    class Recording(RecordingConnection):
        pass

    Recording.trips = trips
    pool = redis.ConnectionPool.from_url(redis_url, connection_class=Recording)
    client = redis.Redis(connection_pool=pool)
    cache = StageCache(client, key_prefix, ttl_seconds=600)
    client.ping()  # connect (and handshake) before counting
    trips.clear()
    yield cache, trips
    client.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- encoding ---------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=60,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_encoding_round_trips_any_json_value(value: Any) -> None:
    data = encode_value(value)
    assert decode_value(data) == value
    assert data[0] in (0x00, 0x01)
    if data[0] == 0x00:
        assert json.loads(data[1:].decode("utf-8")) == value
    else:
        assert json.loads(zlib.decompress(data[1:]).decode("utf-8")) == value


@given(st.text(min_size=COMPRESS_THRESHOLD + 1, alphabet="ab "))
def test_long_compressible_values_are_zlib_compressed(text: str) -> None:
    data = encode_value({"text": text})
    assert data[0] == 0x01
    assert len(data) < len(text)
    assert decode_value(data) == {"text": text}


def test_models_are_encoded_as_their_json_dicts() -> None:
    chunk = Chunk(index=0, text="x", char_start=0, char_end=1, page_start=1, page_end=1)
    assert Chunk.from_dict(decode_value(encode_value(chunk))) == chunk


def test_values_that_are_not_json_are_rejected() -> None:
    with pytest.raises(ValueError):
        encode_value({"score": float("nan")})
    with pytest.raises(TypeError):
        encode_value({"when": object()})


@pytest.mark.parametrize("data", [b"", b"\x07{}", b"\x01not zlib", b"\x80\x04pickle"])
def test_foreign_bytes_do_not_decode(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode_value(data)


# --- reads and writes -------------------------------------------------------------------


def test_get_many_reads_and_counts_every_stage_in_one_round_trip(
    cache: StageCache, recorded: tuple[StageCache, list[list[str]]], client: redis.Redis
) -> None:
    cache.put_many(
        [CacheItem(stage, SHA, ALL_STAGES[stage], {"stage": str(stage)}) for stage in Stage][:3]
    )
    recording_cache, trips = recorded
    recording_cache.get_many(SHA, ALL_STAGES)  # loads the script
    trips.clear()

    found = recording_cache.get_many(SHA, ALL_STAGES)

    assert found == {stage: {"stage": str(stage)} for stage in list(Stage)[:3]}
    assert trips == [["EVALSHA"]]
    # Hits had their TTL refreshed.
    assert 0 < client.ttl(cache.key(Stage.EXTRACT, SHA, ALL_STAGES[Stage.EXTRACT])) <= 600


def test_put_many_writes_in_one_pipeline(recorded: tuple[StageCache, list[list[str]]]) -> None:
    recording_cache, trips = recorded
    items = [(stage, SHA, ALL_STAGES[stage], [1, 2, 3]) for stage in Stage]

    assert recording_cache.put_many(items) is True

    assert trips == [["SET"] * len(items)]
    assert recording_cache.get_many(SHA, ALL_STAGES) == {stage: [1, 2, 3] for stage in Stage}


def test_put_many_releases_only_the_claims_it_is_given(
    cache: StageCache,
    recorded: tuple[StageCache, list[list[str]]],
    client: redis.Redis,
    key_prefix: str,
) -> None:
    recording_cache, trips = recorded
    held = HeldClaim(Stage.EXTRACT, SHA, "v1", "worker-1")
    assert claim(cache, Stage.EXTRACT, SHA, "v1", "worker-1", ttl=30)
    assert claim(cache, Stage.EXTRACT, "b" * 64, "v1", "worker-2", ttl=30)
    put(cache, Stage.CHUNK, "c" * 64, "v1", [0])  # loads the release script
    trips.clear()
    items = [CacheItem(stage, SHA, "v1", [1]) for stage in (Stage.EXTRACT, Stage.CHUNK)]

    assert recording_cache.put_many(items, release=[held]) is True

    # One round trip. The server's script cache is shared with every other client and may
    # have been flushed since the script was loaded: then the reload and a retry follow.
    assert trips in (
        [["SET", "SET", "EVALSHA"]],
        [["SET", "SET", "EVALSHA"], ["SCRIPT LOAD"], ["SET", "SET", "EVALSHA"]],
    )
    claim_key = RedisKeys(key_prefix).claim(Stage.EXTRACT, SHA, "v1")
    assert client.exists(claim_key) == 0
    # Another owner's claim on other bytes is untouched, and so is a claim taken over.
    assert claim(cache, Stage.EXTRACT, "b" * 64, "v1", "worker-1", ttl=30) is False
    assert client.set(claim_key, "worker-3", nx=True, ex=30)  # the entry is cached now
    assert recording_cache.put_many([], release=[held]) is True
    assert client.get(claim_key) == b"worker-3"


# --- stage outputs ----------------------------------------------------------------------

MENTIONS = (
    Mention(EntityType.CITATION, "550 U.S. 544", "550 U.S. 544", 10, 22, 0, 1, 0.95,
            "eyecite", {"volume": "550", "reporter": "U.S.", "page": "544"}),
    Mention(EntityType.DATE, "May 21, 2007", "2007-05-21", 40, 52, 1, 2, 0.9, "rules"),
)  # fmt: skip


def test_stage_outputs_round_trip_through_their_cache_form() -> None:
    extracted = ExtractedDocument("application/pdf", (Page(1, "one"), Page(2, "two", ocr=True)))
    chunks = (Chunk(0, "one", 0, 3, 1, 1),)
    for stage, value in [(Stage.EXTRACT, extracted), (Stage.CHUNK, chunks),
                         (Stage.ENTITIES, MENTIONS)]:  # fmt: skip
        data = decode_value(encode_json(pack_stage(stage, value)))
        assert unpack_stage(stage, data) == value


def test_mentions_are_cached_as_rows_under_one_list_of_columns() -> None:
    packed = pack_stage(Stage.ENTITIES, MENTIONS)
    # Every field of the model, in order: a field added to Mention must be added here.
    assert packed["columns"] == [field.name for field in dataclasses.fields(Mention)]
    assert packed["rows"][1] == ["date", "May 21, 2007", "2007-05-21", 40, 52, 1, 2, 0.9,
                                 "rules", {}]  # fmt: skip
    assert len(encode_json(packed)) < len(encode_json(to_dict(MENTIONS)))


def test_mentions_cached_as_objects_by_an_earlier_version_are_a_miss() -> None:
    # The pre-row format is no longer read: such an entry is recomputed, as any other
    # entry of an unknown shape (the cache expires them anyway).
    with pytest.raises(ValueError):
        unpack_stage(Stage.ENTITIES, to_dict(MENTIONS))


@pytest.mark.parametrize(
    ("stage", "data"),
    [
        (Stage.ENTITIES, {"columns": ["type", "text"], "rows": [["date", "x"]]}),
        (Stage.ENTITIES, {"rows": []}),
        (Stage.ENTITIES, {"columns": pack_stage(Stage.ENTITIES, ())["columns"], "rows": [[]]}),
        (Stage.ENTITIES, [{"type": "no-such-type"}]),
        (Stage.EXTRACT, {"pages": []}),
        (Stage.CHUNK, [{"index": 0}]),
        (Stage.RESOLVE, {}),
    ],
)
def test_cache_data_of_an_unknown_shape_does_not_unpack(stage: Stage, data: Any) -> None:
    with pytest.raises(ValueError):
        unpack_stage(stage, data)


# --- lookups that claim -----------------------------------------------------------------

TEXT_STAGES = {stage: f"v-{stage}" for stage in (Stage.EXTRACT, Stage.CHUNK, Stage.ENTITIES)}


def test_a_lookup_claims_the_first_miss_in_the_same_round_trip(
    cache: StageCache, recorded: tuple[StageCache, list[list[str]]]
) -> None:
    put(cache, Stage.EXTRACT, SHA, TEXT_STAGES[Stage.EXTRACT], {"extract": 1})
    recording_cache, trips = recorded
    recording_cache.get_many("b" * 64, TEXT_STAGES)  # loads the script
    trips.clear()

    found, claimed, contended = recording_cache.look_up(
        SHA, TEXT_STAGES, ClaimRequest("worker-1", 30, Stage.EXTRACT)
    )

    assert trips == [["EVALSHA"]]
    assert found == {Stage.EXTRACT: {"extract": 1}}
    assert claimed == HeldClaim(Stage.CHUNK, SHA, TEXT_STAGES[Stage.CHUNK], "worker-1")
    assert contended is None
    # The claim is a real one: another worker loses it, its owner takes it again.
    assert not claim(cache, Stage.CHUNK, SHA, TEXT_STAGES[Stage.CHUNK], "w2", 30)
    again = cache.look_up(SHA, TEXT_STAGES, ClaimRequest("worker-1", 30, Stage.EXTRACT))
    assert again.claimed == claimed


def test_a_lookup_reports_the_stage_another_worker_is_computing(cache: StageCache) -> None:
    cache.look_up(SHA, TEXT_STAGES, ClaimRequest("worker-1", 30, Stage.EXTRACT))

    found, claimed, contended = cache.look_up(
        SHA, TEXT_STAGES, ClaimRequest("worker-2", 30, Stage.EXTRACT)
    )

    assert (found, claimed, contended) == ({}, None, Stage.EXTRACT)
    assert cache.release_claim(Stage.EXTRACT, SHA, TEXT_STAGES[Stage.EXTRACT], "worker-1")
    retried = cache.look_up(SHA, TEXT_STAGES, ClaimRequest("worker-2", 30, Stage.EXTRACT))
    assert retried.claimed == HeldClaim(Stage.EXTRACT, SHA, TEXT_STAGES[Stage.EXTRACT], "worker-2")


def test_a_lookup_claims_nothing_before_its_first_stage_or_when_all_hit(
    cache: StageCache, client: redis.Redis, key_prefix: str
) -> None:
    put(cache, Stage.ENTITIES, SHA, TEXT_STAGES[Stage.ENTITIES], [])

    late = cache.look_up(SHA, TEXT_STAGES, ClaimRequest("worker-1", 30, Stage.ENTITIES))
    unclaimed = cache.look_up(SHA, TEXT_STAGES)
    after = cache.look_up(SHA, TEXT_STAGES, ClaimRequest("worker-1", 30, Stage.RESOLVE))

    assert [(x.claimed, x.contended) for x in (late, unclaimed, after)] == [(None, None)] * 3
    assert list(client.scan_iter(match=RedisKeys(key_prefix).claim("*", "*", "*"))) == []


def test_json_ready_values_are_stored_as_their_models_are(cache: StageCache) -> None:
    chunks = (Chunk(index=0, text="x" * 2000, char_start=0, char_end=2000, page_start=1,
                    page_end=1),)  # fmt: skip
    cache.put_many([CacheItem(Stage.CHUNK, SHA, "v1", chunks)])
    as_model = get(cache, Stage.CHUNK, SHA, "v1")
    cache.put_many([CacheItem(Stage.CHUNK, SHA, "v1", to_dict(chunks), json_ready=True)])

    assert get(cache, Stage.CHUNK, SHA, "v1") == as_model == to_dict(chunks)
    assert encode_json(to_dict(chunks)) == encode_value(chunks)


def test_stored_values_are_json_never_pickle(
    cache: StageCache, client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_pickle(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("pickle must not be used")

    monkeypatch.setattr(pickle, "dumps", no_pickle)
    monkeypatch.setattr(pickle, "loads", no_pickle)
    small = {"pages": [{"number": 1, "text": "short"}]}
    large = {"pages": [{"number": n, "text": "The court held " * 40} for n in range(10)]}
    put(cache, Stage.EXTRACT, SHA, "v1", small)
    put(cache, Stage.CHUNK, SHA, "v1", large)

    raw_small = client.get(cache.key(Stage.EXTRACT, SHA, "v1"))
    raw_large = client.get(cache.key(Stage.CHUNK, SHA, "v1"))
    assert isinstance(raw_small, bytes) and isinstance(raw_large, bytes)

    assert raw_small[0] == 0x00 and json.loads(raw_small[1:]) == small
    assert raw_large[0] == 0x01 and json.loads(zlib.decompress(raw_large[1:])) == large
    assert len(raw_large) < len(json.dumps(large)) / 4
    assert get(cache, Stage.CHUNK, SHA, "v1") == large


def test_every_key_written_has_a_ttl(
    cache: StageCache, client: redis.Redis, key_prefix: str
) -> None:
    cache.put_many([(stage, SHA, "v1", {"n": 1}) for stage in Stage])
    cache.get_many(SHA, dict.fromkeys(Stage, "v1"))
    cache.get_many("b" * 64, dict.fromkeys(Stage, "v1"))
    claim(cache, Stage.EXTRACT, "c" * 64, "v1", owner="w1", ttl=30)

    keys = list(client.scan_iter(match=f"{key_prefix}:*"))

    assert len(keys) == len(Stage) + 1  # the entries and the claim
    assert all(0 < client.ttl(key) <= 600 for key in keys)


def test_a_hit_refreshes_the_entry_ttl(cache: StageCache, client: redis.Redis) -> None:
    put(cache, Stage.ENTITIES, SHA, "v1", ["x"])
    key = cache.key(Stage.ENTITIES, SHA, "v1")
    client.expire(key, 5)

    assert get(cache, Stage.ENTITIES, SHA, "v1") == ["x"]

    assert client.ttl(key) > 500


def test_another_config_version_is_a_miss(cache: StageCache) -> None:
    put(cache, Stage.CHUNK, SHA, "v1", ["chunk"])

    assert get(cache, Stage.CHUNK, SHA, "v2") is None
    assert get(cache, Stage.CHUNK, SHA, "v1") == ["chunk"]


def test_an_unreadable_entry_is_a_miss(
    cache: StageCache, client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    client.set(cache.key(Stage.RELATE, SHA, "v1"), b"\x09garbage", ex=60)

    with caplog.at_level(logging.WARNING, logger="docbatch.redis.cache"):
        assert get(cache, Stage.RELATE, SHA, "v1") is None

    assert "unreadable cache entry" in caplog.text


def test_none_cannot_be_cached(cache: StageCache) -> None:
    with pytest.raises(ValueError):
        put(cache, Stage.EXTRACT, SHA, "v1", None)


# --- Redis down -------------------------------------------------------------------------


def test_redis_down_degrades_to_misses_with_one_warning(
    key_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = redis_client(f"redis://127.0.0.1:{closed_port()}/0", retries=1, max_backoff=0.01)
    cache = StageCache(client, key_prefix, ttl_seconds=60)

    with caplog.at_level(logging.INFO, logger="docbatch.redis.cache"):
        assert cache.get_many(SHA, ALL_STAGES) == {}
        assert get(cache, Stage.EXTRACT, SHA, "v1") is None
        assert put(cache, Stage.EXTRACT, SHA, "v1", {"a": 1}) is False
        assert claim(cache, Stage.EXTRACT, SHA, "v1", "w1", ttl=10) is True
        looked = cache.look_up(SHA, TEXT_STAGES, ClaimRequest("w1", 10, Stage.CHUNK))
        assert looked.claimed == HeldClaim(Stage.CHUNK, SHA, TEXT_STAGES[Stage.CHUNK], "w1")
        assert cache.wait_for(Stage.EXTRACT, SHA, "v1", timeout=5) is None

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()


def test_redis_errors_become_transient_errors_chained() -> None:
    with pytest.raises(TransientError) as info, redis_errors("reading"):
        raise redis.exceptions.TimeoutError("slow")
    assert isinstance(info.value.__cause__, redis.exceptions.TimeoutError)
    assert str(info.value) == "reading: slow"


# --- in-batch dedupe --------------------------------------------------------------------


def test_the_first_claim_wins_and_its_owner_may_claim_again(cache: StageCache) -> None:
    assert claim(cache, Stage.EXTRACT, SHA, "v1", "worker-1", ttl=30) is True
    assert claim(cache, Stage.EXTRACT, SHA, "v1", "worker-2", ttl=30) is False
    assert claim(cache, Stage.EXTRACT, SHA, "v1", "worker-1", ttl=30) is True
    assert cache.release_claim(Stage.EXTRACT, SHA, "v1", "worker-2") is False
    assert cache.release_claim(Stage.EXTRACT, SHA, "v1", "worker-1") is True
    assert claim(cache, Stage.EXTRACT, SHA, "v1", "worker-2", ttl=30) is True


def test_a_waiter_gets_the_value_the_owner_computes(cache: StageCache) -> None:
    assert claim(cache, Stage.EXTRACT, SHA, "v1", "owner", ttl=30)

    def compute() -> None:
        time.sleep(0.3)
        put(cache, Stage.EXTRACT, SHA, "v1", {"pages": 3})

    thread = threading.Thread(target=compute)
    thread.start()
    value = cache.wait_for(Stage.EXTRACT, SHA, "v1", timeout=10)
    thread.join()

    assert value == {"pages": 3}


def test_a_waiter_stops_when_the_claim_is_released(cache: StageCache) -> None:
    assert claim(cache, Stage.EXTRACT, SHA, "v1", "owner", ttl=30)
    timer = threading.Timer(0.2, cache.release_claim, (Stage.EXTRACT, SHA, "v1", "owner"))
    timer.start()

    started = time.monotonic()
    value = cache.wait_for(Stage.EXTRACT, SHA, "v1", timeout=10)
    timer.join()

    assert value is None
    assert time.monotonic() - started < 3


def test_a_waiter_gives_up_at_the_timeout(cache: StageCache) -> None:
    assert claim(cache, Stage.EXTRACT, SHA, "v1", "stuck-owner", ttl=30)

    started = time.monotonic()
    value = cache.wait_for(Stage.EXTRACT, SHA, "v1", timeout=0.5, max_delay=0.1)

    assert value is None
    assert 0.5 <= time.monotonic() - started < 2


def test_waiting_without_a_claim_returns_at_once(cache: StageCache) -> None:
    started = time.monotonic()
    assert cache.wait_for(Stage.CHUNK, SHA, "v1", timeout=10) is None
    assert time.monotonic() - started < 1


# --- client and keys --------------------------------------------------------------------


def test_client_connects_over_a_unix_socket(key_prefix: str) -> None:
    with PrivateRedis() as server:
        assert server.url.startswith("unix://")
        client = redis_client(server.url)
        try:
            cache = StageCache(client, key_prefix, ttl_seconds=60)
            assert put(cache, Stage.EXTRACT, SHA, "v1", {"via": "unix"}) is True
            assert get(cache, Stage.EXTRACT, SHA, "v1") == {"via": "unix"}
        finally:
            client.close()


def test_client_reads_tls_auth_and_retry_from_the_url() -> None:
    client = redis_client("rediss://user:s3cret@redis.example:6380/2", retries=4)
    pool = client.connection_pool
    kwargs = pool.connection_kwargs

    assert pool.connection_class is redis.SSLConnection
    assert (kwargs["host"], kwargs["port"], kwargs["db"]) == ("redis.example", 6380, 2)
    assert (kwargs["username"], kwargs["password"]) == ("user", "s3cret")
    assert kwargs["retry"].get_retries() == 4
    assert client.get_encoder().decode_responses is False


def test_client_rejects_other_schemes() -> None:
    with pytest.raises(ConfigError):
        redis_client("http://127.0.0.1:6379")


def test_every_key_starts_with_the_prefix() -> None:
    keys = RedisKeys("acme:prod")
    built = [
        keys.cache(Stage.EXTRACT, SHA, "v1"),
        keys.claim(Stage.EXTRACT, SHA, "v1"),
        keys.progress("b1"),
        keys.progress_docs("b1"),
        keys.events("b1"),
        keys.metrics("docs_completed", 28_000_000),
    ]
    assert all(key.startswith("acme:prod:") for key in built)
    assert len(set(built)) == len(built)
    assert keys.cache(Stage.EXTRACT, SHA, "v1") == f"acme:prod:cache:extract:{SHA}:v1"


@pytest.mark.parametrize("prefix", ["", "a b", "x*", "ends:"])
def test_unsafe_prefixes_are_rejected(prefix: str) -> None:
    with pytest.raises(ConfigError):
        RedisKeys(prefix)


def test_to_dict_output_is_what_the_cache_returns(cache: StageCache) -> None:
    chunks = [
        Chunk(index=i, text="t", char_start=i, char_end=i + 1, page_start=1, page_end=1)
        for i in range(3)
    ]
    put(cache, Stage.CHUNK, SHA, "v1", chunks)
    assert get(cache, Stage.CHUNK, SHA, "v1") == to_dict(chunks)
