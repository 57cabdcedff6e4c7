"""A deterministic synthetic Chinese bank in the loader's format, with planted ground truth.

`generate_bank(customers, seed, out)` writes every load file of loaders/plan.py into `out/` and
what later features must rediscover into `out/ground_truth/` (docs/synthetic-bank.md). The same
`customers` and `seed` give byte-identical files.

The package is the world (bank.py runs it: population.py, org.py, catalogue.py, customers.py,
links.py and the writers parties.py, lists.py, relations.py over ids.py, streams.py and sink.py,
with vocab.py's vocabulary) and the planted structures (planted/, one module each, one registry).
"""

from loaders.synthetic.bank import (
    GENERATOR_VERSION,
    MIN_CUSTOMERS,
    GenerationSummary,
    bank_marker,
    generate_bank,
    generate_bank_once,
    main,
)
from loaders.synthetic.population import HOLDOUT_RATE
from loaders.synthetic.sink import GROUND_TRUTH

__all__ = [
    "GENERATOR_VERSION",
    "GROUND_TRUTH",
    "HOLDOUT_RATE",
    "MIN_CUSTOMERS",
    "GenerationSummary",
    "bank_marker",
    "generate_bank",
    "generate_bank_once",
    "main",
]
