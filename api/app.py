"""The FastAPI application: GraphQL at /graphql, liveness at /healthz, readiness at /readyz."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from fastapi import FastAPI, Request, Response, WebSocket
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
    validate,
)
from starlette.datastructures import State
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.fastapi import BaseContext
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.types import ExecutionResult
from strawberry.types.execution import ParseOptions, PreExecutionError
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UnsetType
from strawberry.utils.aio import aclosing

from api.auth import CallerResolver, TokenVerifier
from api.errors import ERROR_CODES, INTERNAL, MASKED, MESSAGES, code_for, convert, log_unexpected
from api.middleware import (
    REQUEST_ID,
    BodyTooLarge,
    RequestIdFilter,
    check_declared_length,
    with_middleware,
    within_limit,
)
from api.settings import Settings, get_settings
from graph import linkage, monitoring
from graph.crosssell.stats import StatisticsCache
from graph.db import Database, GraphError, GraphUnavailable
from graph.ledger import Ledger, LedgerWriter
from graph.referrals import StageChanges
from graph.rulebook import Rulebook
from graph.schema import apply_schema
from schema import build_schema
from schema.compliance import AlertFeed, AuditTrail
from schema.core.access import Caller
from schema.core.context import Context, Services
from schema.core.documents import cacheable_text
from schema.core.errors import ApiError, UnauthenticatedError

log = logging.getLogger("relgraph.api")
V = TypeVar("V")
UNAUTHENTICATED = ERROR_CODES[UnauthenticatedError]

# Distinct query texts whose parse and validation results are kept.
_DOCUMENT_CACHE_SIZE = 1024
# The rules Strawberry's validate_document adds to the ones an execution context lists: the
# pipeline validates with graphql-core's validate itself, to pass hide_suggestions.
_STRAWBERRY_RULES = (MaybeNullValidationRule, OneOfInputValidationRule)
_SEVERAL_OPERATIONS = "Must provide operation name if query contains multiple operations."


class _RequestPipeline(SchemaExtension):
    """Parsing, validation and clean-up for every request, in one extension: Strawberry runs each
    extension's hooks as context managers, so one extension instead of five is a few tens of
    microseconds less per request.

    - The token limit goes into the parse options, as MaxTokensLimiter does.
    - Each small query text is parsed once (LRU). A syntax or token-limit error is not cached
      here: the document is left unparsed so that Strawberry parses it and reports the error
      with its code.
    - Each small query text is validated once. Strawberry's own ValidationCache keys on the rule
      classes and the parsed document: the limiters build new rule classes per request, so it
      never hit, and hashing the document walks the whole tree. Here the rules are fixed when
      the app is built, so the query text alone decides the outcome. Outside dev, no error
      suggests a name ("Did you mean …?"): it would reveal arguments, types, enum values and
      input fields.
    - Once the response is built, the request context drops its loaders (schema/context.py)."""

    def __init__(self, caches: _DocumentCaches) -> None:
        super().__init__()
        self._caches = caches

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self._caches.max_tokens
        context.validation_rules = (*context.validation_rules, *self._caches.rules)
        yield
        if isinstance(context.context, Context):
            context.context.release()

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None:
            with contextlib.suppress(GraphQLError):
                context.graphql_document = self._caches.parse(context.query, context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        text = context.query
        if text is None or context.graphql_document is None:
            yield
            return
        errors = self._caches.validated.get(text)
        if errors is None:
            errors = validate(
                context.schema._schema,
                context.graphql_document,
                (*context.validation_rules, *_STRAWBERRY_RULES),
                hide_suggestions=self._caches.hide_suggestions,
            )
            if cacheable_text(text):
                self._caches.validated.put(text, errors)
        if context._provided_operation_name is None and _several_operations(
            context.graphql_document
        ):
            # Strawberry would run the first operation; the spec asks for a request error.
            errors = [*errors, GraphQLError(_SEVERAL_OPERATIONS)]
        context.pre_execution_errors = errors
        yield


def _several_operations(document: DocumentNode) -> bool:
    return sum(isinstance(d, OperationDefinitionNode) for d in document.definitions) > 1


class _RecentlyUsed(Generic[V]):
    """A bounded map from query texts, least recently used out."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[str, V] = OrderedDict()

    def get(self, text: str) -> V | None:
        value = self._entries.get(text)
        if value is not None:
            self._entries.move_to_end(text)
        return value

    def put(self, text: str, value: V) -> None:
        self._entries[text] = value
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)


class _DocumentCaches:
    """What _RequestPipeline keeps across requests: parsed and validated documents by query text,
    small ones only (schema/core/documents.py), and the validation rules, built once so that a
    text's validation result stays valid."""

    def __init__(self, settings: Settings) -> None:
        self.max_tokens = settings.max_tokens
        self.hide_suggestions = not settings.is_dev
        rules: list[type[ASTValidationRule]] = [
            *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
            *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
        ]
        if not settings.is_dev:
            rules += DisableIntrospection().validation_rules
        self.rules = tuple(rules)
        self.parsed: _RecentlyUsed[DocumentNode] = _RecentlyUsed(_DOCUMENT_CACHE_SIZE)
        self.validated: _RecentlyUsed[list[GraphQLError]] = _RecentlyUsed(_DOCUMENT_CACHE_SIZE)

    def parse(self, text: str, options: ParseOptions) -> DocumentNode:
        document = self.parsed.get(text)
        if document is None:
            document = parse(text, **options)
            if cacheable_text(text):
                self.parsed.put(text, document)
        return document


_POST_OPERATIONS = OperationType.from_http("POST")

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
# Answered before any GraphQL ran (a GraphQL error would need a parsed request).
_TRANSPORT_CODES = {
    400: "BAD_REQUEST",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}
# Longer names are refused rather than echoed in "Unknown operation named …".
_MAX_OPERATION_NAME = 128


def error_response(
    message: str,
    code: str,
    status: int,
    headers: dict[str, str] | None = None,
    media_type: str = JSON,
    **extra: str,
) -> JSONResponse:
    """An error answered before any GraphQL ran, shaped as GraphQL errors are: no `data`."""
    extensions = {"code": code, **extra, "request_id": REQUEST_ID.get()}
    body = {"errors": [{"message": message, "extensions": extensions}]}
    return JSONResponse(body, status_code=status, headers=headers, media_type=media_type)


def _lower_media_types(scope: Scope) -> None:
    """Media types are case-insensitive: Content-Type's and Accept's are lowered once, here, so
    that this module and Strawberry's view compare them as they are written. (Content-Type's
    parameters keep their case: a multipart boundary is case-sensitive.)"""
    headers = scope["headers"]
    for index, (name, value) in enumerate(headers):
        if name == b"accept" and not value.islower():
            lowered = value.lower()
        elif name == b"content-type" and not value.islower():
            media_type, separator, parameters = value.partition(b";")
            lowered = media_type.lower() + separator + parameters
        else:
            continue
        if lowered != value:
            headers = scope["headers"] = [*headers[:index], (name, lowered), *headers[index + 1 :]]


def _header(scope: Scope, wanted: bytes) -> bytes:
    for name, value in scope["headers"]:
        if name == wanted:
            return bytes(value)
    return b""


def _media_type(value: bytes) -> bytes:
    return value.partition(b";")[0].strip()


def _negotiated(accept: bytes) -> str:
    """The answer's media type (GraphQL over HTTP): application/graphql-response+json when the
    client ranks it at least as high as application/json, else application/json, also when the
    client accepts neither (older clients send whatever their library does)."""
    if accept in _PLAIN_ACCEPTS:
        return JSON
    graphql_q = json_q = 0.0
    for item in accept.decode("latin-1").split(","):
        media_type, *parameters = (part.strip() for part in item.split(";"))
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media_type == GRAPHQL_RESPONSE:
            graphql_q = max(graphql_q, q)
        elif media_type in (JSON, "application/*", "*/*"):
            json_q = max(json_q, q)
    return GRAPHQL_RESPONSE if graphql_q > 0 and graphql_q >= json_q else JSON


_PLAIN_ACCEPTS = frozenset((b"", b"*/*", JSON.encode()))


def _streaming_accepted(scope: Scope) -> bool:
    """Whether the client accepts a streamed answer (multipart or server-sent events), which
    Strawberry's view negotiates; everything else the app answers itself."""
    accept = _header(scope, b"accept")
    return b"multipart/mixed" in accept or b"text/event-stream" in accept


def _request_error_status(response: GraphQLHTTPResponse) -> int | None:
    """For a request error (nothing executed: no data, and no error belongs to a field), the
    status GraphQL over HTTP asks for under application/graphql-response+json: 400, or 500 when
    the server failed; None for an execution result, which is a 200 with its data."""
    errors: list[dict[str, Any]] = response.get("errors") or []  # type: ignore[assignment]
    if response.get("data") is not None or not errors or any("path" in e for e in errors):
        return None
    codes = {e.get("extensions", {}).get("code") for e in errors}
    return 500 if INTERNAL in codes else 400


async def _send_json(send: Send, status: int, body: bytes, media_type: str) -> None:
    """A JSON answer as two ASGI messages, what Starlette's Response sends for it."""
    headers = [(b"content-length", str(len(body)).encode()), (b"content-type", media_type.encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _SocketContext(Context):
    """A WebSocket connection's context: its caller is known once connection_init has been
    checked (on_ws_connect), and no operation runs before that."""

    def __init__(self, state: AppState) -> None:  # the rest once authenticated
        BaseContext.__init__(self)
        self.state = state
        self.db = state.db
        self.services = state.services

    def authenticate(self, caller: Caller) -> None:
        Context.__init__(self, self.state.db, caller, services=self.state.services)


class _CodedStream:
    """The schema as a socket operation sees it: every result's errors coded and masked as over
    HTTP (api/errors.py), except those for which the protocol closes the socket (a syntax error,
    an operation type it cannot run)."""

    def __init__(self, schema: BaseSchema) -> None:
        self._schema = schema

    async def stream(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        return _coded(await self._schema.stream(*args, **kwargs))


def _closes_socket(result: object) -> bool:
    if not isinstance(result, PreExecutionError) or not result.errors:
        return False
    first = result.errors[0]
    return isinstance(first, GraphQLSyntaxError) or isinstance(
        first.original_error, CannotGetOperationTypeError
    )


async def _coded(results: AsyncIterator[Any]) -> AsyncIterator[Any]:
    async with aclosing(results):
        async for result in results:
            if isinstance(result, ExecutionResult) and result.errors and not _closes_socket(result):
                result.errors = [convert(error) for error in result.errors]
            yield result


class _SocketHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws as Strawberry speaks it, with errors coded (_CodedStream)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schema = _CodedStream(self.schema)  # type: ignore[assignment]


class _GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app, serving /graphql (see RelgraphApp) as GraphQL over HTTP asks:
    POST of application/json only (GET is refused: the page of GraphiQL in dev is all it
    serves), answered in application/json or application/graphql-response+json as the client
    prefers; under the latter, a request error (syntax, validation, variables) is a 400 without
    `data`. Transport errors (body, media type, method, size) are JSON with a code too.

    Codes and masks every error on its way out (api/errors.py), whichever stage raised it; a
    missing or bad token is a 401. orjson for request and response bodies: several times faster
    than the standard library on a customer 360 (a few KB), and it writes Chinese as UTF-8 rather
    than \\u escapes."""

    graphql_transport_ws_handler_class = _SocketHandler

    def __init__(
        self,
        schema: BaseSchema,
        *,
        dev: bool,
        max_body_bytes: int,
        allowed_origins: list[str],
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if dev else None,
            allow_queries_via_get=False,
            # Subscriptions (compliance's alerts) over graphql-transport-ws only: the older
            # graphql-ws protocol has no way to refuse a connection before it is acknowledged.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            # A browser page on another origin may open a socket only from these (the bearer
            # token is in connection_init, so no cookie could be abused, but the rule is CORS's).
            allowed_origins=allowed_origins,
        )
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self.run(WebSocket(scope, receive=receive, send=send))
            return
        _lower_media_types(scope)
        media = _negotiated(_header(scope, b"accept"))
        try:
            answer = await self._answer(scope, receive, media)
        except HTTPException as refused:
            headers = {"Allow": "POST"} if refused.status_code == 405 else None
            code = _TRANSPORT_CODES.get(refused.status_code, "BAD_REQUEST")
            answer = error_response(refused.reason, code, refused.status_code, headers, media)
        except BodyTooLarge as exc:
            answer = error_response(str(exc), "PAYLOAD_TOO_LARGE", 413, None, media)
        except UnauthenticatedError as exc:
            # Raised by get_context, before any response: a GraphQL error would be a 200.
            headers = {"WWW-Authenticate": "Bearer"}
            answer = error_response(str(exc), UNAUTHENTICATED, 401, headers, media)
        except GraphError as exc:
            # Resolving the caller needs Neo4j; when it is down, nothing has run yet.
            code = code_for(exc) or "SERVICE_UNAVAILABLE"
            log.warning("%s while resolving the caller: %s", code, exc)
            answer = error_response(MESSAGES[code], code, 503, None, media)
        if isinstance(answer, tuple):
            await _send_json(send, *answer, media)
        else:
            await answer(scope, receive, send)

    async def _answer(
        self, scope: Scope, receive: Receive, media: str
    ) -> Response | tuple[int, bytes]:
        if scope["method"] != "POST":
            html = b"text/html" in _header(scope, b"accept")
            if scope["method"] == "GET" and self.graphql_ide and html:
                return await self.render_graphql_ide(Request(scope, receive))
            raise HTTPException(405, "GraphQL is served over POST only (GET is not supported)")
        if _media_type(_header(scope, b"content-type")) != JSON.encode():
            raise HTTPException(415, "Send the GraphQL request as application/json")
        check_declared_length(scope, self.max_body_bytes)
        request = Request(scope, within_limit(receive, self.max_body_bytes))
        if _streaming_accepted(scope):
            return await self.run(request)
        return await self._answer_json_post(request, media)

    async def _answer_json_post(self, request: Request, media: str) -> Response | tuple[int, bytes]:
        """A JSON POST, the front ends' every request, answered as Strawberry's view answers it
        (with the overrides below) but without its general machinery (content negotiation through
        email.message, streaming transports, sub-responses), which is a share of a small
        request's CPU worth saving. A test compares the two answers on every kind of body."""
        context = await self._context(request)
        data = self._graphql_request(await request.body())
        try:
            result = await self.schema.execute(
                data["query"],
                variable_values=data.get("variables"),
                context_value=context,
                operation_name=data.get("operationName"),
                allowed_operation_types=_POST_OPERATIONS,
                operation_extensions=data.get("extensions"),
            )
        except (CannotGetOperationTypeError, InvalidOperationTypeError):
            # Refused before anything ran: Strawberry's view turns it into its 400.
            return await self.run(request, context=context)
        return self._shaped(await self.process_result(request, result), media)

    def _graphql_request(self, body: bytes) -> dict[str, Any]:
        """The parameters of a GraphQL request body, or an HTTPException (400) saying what is
        wrong with it, never repeating it."""
        try:
            data = self.decode_json(body)
        except ValueError:
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if isinstance(data, list):
            raise HTTPException(400, "Batching is not enabled")
        if not isinstance(data, dict):
            raise HTTPException(400, "The request body must be a JSON object")
        query = data.get("query")
        if query is None or query == "":
            raise HTTPException(400, "No GraphQL query found in the request")
        if not isinstance(query, str):
            raise HTTPException(400, "The GraphQL operation's `query` must be a string")
        for name in ("variables", "extensions"):
            if not isinstance(data.get(name), dict | None):
                raise HTTPException(
                    400, f"The GraphQL operation's `{name}` must be an object or null, if provided."
                )
        operation_name = data.get("operationName")
        if not isinstance(operation_name, str | None):
            raise HTTPException(400, "`operationName` must be a string or null, if provided.")
        if operation_name is not None and len(operation_name) > _MAX_OPERATION_NAME:
            raise HTTPException(
                400, f"`operationName` is longer than {_MAX_OPERATION_NAME} characters"
            )
        return data

    def _shaped(self, response: GraphQLHTTPResponse, media: str) -> tuple[int, bytes]:
        status = _request_error_status(response) if media == GRAPHQL_RESPONSE else None
        if status is None:
            return 200, self.encode_json(response)
        return status, self.encode_json({k: v for k, v in response.items() if k != "data"})

    async def render_graphql_ide(self, request: Request) -> Response:
        """relgraph's GraphiQL page, whose scripts and styles the app serves itself (create_app),
        where Strawberry's loads them from a public CDN."""
        return HTMLResponse(_graphiql_page())

    # Strawberry's view, for what the app does not answer itself: it calls these.

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        data = self._graphql_request(await request.get_body())
        return GraphQLRequestData(
            query=data["query"],
            variables=data.get("variables"),
            operation_name=data.get("operationName"),
            extensions=data.get("extensions"),
            # Subscriptions are served over the WebSocket only.
            protocol="http",
        )

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        """Carries the negotiated media type to create_response."""
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = _negotiated(request.headers.get("accept", "").encode("latin-1"))
        return sub_response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        assert not isinstance(response_data, list)  # batches are refused in parse_http_body
        media = sub_response.media_type or JSON
        status, body = self._shaped(response_data, media)
        return Response(body, status_code=status, media_type=media)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        if isinstance(request, WebSocket):
            state = _state(request)
            return _SocketContext(state)
        return await self._context(request)

    async def _context(self, request: Request | WebSocket) -> Context:
        """The caller is resolved here, before any resolver runs: an unknown employee is a 401 for
        the whole request (__call__), never a GraphQL error beside data."""
        state = _state(request)
        principal = state.tokens.principal(request.headers.get("authorization"))
        return Context(state.db, await state.callers(principal), services=state.services)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A socket's connection_init carries the bearer token (`{"Authorization": "Bearer …"}`),
        checked as an HTTP request's header is: a bad token, an unknown employee or a caller
        without the compliance or admin role is refused (4403) before anything runs."""
        assert isinstance(context, _SocketContext)
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        authorization = params.get("Authorization", params.get("authorization"))
        state = context.state
        try:
            principal = state.tokens.principal(
                authorization if isinstance(authorization, str) else None
            )
            caller = await state.callers(principal)
            caller.require_compliance()
        except ApiError as exc:
            log.info("WebSocket connection refused: %s", exc)
            raise ConnectionRejectionError from exc
        except GraphError as exc:
            log.warning("WebSocket connection refused, the graph is unavailable: %s", exc)
            raise ConnectionRejectionError from exc
        context.authenticate(caller)
        return UnsetType()  # a plain connection_ack (a singleton: Strawberry's UNSET)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = [convert(error) for error in result.errors]
        return process_result(result)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # orjson.JSONDecodeError subclasses ValueError (and json's).
        return orjson.loads(data)


# GraphiQL's page and the files it loads, vendored from npm (LICENSES.md there names each release).
GRAPHIQL_DIR = Path(__file__).parent / "static" / "graphiql"


@cache
def _graphiql_page() -> str:
    return (GRAPHIQL_DIR / "index.html").read_text(encoding="utf-8")


def configure_logging() -> None:
    """One format for relgraph's log lines, each with the request id it belongs to."""
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s",
    )
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())


class AppState:
    def __init__(self, settings: Settings, db: Database, rules: Rulebook | None = None) -> None:
        self.settings = settings
        self.db = db
        self.callers = CallerResolver(db)
        self.tokens = TokenVerifier(settings)
        self.schema_applied = False
        compliance = settings.compliance_rules()
        # What the areas get beyond the database (schema/core/context.py's Services).
        self.services = Services(
            rules or settings.rulebook(),
            compliance,
            settings.opportunity_policy(),
            AuditTrail(LedgerWriter(db, Ledger.AUDIT)),
            AlertFeed(db, compliance.alert_poll_seconds),
            StageChanges(db),
            StatisticsCache(),
        )

    async def ensure_schema(self) -> None:
        if not self.schema_applied:
            await apply_schema(self.db)
            self.schema_applied = True


def _state(request: Request | WebSocket) -> AppState:
    state: AppState = request.app.state.relgraph
    return state


class RelgraphApp:
    """The ASGI application. Every request passes the shared middleware (api/middleware.py:
    request id, access log, security headers, CORS); then /graphql goes straight to the GraphQL
    app and everything else to FastAPI (health, readiness, docs in dev) and its lifespan. /graphql
    skips FastAPI's router and its own middleware stack: it codes its own errors, and that stack
    was a noticeable share of a request's CPU for nothing it needs."""

    def __init__(self, api: FastAPI, graphql: _GraphQLApp, settings: Settings) -> None:
        self.api = api
        self.graphql = graphql
        self._stack = with_middleware(
            self._route, cors_origins=settings.cors_origins, log_access=settings.access_log
        )

    @property
    def state(self) -> State:
        return self.api.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._stack(scope, receive, send)

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"] == "/graphql":
            scope["app"] = self.api  # websocket.app.state, as under FastAPI
            await self.graphql(scope, receive, send)  # subscriptions
            return
        if scope["type"] != "http":
            await self.api(scope, receive, send)  # the lifespan, other sockets (refused)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            if scope["path"] == "/graphql":
                scope["app"] = self.api  # request.app.state, as under FastAPI
                await self.graphql(scope, receive, watched_send)
            else:
                await self.api(scope, receive, watched_send)
        except asyncio.CancelledError as exc:
            # The request's own cancellation (server shutdown) propagates. Any other escaped a
            # task that was cancelled under some awaitable it shared: answer it like any error.
            task = asyncio.current_task()
            if started or (task is not None and task.cancelling()):
                raise
            await _internal_error(exc)(scope, receive, send)
        except Exception as exc:
            if started:
                raise
            await _internal_error(exc)(scope, receive, send)


def _internal_error(exc: BaseException) -> JSONResponse:
    """Nothing answers without a JSON body and a code, whatever escaped."""
    error_id = log_unexpected(exc, "the request")
    return error_response(MASKED, INTERNAL, 500, error_id=error_id)


async def _warm_up(db: Database) -> None:
    """Before serving: the exposure search and the statements a listing's re-screen runs
    (graph/monitoring.py), and the linkage reads (graph/linkage.py), planned before the first
    look, listing or background needs them. Planning the search took 8 to 22 s on the busy 2-core
    machine, longer than a query may run: done in the background, the first `exposure` asked
    meanwhile timed out. Once Neo4j has the plans cached, this takes milliseconds."""
    for area, warm_up in (("compliance", monitoring.warm_up), ("linkage", linkage.warm_up)):
        try:
            await warm_up(db)
        except GraphError as exc:
            log.warning("warming the %s statements up failed: %s", area, exc)


def create_app(settings: Settings | None = None) -> RelgraphApp:
    settings = settings or get_settings()
    settings.check_token_secret()
    # Bad rule files stop the app here, naming the file and key, not at the first request.
    rules = settings.rulebook()
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.neo4j_config())
        state = AppState(settings, db, rules)
        app.state.relgraph = state
        try:
            await state.ensure_schema()
        except GraphUnavailable as exc:
            # Serve anyway: /readyz reports the outage and the schema is applied on recovery.
            log.warning("Neo4j unavailable at start-up (%s); will retry on /readyz", exc)
        else:
            await _warm_up(db)
        # The ~100k objects of the loaded libraries and the schema live as long as the process:
        # kept out of the cyclic GC, a full collection pauses a request for ~15 ms, not ~75 ms.
        gc.collect()
        gc.freeze()
        yield
        await db.close()

    caches = _DocumentCaches(settings)
    # A factory, so each request gets a fresh extension instance; the caches are shared.
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        lambda: _RequestPipeline(caches)
    ]
    schema = build_schema(
        extensions, suggestions=settings.is_dev, compiled=settings.compiled_executor
    )
    graphql = _GraphQLApp(
        schema,
        dev=settings.is_dev,
        max_body_bytes=settings.max_body_bytes,
        allowed_origins=settings.cors_origins,
    )

    app = FastAPI(
        title="relgraph",
        description="GraphQL knowledge graph of the bank's customer relationships",
        lifespan=lifespan,
        docs_url="/docs" if settings.is_dev else None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.is_dev else None,
    )

    if settings.is_dev:
        # The page at GET /graphql names these as graphiql/<file>.
        app.mount("/graphiql", StaticFiles(directory=GRAPHIQL_DIR), name="graphiql")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette's own answer would be text/plain; it still re-raises for the server's log.
        return _internal_error(exc)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        state = _state(request)
        try:
            await state.db.ping()
            await state.ensure_schema()
        except GraphUnavailable as exc:
            # Unauthenticated: the driver's text (the database's host and port) goes to the log
            # only, under this request's id.
            log.warning("/readyz: Neo4j is down: %s", exc)
            return JSONResponse({"status": "unavailable", "neo4j": "down"}, status_code=503)
        return JSONResponse({"status": "ready", "neo4j": "up"})

    return RelgraphApp(app, graphql, settings)
