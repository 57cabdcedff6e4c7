"""Public-private linkage (公私联动) and opportunities (商机): a person's corporate background, a
company's staff pool, linkage opportunities bank- or branch-wide, and the opportunities found,
routed by push rules and worked by their owners."""

# The domain enums must be registered before the types below annotate with them.
from schema.core import enums  # noqa: F401
from schema.linkage.background import PersonLinkageFields
from schema.linkage.candidates import LinkageQuery
from schema.linkage.opportunities import OpportunityMutation, OpportunityQuery
from schema.linkage.staff import CompanyLinkageFields

__all__ = [
    "CompanyLinkageFields",
    "LinkageQuery",
    "OpportunityMutation",
    "OpportunityQuery",
    "PersonLinkageFields",
]
