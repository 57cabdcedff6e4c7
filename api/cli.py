"""The `relgraph` command: database, schema, synthetic bank, loads, tokens and the server.

Each command imports what it needs when it runs (the schema, the loaders, uvicorn): together they
take about a second to import, which `relgraph db status` or `relgraph token` should not pay.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from api.settings import Settings, get_settings
from graph.db import Database, GraphUnavailable
from graph.local_server import PROJECT_ROOT, LocalServerError
from graph.rulebook import Rulebook
from graph.rules import RulesError
from graph.schema import apply_schema
from queries import Q

if TYPE_CHECKING:
    from graph.records import ScreeningRunRecord
    from loaders.ingest import LoadSummary

app = typer.Typer(
    help="relgraph: the bank's customer-relationship knowledge graph.", no_args_is_help=True
)
db_app = typer.Typer(
    help="The local Neo4j server (ignored when NEO4J_URI is set).", no_args_is_help=True
)
schema_app = typer.Typer(
    help="Graph constraints and indexes; the GraphQL SDL.", no_args_is_help=True
)
audit_app = typer.Typer(
    help="The tamper-evident ledgers: compliance's audit log, referral credit.",
    no_args_is_help=True,
)
opportunities_app = typer.Typer(
    help="Opportunities (商机): generate them, check the push rules.", no_args_is_help=True
)
referrals_app = typer.Typer(
    help="Referrals (转介): expire those without progress.",
    no_args_is_help=True,
)
segments_app = typer.Typer(
    help="Computed segments (分类分层) and the value × need matrix.", no_args_is_help=True
)
crosssell_app = typer.Typer(help="Cross-sell (交叉销售) statistics.", no_args_is_help=True)
eval_app = typer.Typer(
    help="Score relgraph's models against a synthetic bank's ground truth.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(schema_app, name="schema")
app.add_typer(audit_app, name="audit")
app.add_typer(segments_app, name="segments")
app.add_typer(crosssell_app, name="crosssell")
app.add_typer(eval_app, name="eval")
app.add_typer(opportunities_app, name="opportunities")
app.add_typer(referrals_app, name="referrals")

if TYPE_CHECKING:
    from graph.segments import RecomputeReport

T = TypeVar("T")


def _fail(message: str) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code=1)


def rulebook(settings: Settings) -> Rulebook:
    """The rule files, or a clear exit naming the file and key at fault."""
    try:
        return settings.rulebook()
    except RulesError as exc:
        raise _fail(str(exc)) from exc


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
    rescreen: Annotated[
        bool,
        typer.Option(
            help="Re-screen the customers whose exposure the ties and list entries loaded can "
            "change, and raise alerts (once a screening run has set the baseline)."
        ),
    ] = True,
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
        await _rescreen_after_load(db, settings, summary, folder, rescreen)
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
        if summary.credit_entries:
            typer.echo(f"credited the loaded wins: {summary.credit_entries:,} credit entries")

    with_database(settings, work)


# The load types whose rows are ties between parties: one per LinkType, named after it.
TIE_TABLES = frozenset(
    ("owns", "executive_of", "legal_rep_of", "employed_by", "family_of", "guarantees")
)


async def _rescreen_after_load(
    db: Database, settings: Settings, summary: LoadSummary, folder: Path, rescreen: bool
) -> None:
    """Re-screens around what the load changed (graph/monitoring.py) once monitoring has a
    baseline: before the first screening run every exposure would be "new"."""
    import datetime as dt

    from graph import monitoring

    ties, listings = summary.touched(TIE_TABLES), summary.touched({"list_entries"})
    if not rescreen or not (ties or listings):
        return
    rules = settings.compliance_rules()
    hops = await monitoring.baseline_hops(db)
    if hops is None:
        typer.echo("no screening run yet: run `relgraph screen` to start monitoring exposure")
        return
    affected, alerts = await monitoring.rescreen_after_load(
        db,
        listing_changed=sorted(listings),
        ties_changed=sorted(ties),
        max_hops=hops,
        as_of=dt.date.today(),
        cap=rules.screening_fanout_cap,
        cause_ref=folder.name,
    )
    typer.echo(
        f"re-screened around {len(affected)} listed parties ({len(ties)} tie ends and "
        f"{len(listings)} listings changed): {len(alerts)} alerts raised"
    )


@app.command()
def screen(
    max_hops: Annotated[
        int | None,
        typer.Option(min=1, max=6, help="Default RELGRAPH_SCREENING_MAX_HOPS (3)."),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option(help="Ties and lists as of this day, YYYY-MM-DD (today).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the regulator's report (CSV) here.")
    ] = None,
    run: Annotated[
        str | None,
        typer.Option(help="Write the report of this earlier run instead of screening again."),
    ] = None,
    actor: Annotated[
        str | None, typer.Option(help="Who screens, as the run records it (default: $USER).")
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Screen every customer for exposure to listed parties within --max-hops; stored as a
    screening run (compared with the one before), optionally written out as a CSV report."""
    import datetime as dt
    import getpass

    from tqdm import tqdm

    from graph import screening
    from loaders.csv_report import write_csv_report

    settings = get_settings()
    rules = settings.compliance_rules()
    try:
        day = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
    except ValueError as exc:
        raise _fail(f"--as-of: {exc}") from exc
    if run is not None and out is None:
        raise _fail("--run needs --out: it writes an earlier run's report")

    async def work(db: Database) -> None:
        run_id = run
        if run_id is None:
            bar = tqdm(desc="listed parties", unit="parties", disable=not progress)

            def advance(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)

            with bar:
                finished = await screening.screen(
                    db,
                    rules,
                    max_hops=max_hops or rules.screening_max_hops,
                    as_of=day,
                    actor=actor or getpass.getuser(),
                    progress=advance,
                )
            run_id = finished.id
            typer.echo(_run_summary(finished))
        elif (await screening.runs_by_ids(db, [run_id]))[0] is None:
            raise _fail(f"no screening run {run_id!r}")
        if out is not None:
            rows = await screening.report_rows(db, run_id)
            write_csv_report(out, screening.REPORT_COLUMNS, rows)
            typer.echo(f"wrote {len(rows):,} rows to {out}")

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


def _run_summary(run: ScreeningRunRecord) -> str:
    import json

    by_hops = ", ".join(f"{n:,} at {h}" for h, n in json.loads(run.exposures_by_hops).items())
    cuts = len(json.loads(run.cuts))
    return "\n".join(
        (
            f"screening run {run.id} ({run.status}) in {run.seconds or 0:.1f}s, "
            f"as of {run.as_of}, {run.max_hops} hops",
            f"  customers screened:  {run.customers or 0:,}",
            f"  listed parties:      {run.listed or 0:,}",
            f"  customers flagged:   {run.flagged or 0:,} "
            f"(exposures: {run.exposures or 0:,}{': ' + by_hops if by_hops else ''})",
            f"  against the run before ({run.previous_run_id or 'none'}): "
            f"{run.newly_flagged or 0:,} newly flagged, "
            f"{run.no_longer_flagged or 0:,} no longer flagged",
            f"  parties not crossed (over {run.cap:,} ties): {cuts:,}",
        )
    )


@audit_app.command("verify")
def audit_verify(
    ledger: Annotated[str, typer.Option(help="audit, credit or all.", show_default=True)] = "all",
) -> None:
    """Walk each ledger's hash chain: print its head hash (keep it outside the graph), or exit
    non-zero naming the first edited, deleted or moved entry."""
    from graph.ledger import Ledger, Verification, verify

    names = [member.value for member in Ledger]
    if ledger not in (*names, "all"):
        raise _fail(f"--ledger must be one of {', '.join(names)} or all")
    chosen = names if ledger == "all" else [ledger]

    async def work(db: Database) -> list[Verification]:
        return [await verify(db, name) for name in chosen]

    verdicts = with_database(get_settings(), work)
    for verdict in verdicts:
        if verdict.ok:
            typer.echo(
                f"{verdict.ledger}: {verdict.checked:,} entries, chain intact; head "
                f"{verdict.head_seq} {verdict.head_hash}"
            )
        else:
            typer.secho(
                f"{verdict.ledger}: TAMPERED at entry {verdict.first_bad_seq}: {verdict.problem} "
                f"({verdict.checked:,} entries before it are intact)",
                err=True,
                fg=typer.colors.RED,
            )
    if not all(v.ok for v in verdicts):
        raise typer.Exit(code=1)


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
    rulebook(settings)  # the app checks them too; here a bad file is one clear line
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
    rules = rulebook(settings)
    size = customers or settings.demo_customers
    # The marker names the generator version and the planted structures too, so a bank made by
    # an older generator is made again and loaded.
    marker_value = bank_marker(size, settings.demo_seed)
    folder = settings.data_dir / f"demo-bank-{size}-{settings.demo_seed}"

    async def prepare(db: Database) -> None:
        await load_demo_bank(db)
        typer.echo("generating opportunities (商机) …", err=True)
        await generate_opportunities(db, settings, progress=True)

    async def load_demo_bank(db: Database) -> None:
        await apply_schema(db)
        rows = await db.read(Q.get_meta, {"key": "demo_bank"})
        if rows and rows[0]["value"] == marker_value:
            typer.echo("demo bank already loaded", err=True)
            await prepare_area_jobs(db, rules, loaded=False)
            await _first_screening(db, settings)
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
        await prepare_area_jobs(db, rules, loaded=True)
        await _first_screening(db, settings)

    with_database(settings, prepare)
    port = port or settings.port
    print_demo_tokens(settings, f"http://{host}:{port}/graphql")
    serve(host=host, port=port)


async def _first_screening(db: Database, settings: Settings) -> None:
    """The demo bank is screened once, so that compliance's screening runs, flagged customers
    and alerts have something to show."""
    from graph import screening

    if (await screening.runs_page(db, 0, 1))[1]:
        return
    typer.echo("screening the demo bank for exposure to listed parties …", err=True)
    rules = settings.compliance_rules()
    finished = await screening.screen(
        db, rules, max_hops=rules.screening_max_hops, as_of=dt.date.today(), actor="demo"
    )
    typer.echo(_run_summary(finished), err=True)


async def prepare_area_jobs(db: Database, rules: Rulebook, *, loaded: bool) -> None:
    """After a load (or when they were never run, or the statistics went stale): computed
    segments, then the cross-sell statistics, which group customers by segment."""
    from graph import segments
    from graph.crosssell import stats

    today = dt.date.today()
    if loaded or await segments.last_run(db) is None:
        report = await segments.recompute(db, rules.segments, today, progress=True)
        typer.echo(
            f"computed the segments of {report.customers:,} customers in {report.seconds:.0f}s",
            err=True,
        )
    status = await stats.status(db)
    if loaded or status is None or status.stale:
        refreshed = await stats.refresh(db, rules.crosssell, today, progress=True)
        typer.echo(
            f"counted the cross-sell statistics of {refreshed.customers:,} customers in "
            f"{refreshed.seconds:.0f}s",
            err=True,
        )


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


AS_OF = typer.Option(
    "--as-of", formats=["%Y-%m-%d"], help="The day to compute for (YYYY-MM-DD); default today."
)


@segments_app.command("recompute")
def segments_recompute(
    as_of: Annotated[dt.datetime | None, AS_OF] = None,
    rules: Annotated[
        Path | None, typer.Option(help="Segmentation rules; default RELGRAPH_SEGMENT_RULES.")
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Also write the customers who dropped from KEY or VALUE here (CSV)."),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Compute every customer's segment, value tier and need type; print the migration report
    (客户迁移预警): who moved from which cell to which, and who dropped from KEY or VALUE."""
    from graph import segments
    from loaders.csv_report import write_csv_report

    settings = get_settings()
    if rules is not None:
        settings = settings.model_copy(update={"segment_rules": rules})
    segment_rules = rulebook(settings).segments
    day = as_of.date() if as_of else dt.date.today()

    async def work(db: Database) -> segments.RecomputeReport:
        try:
            return await segments.recompute(db, segment_rules, day, progress=progress)
        except segments.SegmentJobRunning as exc:
            raise _fail(str(exc)) from exc

    result = with_database(settings, work)
    for line in migration_report(result):
        typer.echo(line)
    if report is not None:
        write_csv_report(
            report,
            ["customer_id", "name", "from", "to"],
            ([d.customer_id, d.name, d.previous.value, d.segment.value] for d in result.dropped),
        )
        typer.echo(f"dropped customers: {report}")


def migration_report(report: RecomputeReport) -> list[str]:
    """The recompute summary and 客户迁移预警 as the console shows it."""
    counts = ", ".join(f"{k} {report.segments.get(k, 0):,}" for k in ("KEY", "VALUE", "POTENTIAL"))
    lines = [
        f"computed {report.customers:,} customers as of {report.as_of} with rules "
        f"{report.version} in {report.seconds:.1f}s: {counts}",
        f"first computed {report.first_computed:,}; moved {report.changed:,}",
    ]
    if report.segment_moves:
        lines.append("segment moves (from → to: customers):")
        lines += [
            f"  {a:<9} → {b:<9} {n:>7,}" for (a, b), n in sorted(report.segment_moves.items())
        ]
    if report.cell_moves:
        lines.append("matrix cell moves (value tier · need type):")
        lines += [
            f"  {a[0]}·{a[1]:<13} → {b[0]}·{b[1]:<13} {n:>7,}"
            for (a, b), n in sorted(report.cell_moves.items(), key=lambda item: -item[1])
        ]
    lines.append(f"dropped from KEY or VALUE: {len(report.dropped):,}")
    lines += [
        f"  {d.customer_id} {d.name}: {d.previous.value} → {d.segment.value}"
        for d in report.dropped[:20]
    ]
    if len(report.dropped) > 20:
        lines.append(f"  … and {len(report.dropped) - 20:,} more (--report writes them all)")
    return lines


@crosssell_app.command("refresh")
def crosssell_refresh(
    rules: Annotated[
        Path | None, typer.Option(help="Cross-sell rules; default RELGRAPH_CROSSSELL_RULES.")
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Count the holdings and co-holdings the recommender and productAffinity read, per branch
    and for the bank, as of today; answers say when they were computed and whether stale."""
    from graph.crosssell import stats

    settings = get_settings()
    if rules is not None:
        settings = settings.model_copy(update={"crosssell_rules": rules})
    crosssell_rules = rulebook(settings).crosssell

    async def work(db: Database) -> stats.RefreshReport:
        try:
            return await stats.refresh(db, crosssell_rules, dt.date.today(), progress=progress)
        except stats.RefreshRunning as exc:
            raise _fail(str(exc)) from exc

    done = with_database(settings, work)
    typer.echo(
        f"counted {done.holdings:,} holdings of {done.customers:,} customers "
        f"({done.branches:,} branches, {done.groups:,} peer groups, {done.pairs:,} product pairs) "
        f"in {done.seconds:.1f}s: statistics generation {done.generation}"
    )


@eval_app.command("crosssell")
def eval_crosssell(
    truth: Annotated[Path, typer.Option(help="A synthetic bank's ground_truth folder.")],
    sample: Annotated[
        int | None, typer.Option(min=1, help="Score every N-th customer only (by id).")
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Score the cross-sell recommender against the held-out holdings in TRUTH: precision@5,
    recall@10 and MAP@10 of relgraph, popularity and the oracle (propensity by latent type)."""
    from loaders.synthetic.crosssell_eval import TruthError, evaluate, format_table, read_truth

    settings = get_settings()
    crosssell_rules = rulebook(settings).crosssell
    try:
        known = read_truth(truth)
    except TruthError as exc:
        raise _fail(str(exc)) from exc

    async def work(db: Database) -> str:
        scores = await evaluate(
            db, known, crosssell_rules, dt.date.today(), sample=sample, progress=progress
        )
        return format_table(scores)

    typer.echo(with_database(settings, work))
