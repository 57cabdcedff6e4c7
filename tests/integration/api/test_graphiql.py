"""GraphiQL (dev only) loads nothing from outside the API: the page names no external URL, and
every script and style it names is served, with the right type and the bytes its integrity hash
pins. Production serves neither the page nor its files."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from urllib.parse import urljoin

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Environment, Settings

PAGE = "http://testserver/graphql"
# src="…" / href="…" with their integrity="…", in any attribute order within the tag.
_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\b(src|href|integrity)\s*=\s*"([^"]*)"', re.IGNORECASE)
CONTENT_TYPES = {".js": {"text/javascript", "application/javascript"}, ".css": {"text/css"}}


@pytest.fixture(scope="module")
def dev_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"env": Environment.DEV}))) as client:
        yield client


def _page(client: TestClient) -> str:
    response = client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page: str = response.text
    return page


def _assets(page: str) -> list[tuple[str, str | None]]:
    """(URL, integrity) of every script and stylesheet the page loads."""
    assets = []
    for tag in _TAG.findall(page):
        attributes = {k.lower(): v for k, v in _ATTRIBUTE.findall(tag)}
        url = attributes.get("src") or attributes.get("href")
        if url:
            assets.append((url, attributes.get("integrity")))
    return assets


def test_the_page_names_no_external_url(dev_client: TestClient) -> None:
    """The page loaded React and GraphiQL from unpkg.com: blank on a network with no way out."""
    page = _page(dev_client)
    assert "graphiql" in page.lower()
    assert re.findall(r"(?:https?:)?//[\w.-]+\.\w+", page) == []
    assert len(_assets(page)) == 6  # React, ReactDOM, GraphiQL and its explorer, two styles


def test_every_asset_the_page_names_is_served_as_pinned(dev_client: TestClient) -> None:
    for url, integrity in _assets(_page(dev_client)):
        response = dev_client.get(urljoin(PAGE, url))
        assert response.status_code == 200, url
        media_type = response.headers["content-type"].partition(";")[0]
        assert media_type in CONTENT_TYPES[url[url.rindex(".") :]], (url, media_type)
        assert integrity is not None, url
        algorithm, _, expected = integrity.partition("-")
        digest = hashlib.new(algorithm, response.content).digest()
        assert base64.b64encode(digest).decode() == expected, url


def test_production_serves_no_graphiql(client: TestClient) -> None:
    assert client.get("/graphql", headers={"accept": "text/html"}).status_code == 405
    assert client.get("/graphiql/graphiql.min.js").status_code == 404
