"""The domain enums of graph/model.py, exposed to GraphQL under the same names and values."""

from __future__ import annotations

from enum import StrEnum

import strawberry

from graph import model

# Registering returns the same class, so the types below annotate with graph.model's enums.
_DESCRIPTIONS = {
    model.Segment: "分类分层: KEY 重点, VALUE 价值, POTENTIAL 潜在",
    model.RiskLevel: "Regulatory risk scale R1 (lowest) to R5",
    model.LinkType: "Kinds of corporate-personal and corporate ties",
}
for _domain_enum in (
    model.PartyType,
    model.Segment,
    model.ValueTier,
    model.NeedType,
    model.RiskLevel,
    model.CompanySize,
    model.InstitutionType,
    model.BranchKind,
    model.EmployeeRole,
    model.ProductType,
    model.ProductStatus,
    model.UnderwriterRole,
    model.ManagerRole,
    model.FamilyRelation,
    model.LinkType,
    model.WarningLevel,
    model.InteractionKind,
    model.ListKind,
    model.TagCategory,
    model.FeeStatus,
    model.CompanyRole,
    model.LinkageKind,
    model.OpportunityKind,
    model.OpportunityGrade,
    model.OpportunitySource,
    model.OpportunityStatus,
    model.ReceivingRole,
    model.ReferralStage,
    model.ReferralRoute,
    model.ParticipantRole,
):
    strawberry.enum(_domain_enum, description=_DESCRIPTIONS.get(_domain_enum))


@strawberry.enum(description="What the linked party is to the party whose links are listed")
class LinkRole(StrEnum):
    OWNER = "OWNER"
    INVESTEE = "INVESTEE"
    EXECUTIVE = "EXECUTIVE"
    EXECUTIVE_AT = "EXECUTIVE_AT"
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"
    REPRESENTED_COMPANY = "REPRESENTED_COMPANY"
    EMPLOYEE = "EMPLOYEE"
    EMPLOYER = "EMPLOYER"
    FAMILY = "FAMILY"
    GUARANTOR = "GUARANTOR"
    GUARANTEED = "GUARANTEED"


LINK_ROLES: dict[tuple[str, bool], LinkRole] = {
    ("OWNS", True): LinkRole.INVESTEE,
    ("OWNS", False): LinkRole.OWNER,
    ("EXECUTIVE_OF", True): LinkRole.EXECUTIVE_AT,
    ("EXECUTIVE_OF", False): LinkRole.EXECUTIVE,
    ("LEGAL_REP_OF", True): LinkRole.REPRESENTED_COMPANY,
    ("LEGAL_REP_OF", False): LinkRole.LEGAL_REPRESENTATIVE,
    ("EMPLOYED_BY", True): LinkRole.EMPLOYER,
    ("EMPLOYED_BY", False): LinkRole.EMPLOYEE,
    ("FAMILY_OF", True): LinkRole.FAMILY,
    ("FAMILY_OF", False): LinkRole.FAMILY,
    ("GUARANTEES", True): LinkRole.GUARANTEED,
    ("GUARANTEES", False): LinkRole.GUARANTOR,
}


@strawberry.enum
class CustomerSort(StrEnum):
    NAME = "NAME"
    SINCE = "SINCE"
    ASSETS = "ASSETS"
