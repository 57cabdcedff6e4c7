"""The one place where the areas' fields join the bank's entities.

Each entity is its base class in schema/core/entities.py (its own properties) plus the field
groups areas contribute, in the order the fields appear in the SDL. A new area adds its group to
the entity's bases here; nothing else changes for the entity. schema/core/entities.py builds
objects of these classes, which this module registers on import.
"""

from __future__ import annotations

import strawberry

from schema.core import entities
from schema.linkage import CompanyLinkageFields, PersonLinkageFields
from schema.org import BranchOrgFields, CustomerOrgFields, EmployeeOrgFields
from schema.parties import (
    BranchCustomerFields,
    CustomerPictureFields,
    EmployeeCustomerFields,
    PartyLinkFields,
)
from schema.products import CustomerProductFields, ProductPartyFields
from schema.segments import CustomerSegmentFields


@strawberry.interface(description="A person or company, customer or not.")
class Party(PartyLinkFields):
    pass


@strawberry.type
class Person(Party, PersonLinkageFields):
    pass


@strawberry.type
class Company(Party, CompanyLinkageFields):
    pass


@strawberry.type(description="A customer and everything the bank knows about them (客户视图).")
class Customer(
    CustomerOrgFields, CustomerProductFields, CustomerPictureFields, CustomerSegmentFields
):
    pass


@strawberry.type(
    description="A branch (分行/支行), outlet (网点), head office or specialised centre."
)
class Branch(BranchOrgFields, BranchCustomerFields):
    pass


@strawberry.type(description="A bank employee: customer manager (客户经理), teller (柜员), …")
class Employee(EmployeeOrgFields, EmployeeCustomerFields):
    pass


@strawberry.type(description="A product or instrument the bank issues, distributes or services.")
class Product(ProductPartyFields):
    pass


entities.register(
    person=Person,
    company=Company,
    customer=Customer,
    branch=Branch,
    employee=Employee,
    product=Product,
)

# Types the schema must list itself: no field returns them by their own name.
CONCRETE_TYPES = (Person, Company)
