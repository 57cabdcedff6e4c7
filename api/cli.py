"""The `relgraph` command: database, schema, synthetic bank, loads, tokens and the server.

Each command imports what it needs when it runs (the schema, the loaders, uvicorn): together they
take about a second to import, which `relgraph db status` or `relgraph token` should not pay.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from api.settings import Settings, get_settings
from graph.db import Database, GraphUnavailable
from graph.local_server import PROJECT_ROOT, LocalServerError
from graph.schema import apply_schema
from queries import Q

app = typer.Typer(
    help="relgraph: the bank's customer-relationship knowledge graph.", no_args_is_help=True
)
db_app = typer.Typer(
    help="The local Neo4j server (ignored when NEO4J_URI is set).", no_args_is_help=True
)
schema_app = typer.Typer(
    help="Graph constraints and indexes; the GraphQL SDL.", no_args_is_help=True
)
opportunities_app = typer.Typer(
    help="Opportunities (商机): generate them, check the push rules.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(schema_app, name="schema")
referrals_app = typer.Typer(
    help="Referrals (转介): expire those without progress.", no_args_is_help=True
)
app.add_typer(opportunities_app, name="opportunities")
app.add_typer(referrals_app, name="referrals")

T = TypeVar("T")


def _fail(message: str) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code=1)


def ensure_database(settings: Settings) -> None:
    """Starts the local server unless NEO4J_URI points at one already."""
    if settings.neo4j_uri:
        return
    server = settings.local_server()
    if not server.status().running:
        typer.echo(f"starting local Neo4j on {server.uri} (data in {server.home}) …", err=True)
    try:
        server.start()
    except LocalServerError as exc:
        raise _fail(str(exc)) from exc


def with_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    ensure_database(settings)

    async def run() -> T:
        # Batch commands ride out short outages (a Neo4j restart) rather than fail fast.
        db = Database(replace(settings.neo4j_config(), retry_seconds=30.0))
        try:
            return await work(db)
        finally:
            await db.close()

    try:
        return asyncio.run(run())
    except GraphUnavailable as exc:
        raise _fail(f"Neo4j at {settings.neo4j_config().uri} is unreachable: {exc}") from exc


@db_app.command("start")
def db_start() -> None:
    """Build the launcher if needed, start Neo4j in the background and wait for Bolt."""
    settings = get_settings()
    if settings.neo4j_uri:
        typer.echo(f"NEO4J_URI is set ({settings.neo4j_uri}); not starting a local server")
        return
    ensure_database(settings)
    status = settings.local_server().status()
    typer.echo(f"Neo4j is running: {status.uri} (pid {status.pid}, data {status.home})")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the local Neo4j cleanly (SIGTERM; the store is closed by its shutdown hook)."""
    server = get_settings().local_server()
    typer.echo("stopped" if server.stop() else "not running")


@db_app.command("status")
def db_status() -> None:
    """Say whether the local Neo4j runs, and where."""
    settings = get_settings()
    if settings.neo4j_uri:
        typer.echo(f"using external Neo4j at {settings.neo4j_uri}")
        return
    status = settings.local_server().status()
    if status.running:
        typer.echo(f"running: {status.uri} (pid {status.pid}, data {status.home})")
    else:
        typer.echo(f"not running (would listen on {status.uri}, data {status.home})")
        raise typer.Exit(code=3)


@schema_app.command("apply")
def schema_apply() -> None:
    """Create every constraint and index (idempotent)."""
    with_database(get_settings(), apply_schema)
    typer.echo("schema applied")


@schema_app.command("export")
def schema_export(
    out: Annotated[Path, typer.Option(help="Where to write the SDL.")] = PROJECT_ROOT
    / "schema.graphql",
) -> None:
    """Write the GraphQL SDL, the contract front-end teams diff against."""
    from schema import build_schema

    out.write_text(build_schema().as_str() + "\n", encoding="utf-8")
    typer.echo(f"wrote {out}")


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="Folder to write the load files into.")],
    customers: Annotated[
        int, typer.Option(min=500, help="Number of customers (at least 500).")
    ] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same bank.")] = 42,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Write a deterministic synthetic bank in the loader's format, with ground truth."""
    from loaders.synthetic import generate_bank

    summary = generate_bank(customers, seed, out, progress=progress)
    total = sum(summary.rows_by_file.values())
    typer.echo(
        f"wrote {total:,} rows in {len(summary.rows_by_file)} files to {out} "
        f"in {summary.seconds:.1f}s ({total / max(summary.seconds, 1e-9):,.0f} rows/s)"
    )


@app.command()
def load(
    folder: Annotated[Path, typer.Argument(help="Folder of load files (docs/data-format.md).")],
    batch_size: Annotated[int, typer.Option(min=1, max=50_000)] = 1000,
    rejects: Annotated[
        Path | None, typer.Option(help="Where to write the rejects report (CSV).")
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
) -> None:
    """Validate and load a folder; bad rows are reported, good rows load. Safe to re-run."""
    from loaders.ingest import LoadFolderError, load_folder, write_rejects_report

    settings = get_settings()

    async def work(db: Database) -> None:
        await apply_schema(db)
        try:
            summary = await load_folder(db, folder, batch_size=batch_size, progress=progress)
        except LoadFolderError as exc:
            raise _fail(str(exc)) from exc
        report = rejects or folder / "rejects.csv"
        for reject in summary.rejects[:20]:
            typer.secho(f"rejected {reject}", err=True, fg=typer.colors.YELLOW)
        if summary.rejected > 20:
            typer.secho(f"… and {summary.rejected - 20} more", err=True, fg=typer.colors.YELLOW)
        write_rejects_report(summary.rejects, report)
        if summary.rejected:
            typer.echo(f"rejects report: {report}")
        typer.echo(
            f"read {summary.read:,} rows, loaded {summary.loaded:,}, rejected {summary.rejected:,} "
            f"in {summary.seconds:.1f}s ({summary.rows_per_second:,.0f} rows/s)"
        )

    with_database(settings, work)


async def generate_opportunities(db: Database, settings: Settings, progress: bool) -> None:
    """Runs every opportunity model over the bank and prints the summary by kind and grade."""
    import datetime as dt

    from graph.opportunities import generate
    from graph.push_rules import PushRulesInvalid

    try:
        summary = await generate(
            db, settings.opportunity_policy(), dt.date.today(), progress=progress
        )
    except PushRulesInvalid as exc:
        raise _fail("the push rules cannot be used:\n" + _problems(exc)) from exc
    typer.echo(f"{'kind':<16}{'grade':<7}{'created':>9}{'refreshed':>11}{'expired':>9}")
    for kind, grade, created, refreshed, expired in summary.table():
        typer.echo(f"{kind:<16}{grade:<7}{created:>9,}{refreshed:>11,}{expired:>9,}")
    written = summary.written
    typer.echo(
        f"found {summary.found:,} opportunities: {written.count('created'):,} created, "
        f"{written.count('refreshed'):,} refreshed, {written.count('kept'):,} kept (open from "
        f"another source), {sum(summary.expired.values()):,} expired, {written.unrouted:,} "
        f"unrouted; push rules v{summary.rules_version}; {summary.seconds:.1f}s"
    )


def _problems(exc: Exception) -> str:
    from graph.push_rules import PushRulesInvalid

    assert isinstance(exc, PushRulesInvalid)
    return "\n".join(f"  {p.describe(exc.source)}" for p in exc.problems)


@opportunities_app.command("generate")
def opportunities_generate(
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
) -> None:
    """Find opportunities with every model (public-private linkage, …), route them by the push
    rules and write them: idempotent; a re-run refreshes scores and expires what no longer
    holds."""
    settings = get_settings()

    async def work(db: Database) -> None:
        await apply_schema(db)
        await generate_opportunities(db, settings, progress)

    with_database(settings, work)


@opportunities_app.command("check-rules")
def opportunities_check_rules(
    file: Annotated[
        Path | None, typer.Argument(help="A rule file; default RELGRAPH_PUSH_RULES_FILE.")
    ] = None,
) -> None:
    """Check a push-rule file against the bank's branches and staff; every problem with its
    line."""
    from graph.push_rules import PushRulesInvalid, load_directory, load_rules

    settings = get_settings()
    path = file or settings.push_rules_file

    async def work(db: Database) -> None:
        try:
            rules = load_rules(path, await load_directory(db))
        except PushRulesInvalid as exc:
            raise _fail(f"{len(exc.problems)} problem(s):\n" + _problems(exc)) from exc
        typer.echo(f"{path}: version {rules.version}, {len(rules.rules)} rules, no problems")

    with_database(settings, work)


@referrals_app.command("expire")
def referrals_expire() -> None:
    """Expire open referrals whose stage has not changed for RELGRAPH_REFERRAL_EXPIRY_DAYS."""
    import datetime as dt

    from graph.referrals import expire

    settings = get_settings()

    async def work(db: Database) -> None:
        expired = await expire(db, settings.referral_expiry_days, dt.datetime.now(dt.UTC))
        typer.echo(
            f"{expired:,} referrals expired (no progress for {settings.referral_expiry_days} days)"
        )

    with_database(settings, work)


async def write_referral_history(db: Database, settings: Settings) -> None:
    """A year of referral history with its credit (graph/referral_history.py), once."""
    import datetime as dt

    from graph.opportunities import checked_rules
    from graph.referral_history import write_history

    in_force = await checked_rules(db, settings.opportunity_policy())
    summary = await write_history(
        db, in_force.rules, in_force.directory, dt.date.today(), settings.demo_seed
    )
    if not summary.written:
        typer.echo(f"referral history already written ({summary.referrals:,} referrals)", err=True)
        return
    typer.echo(
        f"referral history: {summary.referrals:,} referrals, {summary.won:,} won, "
        f"{summary.credit_entries:,} credit entries",
        err=True,
    )


@referrals_app.command("history")
def referrals_history() -> None:
    """Write a year of synthetic referral history and its credit into the loaded bank (once)."""
    settings = get_settings()

    async def work(db: Database) -> None:
        await apply_schema(db)
        await write_referral_history(db, settings)

    with_database(settings, work)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port; default RELGRAPH_PORT (8000).")
    ] = None,
    workers: Annotated[int, typer.Option(min=1)] = 1,
) -> None:
    """Serve the GraphQL API (uses NEO4J_URI, or starts the local Neo4j)."""
    import uvicorn

    settings = get_settings()
    try:
        settings.check_token_secret()
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    ensure_database(settings)
    # relgraph logs each request itself (api/middleware.py), with its request id.
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port or settings.port,
        workers=workers,
        access_log=False,
    )


@app.command()
def demo(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="Port; default RELGRAPH_PORT (8000).")
    ] = None,
    customers: Annotated[int | None, typer.Option(help="Default RELGRAPH_DEMO_CUSTOMERS.")] = None,
) -> None:
    """Start the database if needed, generate and load the demo bank once, then serve."""
    from loaders.ingest import load_folder
    from loaders.synthetic import bank_marker, generate_bank_once

    settings = get_settings()
    try:
        settings.check_token_secret()  # before minutes of loading, not after
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    size = customers or settings.demo_customers
    # The marker names the generator version and the planted structures too, so a bank made by
    # an older generator is made again and loaded.
    marker_value = bank_marker(size, settings.demo_seed)
    folder = settings.data_dir / f"demo-bank-{size}-{settings.demo_seed}"

    async def prepare(db: Database) -> None:
        await load_demo_bank(db)
        typer.echo("generating opportunities (商机) …", err=True)
        await generate_opportunities(db, settings, progress=True)
        typer.echo("writing a year of referrals (转介) and their credit …", err=True)
        await write_referral_history(db, settings)

    async def load_demo_bank(db: Database) -> None:
        await apply_schema(db)
        rows = await db.read(Q.get_meta, {"key": "demo_bank"})
        if rows and rows[0]["value"] == marker_value:
            typer.echo("demo bank already loaded", err=True)
            return
        if rows:
            typer.secho(
                "the graph holds another demo bank; loads only add and update, so rows of that "
                "bank the new one lacks stay (start from an empty graph to drop them)",
                err=True,
                fg=typer.colors.YELLOW,
            )
        if generate_bank_once(size, settings.demo_seed, folder, progress=True):
            typer.echo(f"generated the demo bank ({size:,} customers) in {folder}", err=True)
        typer.echo("loading the demo bank …", err=True)
        summary = await load_folder(db, folder, progress=True)
        if summary.rejected:
            raise _fail(
                f"the demo bank had {summary.rejected} rejected rows: {summary.rejects[:3]}"
            )
        await db.write(Q.set_meta, {"key": "demo_bank", "value": marker_value})
        typer.echo(f"loaded {summary.loaded:,} rows in {summary.seconds:.0f}s", err=True)

    with_database(settings, prepare)
    port = port or settings.port
    print_demo_tokens(settings, f"http://{host}:{port}/graphql")
    serve(host=host, port=port)


def print_demo_tokens(settings: Settings, url: str = "") -> None:
    """One token per access role, each naming a real employee of the demo bank, with whose it is
    and what it sees. Branch staff are picked at a sub-branch (支行) with customers, so that the
    demo shows branch scope; the customers each token sees are counted as the API counts them."""
    import datetime as dt

    from api.auth import CallerResolver, mint_token
    from graph.org import branches_by_ids, demo_employee
    from graph.parties import CustomerFilter, count_customers
    from schema.core.access import Principal, Role

    picks = {
        Role.FRONTEND: ("CUSTOMER_MANAGER", "SUB_BRANCH"),
        Role.MANAGER: ("BRANCH_HEAD", "SUB_BRANCH"),
        Role.COMPLIANCE: ("PRODUCT_SPECIALIST", "HEAD_OFFICE"),
        Role.ADMIN: ("BRANCH_HEAD", "HEAD_OFFICE"),
    }

    async def describe(db: Database) -> list[str]:
        callers = CallerResolver(db)
        lines = []
        for role, (job, branch_kind) in picks.items():
            employee_id = await demo_employee(db, job, branch_kind)
            if employee_id is None:
                continue
            caller = await callers(Principal(employee_id, frozenset({role})))
            employee, scope = caller.employee, caller.visibility.cypher_scope
            (branch,) = await branches_by_ids(db, [employee.branch_id or ""])
            customers = await count_customers(db, scope, CustomerFilter(), dt.date.today())
            reach = (
                f"all {customers:,} customers"
                if scope is None
                else f"{customers:,} customers (its branch and {len(scope) - 1} below it)"
            )
            masking = "unmasked" if caller.sees_personal_data else "masked"
            lines.append(
                f"  {role.value:<11}{employee.name} {employee.id}, {employee.position or job} at "
                f"{branch.name if branch else '?'}: sees {reach}, personal data {masking}"
            )
            lines.append(f"    {mint_token(settings, employee_id, [role])}")
        return lines

    lines = with_database(settings, describe)
    where = f" at {url}" if url else ""
    typer.echo(f"tokens for trying the API{where} (Authorization: Bearer <token>):", err=True)
    for line in lines:
        typer.echo(line, err=True)
    typer.echo(
        "more: RELGRAPH_ENV=dev .venv/bin/relgraph token --employee <id> --role <role>", err=True
    )


@app.command()
def token(
    employee: Annotated[str, typer.Option(help="Employee id the token names.")],
    role: Annotated[list[str], typer.Option(help="frontend, manager, compliance or admin.")],
    ttl_minutes: Annotated[int | None, typer.Option(min=1)] = None,
) -> None:
    """Mint a bearer token for local use."""
    from api.auth import mint_token
    from schema.core.access import Role

    settings = get_settings()
    try:
        settings.check_token_secret()
        roles = [Role(r) for r in role]
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(mint_token(settings, employee, roles, ttl_minutes))
