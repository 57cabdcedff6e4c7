"""Domain vocabulary shared by every layer: the enums that name labels, roles and categories.

Values are stored in Neo4j as the enum's string value, so renaming a member is a data migration.
"""

from __future__ import annotations

from enum import StrEnum


class PartyType(StrEnum):
    PERSON = "PERSON"
    COMPANY = "COMPANY"


class Segment(StrEnum):
    """分类分层 (seed 000): how often and how much a customer cooperates with us."""

    KEY = "KEY"  # 重点客户
    VALUE = "VALUE"  # 价值客户
    POTENTIAL = "POTENTIAL"  # 潜在客户


class ValueTier(StrEnum):
    """Seed 001's value axis of the 3x3 matrix."""

    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class NeedType(StrEnum):
    """Seed 001's need axis of the 3x3 matrix."""

    TRANSACTIONAL = "TRANSACTIONAL"
    WEALTH = "WEALTH"
    COMPREHENSIVE = "COMPREHENSIVE"


class RiskLevel(StrEnum):
    """Product risk rating and customer risk tolerance share the regulator's R1-R5 scale."""

    R1 = "R1"
    R2 = "R2"
    R3 = "R3"
    R4 = "R4"
    R5 = "R5"


class CompanySize(StrEnum):
    MICRO = "MICRO"
    SMALL = "SMALL"
    MEDIUM = "MEDIUM"
    LARGE = "LARGE"


class InstitutionType(StrEnum):
    """Set on companies that are financial institutions (they underwrite and hold instruments)."""

    BANK = "BANK"
    SECURITIES = "SECURITIES"
    INSURANCE = "INSURANCE"
    FUND = "FUND"
    TRUST = "TRUST"
    FINANCE_COMPANY = "FINANCE_COMPANY"


class BranchKind(StrEnum):
    HEAD_OFFICE = "HEAD_OFFICE"
    BRANCH = "BRANCH"  # 分行
    SUB_BRANCH = "SUB_BRANCH"  # 支行
    OUTLET = "OUTLET"  # 网点
    CENTER = "CENTER"  # specialised centre (跨机构联动 target)


class EmployeeRole(StrEnum):
    CUSTOMER_MANAGER = "CUSTOMER_MANAGER"  # 客户经理
    TELLER = "TELLER"  # 柜员
    PRODUCT_SPECIALIST = "PRODUCT_SPECIALIST"
    BRANCH_HEAD = "BRANCH_HEAD"


class ProductType(StrEnum):
    DEBT_INSTRUMENT = "DEBT_INSTRUMENT"  # 债务融资工具 / bond
    DEPOSIT = "DEPOSIT"
    LOAN = "LOAN"
    SETTLEMENT_ACCOUNT = "SETTLEMENT_ACCOUNT"
    PAYROLL_SERVICE = "PAYROLL_SERVICE"
    WEALTH_MANAGEMENT = "WEALTH_MANAGEMENT"
    INSURANCE = "INSURANCE"
    CUSTODY = "CUSTODY"
    LEASING = "LEASING"
    PENSION = "PENSION"
    FX = "FX"


class ProductStatus(StrEnum):
    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    MATURED = "MATURED"
    DEFAULTED = "DEFAULTED"
    CLOSED = "CLOSED"


class UnderwriterRole(StrEnum):
    LEAD = "LEAD"  # 主承销商
    CO = "CO"


class ManagerRole(StrEnum):
    PRIMARY = "PRIMARY"
    SECONDARY = "SECONDARY"


class LinkType(StrEnum):
    """Corporate-personal and corporate ties: the relationship types between two parties."""

    OWNS = "OWNS"
    EXECUTIVE_OF = "EXECUTIVE_OF"
    LEGAL_REP_OF = "LEGAL_REP_OF"
    EMPLOYED_BY = "EMPLOYED_BY"
    FAMILY_OF = "FAMILY_OF"
    GUARANTEES = "GUARANTEES"


class FamilyRelation(StrEnum):
    """What a person is to a relative: a FAMILY_OF tie records it from its subject."""

    SPOUSE = "SPOUSE"
    PARENT = "PARENT"
    CHILD = "CHILD"
    SIBLING = "SIBLING"
    OTHER = "OTHER"

    def reciprocal(self) -> FamilyRelation:
        """What the relative is to the person: a PARENT's relative is their CHILD."""
        if self is FamilyRelation.PARENT:
            return FamilyRelation.CHILD
        if self is FamilyRelation.CHILD:
            return FamilyRelation.PARENT
        return self


class WarningLevel(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class InteractionKind(StrEnum):
    """Private-domain traffic (私域流量): what a customer did with content a manager pushed."""

    BROWSE = "BROWSE"
    COMMENT = "COMMENT"
    SHARE = "SHARE"


class ListKind(StrEnum):
    PROHIBITION = "PROHIBITION"  # 禁止名单 / 黑名单
    ACCESS = "ACCESS"  # 准入名单


class TagCategory(StrEnum):
    """Seed 003's tag families."""

    BASIC = "BASIC"
    CREDIT_RISK = "CREDIT_RISK"
    FINANCIAL_BEHAVIOUR = "FINANCIAL_BEHAVIOUR"
    NON_FINANCIAL_BEHAVIOUR = "NON_FINANCIAL_BEHAVIOUR"
    CONTACT = "CONTACT"
    CHANNEL = "CHANNEL"
    ANALYSIS = "ANALYSIS"


class FeeStatus(StrEnum):
    """Where a service fee stands on a given day."""

    PAID = "PAID"
    PAID_LATE = "PAID_LATE"
    OPEN = "OPEN"  # owed, not yet due
    OVERDUE = "OVERDUE"  # 逾期: owed past its due date


class SuppressionRule(StrEnum):
    """Why a product is not suggested to a customer (交叉销售's rules)."""

    ALREADY_HELD = "ALREADY_HELD"
    NOT_ON_SALE = "NOT_ON_SALE"  # matured, closed, defaulted or not yet issued
    ABOVE_RISK_TOLERANCE = "ABOVE_RISK_TOLERANCE"  # 适当性: rated above the customer's tolerance
    CUSTOMER_PROHIBITED = "CUSTOMER_PROHIBITED"  # the customer is on a prohibition list
    LINKED_TO_LISTED_PARTY = "LINKED_TO_LISTED_PARTY"  # a listed party within 2 hops


class CompanyRole(StrEnum):
    """What a person is to a company (公私联动): the ties a linkage query follows."""

    OWNER = "OWNER"  # a direct shareholder
    EXECUTIVE = "EXECUTIVE"  # 高管
    LEGAL_REPRESENTATIVE = "LEGAL_REPRESENTATIVE"  # 法定代表人
    EMPLOYEE = "EMPLOYEE"


class LinkageKind(StrEnum):
    """The two directions of public-private linkage."""

    PERSON_TO_COMPANY = "PERSON_TO_COMPANY"  # a personal customer's company, to be won
    COMPANY_TO_STAFF = "COMPANY_TO_STAFF"  # a corporate customer's staff, to be won


class OpportunityKind(StrEnum):
    CORPORATE = "CORPORATE"
    PERSONAL = "PERSONAL"
    PUBLIC_PRIVATE = "PUBLIC_PRIVATE"  # 公私联动
    CROSS_SELL = "CROSS_SELL"  # 交叉销售


class OpportunityGrade(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class OpportunitySource(StrEnum):
    ACTIVE = "ACTIVE"  # a screening list someone ran
    PASSIVE = "PASSIVE"  # found by a model


class OpportunityStatus(StrEnum):
    OPEN = "OPEN"
    ACCEPTED = "ACCEPTED"
    CONVERTED = "CONVERTED"
    DISMISSED = "DISMISSED"
    EXPIRED = "EXPIRED"


class ReceivingRole(StrEnum):
    """Who a push rule sends an opportunity (or a referral) to (参数化推送)."""

    CUSTOMER_MANAGER = "CUSTOMER_MANAGER"  # the customer's own primary manager
    BRANCH_MARKETING = "BRANCH_MARKETING"  # a customer manager of a branch
    BRANCH_HEAD = "BRANCH_HEAD"  # the head of a branch
    CENTER = "CENTER"  # a specialised centre's product specialists (跨机构联动)
    EMPLOYEE = "EMPLOYEE"  # one employee, named by the rule


class ReferralStage(StrEnum):
    """Where a referral (转介) stands. NEW and REASSIGNED wait for their recipient."""

    NEW = "NEW"
    ACCEPTED = "ACCEPTED"
    CONTACTED = "CONTACTED"
    WON = "WON"
    LOST = "LOST"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"
    REASSIGNED = "REASSIGNED"


class ReferralRoute(StrEnum):
    """How a referral crossed the bank (联动营销), for the funnel."""

    TELLER_TO_MARKETING = "TELLER_TO_MARKETING"  # 一句话营销: a teller to a marketing role
    BRANCH_TO_CENTRE = "BRANCH_TO_CENTRE"  # to a specialised centre (跨机构联动)
    CROSS_INSTITUTION = "CROSS_INSTITUTION"  # to another branch
    WITHIN_BRANCH = "WITHIN_BRANCH"


class ParticipantRole(StrEnum):
    """A participant's part in a referral: what their share of the credit is for."""

    REFERRER = "REFERRER"
    CLOSER = "CLOSER"
    SUPPORTING = "SUPPORTING"
