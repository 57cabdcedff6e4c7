"""GraphiQL in a real browser (the system's Chromium, driven by Playwright): the page renders its
editor and answers a query, and no request fails or leaves the API's own origin."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Request, Response, sync_playwright

from api.settings import Environment, Settings
from tests.helpers import ApiUser
from tests.integration.api.live_server import LiveApi, serving

CHROMIUM = "/usr/bin/chromium"  # Debian's package (.ci/run installs it); never Playwright's own
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def dev_api(settings: Settings) -> Iterator[LiveApi]:
    with serving(settings.model_copy(update={"env": Environment.DEV})) as api:
        yield api


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


def test_graphiql_renders_and_runs_a_query_with_nothing_from_outside(
    dev_api: LiveApi, browser: Browser, admin: ApiUser
) -> None:
    origin = f"http://{dev_api.host}:{dev_api.port}"
    context = browser.new_context()
    # GraphiQL keeps its headers pane in localStorage: the token is there before the page loads,
    # so its schema request (introspection) and the query are authorised.
    headers = json.dumps({"Authorization": admin.headers["Authorization"]})
    context.add_init_script(f"localStorage.setItem('graphiql:headers', {json.dumps(headers)});")
    page = context.new_page()
    problems: list[str] = []

    def on_request(request: Request) -> None:
        if not request.url.startswith((origin, "data:")):
            problems.append(f"left the origin: {request.url}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    page.goto(f"{dev_api.url}", wait_until="networkidle")
    editor = page.locator(".graphiql-query-editor .CodeMirror")
    editor.wait_for(state="visible", timeout=30_000)
    assert "seesAllBranches" in editor.inner_text()

    page.locator(".graphiql-execute-button").click()
    result = page.locator(".graphiql-response .CodeMirror")
    result.get_by_text('"seesAllBranches": true').wait_for(timeout=30_000)
    context.close()
    assert problems == []
