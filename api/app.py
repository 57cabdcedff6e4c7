"""The FastAPI application: GraphQL at /graphql, liveness at /healthz, readiness at /readyz."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

import orjson
from cross_web import HTTPException
from fastapi import FastAPI, Request, Response, WebSocket
from fastapi.responses import JSONResponse
from graphql import ASTValidationRule, DocumentNode, GraphQLError, parse, validate
from starlette.datastructures import State
from starlette.responses import PlainTextResponse
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule
from strawberry.types import ExecutionResult
from strawberry.types.execution import ParseOptions
from strawberry.types.graphql import OperationType

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
from graph.db import Database, GraphError, GraphUnavailable
from graph.records import EmployeeRecord
from graph.schema import apply_schema
from schema import build_schema
from schema.core.access import Caller, Principal, Visibility
from schema.core.context import Context
from schema.core.documents import cacheable_text
from schema.core.errors import UnauthenticatedError

log = logging.getLogger("relgraph.api")
V = TypeVar("V")
UNAUTHENTICATED = ERROR_CODES[UnauthenticatedError]

# Distinct query texts whose parse and validation results are kept.
_DOCUMENT_CACHE_SIZE = 1024
# The rules Strawberry's validate_document adds to the ones an execution context lists: the
# pipeline validates with graphql-core's validate itself, to pass hide_suggestions.
_STRAWBERRY_RULES = (MaybeNullValidationRule, OneOfInputValidationRule)


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
        context.pre_execution_errors = errors
        yield


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


def error_response(
    message: str, code: str, status: int, headers: dict[str, str] | None = None, **extra: str
) -> JSONResponse:
    """An error answered before any GraphQL ran, shaped as GraphQL errors are: no `data`."""
    extensions = {"code": code, **extra, "request_id": REQUEST_ID.get()}
    body = {"errors": [{"message": message, "extensions": extensions}]}
    return JSONResponse(body, status_code=status, headers=headers)


def _plain_json_post(scope: Scope) -> bool:
    """A POST of JSON that asks for no streamed answer (multipart or server-sent events)."""
    if scope["type"] != "http" or scope["method"] != "POST":
        return False
    content_type = accept = b""
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value
        elif name == b"accept":
            accept = value
    return content_type.split(b";")[0].strip() == b"application/json" and not (
        b"multipart/mixed" in accept or b"text/event-stream" in accept
    )


async def _send_json(send: Send, body: bytes) -> None:
    """A 200 JSON answer as two ASGI messages, what Starlette's Response sends for it."""
    headers = [(b"content-length", str(len(body)).encode()), (b"content-type", _JSON)]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


_JSON = b"application/json"


class _GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app, serving /graphql (see RelgraphApp).

    Codes and masks every error on its way out (api/errors.py), whichever stage raised it; a
    missing or bad token is a 401. orjson for request and response bodies: several times faster
    than the standard library on a customer 360 (a few KB), and it writes Chinese as UTF-8 rather
    than \\u escapes."""

    max_body_bytes = Settings.model_fields["max_body_bytes"].default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            check_declared_length(scope, self.max_body_bytes)
            receive = within_limit(receive, self.max_body_bytes)
            if _plain_json_post(scope):
                request = Request(scope, receive)
                try:
                    answer = await self._answer_json_post(request)
                except HTTPException as refused:  # as Strawberry's own __call__ answers it
                    answer = PlainTextResponse(refused.reason, status_code=refused.status_code)
                if isinstance(answer, bytes):
                    await _send_json(send, answer)
                else:
                    await answer(scope, receive, send)
            else:
                await super().__call__(scope, receive, send)
        except UnauthenticatedError as exc:
            # Raised by get_context, before any response: a GraphQL error would be a 200.
            headers = {"WWW-Authenticate": "Bearer"}
            answer = error_response(str(exc), UNAUTHENTICATED, 401, headers)
            await answer(scope, receive, send)
        except BodyTooLarge as exc:
            await error_response(str(exc), "PAYLOAD_TOO_LARGE", 413)(scope, receive, send)
        except GraphError as exc:
            # Resolving the caller needs Neo4j; when it is down, nothing has run yet.
            code = code_for(exc) or "SERVICE_UNAVAILABLE"
            log.warning("%s while resolving the caller: %s", code, exc)
            await error_response(MESSAGES[code], code, 503)(scope, receive, send)

    async def _answer_json_post(self, request: Request) -> Response | bytes:
        """A single operation posted as JSON, the front ends' every request, answered as
        Strawberry's view answers it but without its general machinery (content negotiation
        through email.message, streaming transports, batches, sub-responses), which is a share of
        a small request's CPU worth saving. Anything else in the body goes to Strawberry's view,
        and a test compares the two answers on every kind of body."""
        context = await self._context(request)
        try:
            data = self.decode_json(await request.body())
        except ValueError:
            return PlainTextResponse("Unable to parse request body as JSON", status_code=400)
        if isinstance(data, list):
            return await self.run(request, context=context)  # Strawberry refuses batches
        if not isinstance(data, dict):
            # Strawberry's view fails on these with an AttributeError, a 500.
            return PlainTextResponse("The request body must be a JSON object", status_code=400)
        query, variables = data.get("query"), data.get("variables")
        extensions = data.get("extensions")
        if (
            not isinstance(query, str)
            or not query
            or not isinstance(variables, dict | None)
            or not isinstance(extensions, dict | None)
        ):
            return await self.run(request, context=context)
        try:
            result = await self.schema.execute(
                query,
                variable_values=variables,
                context_value=context,
                operation_name=data.get("operationName"),
                allowed_operation_types=_POST_OPERATIONS,
                operation_extensions=extensions,
            )
        except (CannotGetOperationTypeError, InvalidOperationTypeError):
            # Refused before anything ran: Strawberry's view turns it into its 400.
            return await self.run(request, context=context)
        return self.encode_json(await self.process_result(request, result))

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return await self._context(request)

    async def _context(self, request: Request | WebSocket) -> Context:
        """The caller is resolved here, before any resolver runs: an unknown employee is a 401 for
        the whole request (__call__), never a GraphQL error beside data."""
        state = _state(request)
        if isinstance(request, Request) and request.method == "GET":
            return Context(state.db, _PAGE_VISITOR)
        principal = state.tokens.principal(request.headers.get("authorization"))
        return Context(state.db, await state.callers(principal))

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = [convert(error) for error in result.errors]
        return process_result(result)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # orjson.JSONDecodeError subclasses json's, which Strawberry turns into a clear 400.
        return orjson.loads(data)


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
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.callers = CallerResolver(db)
        self.tokens = TokenVerifier(settings)
        self.schema_applied = False

    async def ensure_schema(self) -> None:
        if not self.schema_applied:
            await apply_schema(self.db)
            self.schema_applied = True


def _state(request: Request | WebSocket) -> AppState:
    state: AppState = request.app.state.relgraph
    return state


# GET never executes an operation here (allow_queries_via_get=False): it only serves the
# GraphiQL page in dev, which must load before the user can paste a token into it. Its context
# names nobody and sees no customer.
_PAGE_VISITOR = Caller(
    Principal(employee_id="", roles=frozenset()),
    EmployeeRecord(id="", name="", roles=[]),
    Visibility(frozenset()),
)


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
        if scope["type"] != "http":
            await self.api(scope, receive, send)  # the lifespan
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


def create_app(settings: Settings | None = None) -> RelgraphApp:
    settings = settings or get_settings()
    settings.check_token_secret()
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.neo4j_config())
        state = AppState(settings, db)
        app.state.relgraph = state
        try:
            await state.ensure_schema()
        except GraphUnavailable as exc:
            # Serve anyway: /readyz reports the outage and the schema is applied on recovery.
            log.warning("Neo4j unavailable at start-up (%s); will retry on /readyz", exc)
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
        graphql_ide="graphiql" if settings.is_dev else None,
        allow_queries_via_get=False,
    )
    graphql.max_body_bytes = settings.max_body_bytes

    app = FastAPI(
        title="relgraph",
        description="GraphQL knowledge graph of the bank's customer relationships",
        lifespan=lifespan,
        docs_url="/docs" if settings.is_dev else None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.is_dev else None,
    )

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
