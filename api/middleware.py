"""What every route gets, /graphql included: a request id, an access log line, security headers,
and CORS when origins are configured. Pure ASGI (no Starlette BaseHTTPMiddleware, which copies
every body through a task and a stream): the API's own work per request is about a millisecond.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from contextvars import ContextVar

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
REQUEST_ID_HEADER = b"x-request-id"
# A caller's own id is kept when it is a plain token (so it cannot forge log lines), else replaced.
_ACCEPTABLE_ID = re.compile(rb"[A-Za-z0-9._:-]{1,64}")

access_log = logging.getLogger("relgraph.access")

# Answers hold customer data: never cached, sniffed, framed or sent on as a referrer.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record, for log formats that show it ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            return value.decode("ascii") if _ACCEPTABLE_ID.fullmatch(value) else None
    return None


class RequestContext:
    """Gives each HTTP request an id (the caller's X-Request-ID when acceptable), sets it for the
    request's log lines, returns it and the security headers on the response, and logs one access
    line per request: method, path, status, milliseconds."""

    def __init__(self, app: ASGIApp, *, log_access: bool = True) -> None:
        self.app = app
        self.log_access = log_access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or secrets.token_hex(8)
        token = REQUEST_ID.set(request_id)
        extra = (*SECURITY_HEADERS, (REQUEST_ID_HEADER, request_id.encode("ascii")))
        status = 500
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if self.log_access:
                access_log.info(
                    "%s %s %d %.1fms",
                    scope["method"],
                    scope["path"],
                    status,
                    (time.perf_counter() - started) * 1000,
                )
            REQUEST_ID.reset(token)


def with_middleware(app: ASGIApp, *, cors_origins: list[str], log_access: bool) -> ASGIApp:
    """The stack every request passes through, outermost first: request context, then CORS."""
    inner = app
    if cors_origins:
        inner = CORSMiddleware(
            inner,
            allow_origins=cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", "x-request-id"],
            expose_headers=["x-request-id"],
            max_age=600,
        )
    return RequestContext(inner, log_access=log_access)


class BodyTooLarge(Exception):
    """The request body is longer than the app accepts."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes")


def check_declared_length(scope: Scope, limit: int) -> None:
    """Refuses a body whose Content-Length passes the limit, before any of it is read."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            raise BodyTooLarge(limit)


def within_limit(receive: Receive, limit: int) -> Receive:
    """`receive`, counting the body as it streams (a chunked body declares no length): the read
    that passes the limit raises BodyTooLarge, so no more of the body is read."""
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return receive_within_limit
