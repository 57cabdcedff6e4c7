"""`generate_bank`: the world, then every registered planted structure, into one folder."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from loaders.plan import LOAD_PLAN, parse_table_file_name
from loaders.synthetic.planted import REGISTRY, check_registry
from loaders.synthetic.population import HOLDOUT_RATE
from loaders.synthetic.sink import GROUND_TRUTH, Sink
from loaders.synthetic.vocab import TODAY, Pools
from loaders.synthetic.world import World

GENERATOR_VERSION = 3
"""Bump it when the files written for a given `customers` and `seed` change (the world's rows, a
structure's rows or their format), so that banks generated before are regenerated. Registering
a new structure needs no bump: `bank_marker` names the registered structures too."""

MIN_CUSTOMERS = 500
"""Smaller banks cannot hold the planted structures."""


@dataclass(frozen=True)
class GenerationSummary:
    out: Path
    customers: int
    seed: int
    rows_by_file: dict[str, int]  # relative path → rows (CSV rows after the header, JSONL lines)
    seconds: float


def generate_bank(
    customers: int, seed: int, out: Path, *, progress: bool = True
) -> GenerationSummary:
    """Write a synthetic bank of `customers` customers into `out` (created if missing)."""
    if customers < MIN_CUSTOMERS:
        raise ValueError(f"customers must be at least {MIN_CUSTOMERS}, got {customers}")
    check_registry(REGISTRY)
    started = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sink = Sink(out)
    try:
        world = World(customers, seed, sink, Pools.build(seed))
        world.populate(progress)
        for name, structure in REGISTRY.items():
            structure(name, world.view, sink).plant()
        pop = world.population
        sink.write_json(
            f"{GROUND_TRUTH}/manifest.json",
            {
                "customers": customers,
                "seed": seed,
                "generator_version": GENERATOR_VERSION,
                "today": TODAY.isoformat(),
                "customer_persons": pop.persons,
                "customer_companies": pop.companies,
                "financial_institutions": pop.fi_count,
                "large_corporates": pop.large_count,
                "holdout_rate": HOLDOUT_RATE,
            },
        )
    finally:
        sink.close()
    _remove_stale_parts(out, sink.written())
    return GenerationSummary(
        out=out,
        customers=customers,
        seed=seed,
        rows_by_file=sink.counts(),
        seconds=time.perf_counter() - started,
    )


def _remove_stale_parts(out: Path, written: set[str]) -> None:
    """Tables this run did not write — parts of a structure since renamed or dropped, ground
    truth of an older generator — would still load or be read with the folder, so they go. The
    world writes every plain load file, so only parts can be stale there."""
    load_stems = {spec.name for spec in LOAD_PLAN}
    for path in [*out.iterdir(), *(out / GROUND_TRUTH).iterdir()]:
        parsed = parse_table_file_name(path.name)
        if parsed is None or not path.is_file():
            continue
        if path.parent == out and (parsed.part is None or parsed.stem not in load_stems):
            continue
        if path.relative_to(out).as_posix() not in written:
            path.unlink()


def bank_marker(customers: int, seed: int) -> str:
    """Names the bank `generate_bank(customers, seed, …)` writes: equal markers, equal files."""
    return json.dumps(
        {
            "customers": customers,
            "seed": seed,
            "generator": GENERATOR_VERSION,
            "planted": sorted(REGISTRY),
        },
        sort_keys=True,
    )


def generate_bank_once(customers: int, seed: int, folder: Path, *, progress: bool) -> bool:
    """Writes the bank into `folder` unless the folder already holds this very bank; a folder
    holding another (older generator, other size or seed) is emptied first. True if written."""
    done = folder / ".complete"
    marker = bank_marker(customers, seed)
    if done.exists() and done.read_text(encoding="utf-8") == marker:
        return False
    if folder.exists():
        shutil.rmtree(folder)
    generate_bank(customers, seed, folder, progress=progress)
    done.write_text(marker, encoding="utf-8")
    return True


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a deterministic synthetic bank.")
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    summary = generate_bank(args.customers, args.seed, args.out, progress=not args.no_progress)
    total = sum(summary.rows_by_file.values())
    sys.stdout.write(f"wrote {total:,} rows to {summary.out} in {summary.seconds:.1f}s\n")
