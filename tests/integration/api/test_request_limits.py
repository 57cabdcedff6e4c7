"""Request bodies are bounded (RELGRAPH_MAX_BODY_BYTES): a larger one is a 413 with a JSON body
and a code, refused before it is read whole, whether its length is declared up front or it
streams in chunks. Large documents under the limit are answered but kept in no cache."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from graphql import Source

from api.settings import Settings
from schema.core.documents import CACHED_DOCUMENT_MAX_CHARS
from tests.helpers import ApiUser
from tests.integration.api.live_server import LiveApi, raw_exchange, serving

SMALL_QUERY = "{ me { seesAllBranches } }"


def _body_of(size: int, marker: str = "") -> bytes:
    """A JSON body of exactly `size` bytes: a valid query padded with a comment."""
    skeleton = json.dumps({"query": f"{SMALL_QUERY} #{marker}"}).encode()
    padding = size - len(skeleton)
    assert padding >= 0
    return json.dumps({"query": f"{SMALL_QUERY} #{marker}{'x' * padding}"}).encode()


def _assert_refused_as_too_large(status: int, content_type: str, body: bytes) -> None:
    assert status == 413, body[:200]
    assert content_type == "application/json"
    answer = json.loads(body)
    assert "data" not in answer
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


def test_a_body_at_the_limit_is_answered(
    client: TestClient, admin: ApiUser, settings: Settings
) -> None:
    body = _body_of(settings.max_body_bytes)
    assert len(body) == settings.max_body_bytes
    headers = {**admin.headers, "content-type": "application/json"}
    response = client.post("/graphql", content=body, headers=headers)
    assert response.status_code == 200
    assert response.json()["data"] == {"me": {"seesAllBranches": True}}


def test_a_body_over_the_limit_is_a_413_with_a_code(
    client: TestClient, admin: ApiUser, settings: Settings
) -> None:
    headers = {**admin.headers, "content-type": "application/json"}
    response = client.post(
        "/graphql", content=_body_of(settings.max_body_bytes + 1), headers=headers
    )
    _assert_refused_as_too_large(
        response.status_code, response.headers["content-type"], response.content
    )


def test_a_chunked_body_over_the_limit_is_a_413_with_a_code(
    client: TestClient, admin: ApiUser, settings: Settings
) -> None:
    body = _body_of(settings.max_body_bytes + 1)

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent with Transfer-Encoding: chunked
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    headers = {**admin.headers, "content-type": "application/json"}
    response = client.post("/graphql", content=chunks(), headers=headers)
    assert "content-length" not in response.request.headers
    _assert_refused_as_too_large(
        response.status_code, response.headers["content-type"], response.content
    )


@pytest.fixture(scope="module")
def live(settings: Settings) -> Iterator[LiveApi]:
    with serving(settings) as api:
        yield api


def _head(admin: ApiUser, framing: str) -> bytes:
    return (
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: {admin.headers['Authorization']}\r\n{framing}\r\n\r\n"
    ).encode()


def test_a_declared_length_over_the_limit_is_refused_before_the_body_arrives(
    live: LiveApi, admin: ApiUser, settings: Settings
) -> None:
    """Only the head is sent, announcing 100 MB: a server that read the body first would wait
    for it (and time out here)."""
    response = raw_exchange(live, _head(admin, f"Content-Length: {100 * 1024 * 1024}"), [])
    _assert_refused_as_too_large(response.status, response.headers["content-type"], response.body)


def test_a_chunked_body_is_refused_once_it_passes_the_limit(
    live: LiveApi, admin: ApiUser, settings: Settings
) -> None:
    """Twice the limit in chunks and no final chunk: the answer must come from counting the
    chunks as they arrive, since the body never ends."""
    chunk = b"x" * 8192
    parts = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * (2 * settings.max_body_bytes // len(chunk))
    response = raw_exchange(live, _head(admin, "Transfer-Encoding: chunked"), parts)
    _assert_refused_as_too_large(response.status, response.headers["content-type"], response.body)


def _large_sources() -> list[int]:
    gc.collect()
    return [
        len(o.body)
        for o in gc.get_objects()
        if isinstance(o, Source) and len(o.body) > CACHED_DOCUMENT_MAX_CHARS
    ]


def test_a_large_document_is_answered_and_kept_in_no_cache(
    client: TestClient, admin: ApiUser, settings: Settings
) -> None:
    """Six documents of 16 MB stayed in the parse and validation caches (~95 MB that stayed in
    the process); the compiled plans and the selection analysis kept them too."""
    assert _large_sources() == []
    headers = {**admin.headers, "content-type": "application/json"}
    for marker in range(6):
        body = _body_of(settings.max_body_bytes - 100, marker=f"large-{marker}")
        response = client.post("/graphql", content=body, headers=headers)
        assert response.status_code == 200
        assert response.json() == {"data": {"me": {"seesAllBranches": True}}}
    assert _large_sources() == []
