"""Referrals (转介, 联动营销): a need one employee spots and passes on, worked by its recipient
through a small state machine, and, when won, its credit split among the participants (业绩分成)
into the CREDIT ledger (graph/ledger.py) in the same transaction as the win.

Changes (STAGE_MACHINE): who may move a referral from which stage to which. Each change locks
the referral first (queries/referrals/referrals_for_change.cypher) and only then reads its stage,
so of two concurrent changes the second sees the first's result: two wins of one referral credit
it once. A refused actor or stage changes nothing. A request carrying an idempotency key that was
already answered changes nothing and answers with the referral it changed. Concurrent changes
share transactions (StageChanges), so that the ledger head's lock is held once for many wins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import Any

from graph import ledger
from graph.batching import Batcher
from graph.credit import (
    CreditPolicy,
    Participant,
    check_policy,
    credit_basis,
    in_force,
    split,
)
from graph.db import Database, WriteTransaction
from graph.ledger import Ledger, LedgerEntry
from graph.model import (
    BranchKind,
    EmployeeRole,
    ParticipantRole,
    ProductType,
    ReceivingRole,
    ReferralRoute,
    ReferralStage,
)
from graph.money import from_fen, to_fen
from graph.push_rules import Directory, PushRules, Routed, RouteInput, route_to
from graph.records import BranchRecord, EmployeeRecord, PartyRecord, to_date, to_datetime
from graph.status_machine import Transition, Verdict
from queries import Q

Stage = ReferralStage
REFERRAL_KIND = "REFERRAL"  # the kind push rules route referrals as
OPEN_STAGES = frozenset({Stage.NEW, Stage.ACCEPTED, Stage.CONTACTED, Stage.REASSIGNED})
CREDIT_KIND = "CREDIT"
REVERSAL_KIND = "REVERSAL"


class Action(StrEnum):
    ACCEPT = "ACCEPT"
    DECLINE = "DECLINE"
    CONTACT = "CONTACT"
    WIN = "WIN"
    LOSE = "LOSE"
    REASSIGN = "REASSIGN"
    EXPIRE = "EXPIRE"


class Actor(StrEnum):
    """What the one acting is to the referral."""

    RECIPIENT = "RECIPIENT"
    BRANCH_HEAD = "BRANCH_HEAD"  # heads the recipient's branch (or one above it)
    ADMIN = "ADMIN"
    SYSTEM = "SYSTEM"  # relgraph itself: expiry


_PEOPLE = frozenset({Actor.RECIPIENT, Actor.BRANCH_HEAD, Actor.ADMIN})
_WAITING = frozenset({Stage.NEW, Stage.REASSIGNED})
STAGE_MACHINE: Mapping[Action, Transition[Stage, Actor]] = {
    Action.ACCEPT: Transition(_WAITING, Stage.ACCEPTED, _PEOPLE),
    Action.DECLINE: Transition(_WAITING, Stage.DECLINED, _PEOPLE),
    Action.CONTACT: Transition(frozenset({Stage.ACCEPTED}), Stage.CONTACTED, _PEOPLE),
    Action.WIN: Transition(frozenset({Stage.CONTACTED}), Stage.WON, _PEOPLE),
    Action.LOSE: Transition(frozenset({Stage.ACCEPTED, Stage.CONTACTED}), Stage.LOST, _PEOPLE),
    Action.REASSIGN: Transition(OPEN_STAGES, Stage.REASSIGNED, _PEOPLE),
    Action.EXPIRE: Transition(OPEN_STAGES, Stage.EXPIRED, frozenset({Actor.SYSTEM})),
}


def decide(action: Action, stage: Stage, actors: Iterable[Actor]) -> Verdict:
    """Whether `actors` may take `action` on a referral in `stage`."""
    return STAGE_MACHINE[action].judge(stage, actors)


# ---------------------------------------------------------------------------------------------
# Errors the API reports with their own codes


class ReferralError(Exception):
    """A referral request that cannot be carried out as asked; nothing was written."""


class IdempotencyConflict(ReferralError):
    """An idempotency key already used for a different request."""


class RecipientNotFound(ReferralError):
    """No employee can receive the referral (named one not working now, or no rule found one)."""


class WinNotHeld(ReferralError):
    """The customer does not hold the product named as the win."""


class NoPolicyInForce(ReferralError):
    """No credit policy for the won product's line is in force on the day of the win."""


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class ReferralEvent:
    at: dt.datetime
    action: str
    from_stage: Stage | None
    to_stage: Stage | None
    actor_id: str | None
    actor_kind: str
    note: str | None


@dataclass(frozen=True, slots=True)
class ParticipantRecord:
    employee_id: str
    role: ParticipantRole
    since: dt.datetime | None


@dataclass(frozen=True)
class CreditEntry:
    """A credit-ledger entry for a referral: its ledger position and what it credits."""

    entry: LedgerEntry
    employee_id: str
    role: ParticipantRole
    amount: Decimal
    basis: Decimal
    policy_id: str
    policy_version: int
    referral_id: str
    on: dt.date
    reverses: int | None

    @classmethod
    def of(cls, entry: LedgerEntry) -> CreditEntry:
        details = entry.details()
        return cls(
            entry=entry,
            employee_id=details["employee_id"],
            role=ParticipantRole(details["role"]),
            amount=Decimal(details["amount"]),
            basis=Decimal(details["basis"]),
            policy_id=details["policy_id"],
            policy_version=int(details["policy_version"]),
            referral_id=entry.subject,
            on=dt.date.fromisoformat(details["on"]),
            reverses=details.get("reverses"),
        )


@dataclass(frozen=True)
class ReferralRecord:
    id: str
    customer_id: str
    referrer_id: str
    referrer_branch_id: str | None
    recipient_id: str
    institution_id: str | None
    stage: Stage
    route: ReferralRoute
    product_line: ProductType | None
    product_ids: list[str]
    need: str | None
    note: str | None
    opportunity_id: str | None
    push_rule: str | None
    push_rules_version: int | None
    created_at: dt.datetime
    created_on: dt.date
    won_product_id: str | None
    won_product_line: ProductType | None
    won_amount: Decimal | None
    won_on: dt.date | None
    holding_id: str | None
    participants: list[ParticipantRecord]
    events: list[ReferralEvent]
    credit: list[CreditEntry]

    @property
    def participant_ids(self) -> set[str]:
        return {p.employee_id for p in self.participants} | {self.recipient_id}

    @classmethod
    def from_map(cls, row: Mapping[str, Any]) -> ReferralRecord:
        created_at = to_datetime(row["created_at"])
        created_on = to_date(row["created_on"])
        assert created_at is not None and created_on is not None
        return cls(
            id=row["id"],
            customer_id=row["customer_id"],
            referrer_id=row["referrer_id"],
            referrer_branch_id=row.get("referrer_branch_id"),
            recipient_id=row["recipient_id"],
            institution_id=row.get("institution_id"),
            stage=Stage(row["stage"]),
            route=ReferralRoute(row["route"]),
            product_line=ProductType(row["product_line"]) if row.get("product_line") else None,
            product_ids=list(row.get("product_ids") or []),
            need=row.get("need"),
            note=row.get("note"),
            opportunity_id=row.get("opportunity_id"),
            push_rule=row.get("push_rule"),
            push_rules_version=row.get("push_rules_version"),
            created_at=created_at,
            created_on=created_on,
            won_product_id=row.get("won_product_id"),
            won_product_line=(
                ProductType(row["won_product_line"]) if row.get("won_product_line") else None
            ),
            won_amount=from_fen(row.get("won_amount_fen")),
            won_on=to_date(row.get("won_on")),
            holding_id=row.get("holding_id"),
            participants=[
                ParticipantRecord(
                    p["employee_id"], ParticipantRole(p["role"]), to_datetime(p["since"])
                )
                for p in row["participants"]
            ],
            events=[_event(e) for e in row["events"]],
            credit=[CreditEntry.of(ledger.entry_of(e)) for e in row["credit"]],
        )


def _event(row: Mapping[str, Any]) -> ReferralEvent:
    at = to_datetime(row["at"])
    assert at is not None
    return ReferralEvent(
        at=at,
        action=row["action"],
        from_stage=Stage(row["from"]) if row.get("from") else None,
        to_stage=Stage(row["to"]) if row.get("to") else None,
        actor_id=row.get("actor_id"),
        actor_kind=row["actor_kind"],
        note=row.get("note"),
    )


async def referrals_by_ids(db: Database, ids: Sequence[str]) -> list[ReferralRecord | None]:
    rows = await db.read(Q.referrals_by_ids, {"ids": list(ids)})
    found = {r["referral"]["id"]: ReferralRecord.from_map(r["referral"]) for r in rows}
    return [found.get(i) for i in ids]


# ---------------------------------------------------------------------------------------------
# Creating


@dataclass(frozen=True)
class Recipient:
    """Who a referral is sent to: an employee, or a receiving role at a branch or centre; None
    fields throughout means the push rules choose."""

    employee_id: str | None = None
    role: ReceivingRole | None = None
    branch_id: str | None = None


@dataclass(frozen=True)
class NewReferral:
    customer: PartyRecord
    manager_id: str | None  # the customer's primary manager
    referrer_id: str
    referrer_roles: Sequence[str]
    product_line: ProductType | None
    product_ids: Sequence[str]
    need: str | None
    note: str | None
    to: Recipient
    opportunity_id: str | None
    idempotency_key: str | None


@dataclass(frozen=True)
class Created:
    referral_id: str
    created: bool  # False: an earlier request with the same key made it


async def customer_for_routing(
    db: Database, customer_id: str, as_of: dt.date
) -> tuple[PartyRecord, str | None] | None:
    rows = await db.read(Q.referral_customer, {"id": customer_id, "today": as_of})
    if not rows:
        return None
    return PartyRecord.from_map(rows[0]["party"]), rows[0]["manager_id"]


def route_of(
    referrer_id: str, referrer_roles: Sequence[str], institution_id: str, directory: Directory
) -> ReferralRoute:
    """The funnel's route: to a centre; from a teller; to another branch; within a branch."""
    institution = directory.branches.get(institution_id)
    if institution is not None and institution.kind == BranchKind.CENTER:
        return ReferralRoute.BRANCH_TO_CENTRE
    if EmployeeRole.TELLER in referrer_roles:
        return ReferralRoute.TELLER_TO_MARKETING
    if directory.branch_of_employee.get(referrer_id) != institution_id:
        return ReferralRoute.CROSS_INSTITUTION
    return ReferralRoute.WITHIN_BRANCH


def choose_recipient(
    new: NewReferral, rules: PushRules, directory: Directory
) -> tuple[Routed | None, str, str]:
    """(the rule that chose, if the push rules did; the employee; their institution)."""
    item = RouteInput(
        kind=REFERRAL_KIND,
        key=new.customer.id,
        segment=new.customer.segment if new.customer.is_customer else None,
        product_line=new.product_line,
        party_type=new.customer.party_type,
        branch_id=new.customer.home_branch_id,
        manager_id=new.manager_id,
    )
    to = new.to
    if to.employee_id is not None:
        branch = directory.branch_of_employee.get(to.employee_id)
        if branch is None:
            raise RecipientNotFound(f"employee {to.employee_id!r} is not working at a branch now")
        return None, to.employee_id, branch
    if to.role is not None:
        routed = route_to(to.role, to.branch_id, item, directory)
        if routed is None:
            raise RecipientNotFound(
                f"nobody can receive it as {to.role.value} at {to.branch_id or 'its home branch'}"
            )
        return None, routed.employee_id, routed.institution_id
    routed = rules.route(item, directory)
    if routed is None:
        raise RecipientNotFound("no push rule found anyone to receive it")
    return routed, routed.employee_id, routed.institution_id


def _request_hash(new: NewReferral) -> str:
    content = json.dumps(
        [
            new.customer.id,
            new.product_line,
            list(new.product_ids),
            new.need,
            new.note,
            [new.to.employee_id, new.to.role, new.to.branch_id],
            new.opportunity_id,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(content.encode()).hexdigest()


def new_id() -> str:
    return f"RF{secrets.token_hex(8).upper()}"


async def create_referral(
    db: Database, new: NewReferral, rules: PushRules, directory: Directory, now: dt.datetime
) -> Created:
    """Creates the referral, routed to its recipient; with an idempotency key already used by the
    same referrer, creates nothing and answers with the referral that key made (or
    IdempotencyConflict when the key was used for a different request)."""
    routed, employee_id, institution_id = choose_recipient(new, rules, directory)
    referral_id = new_id()
    request_hash = _request_hash(new)
    key = new.idempotency_key
    row = {
        "id": referral_id,
        "customer_id": new.customer.id,
        "referrer_id": new.referrer_id,
        "referrer_branch_id": directory.branch_of_employee.get(new.referrer_id),
        "recipient_id": employee_id,
        "institution_id": institution_id,
        "stage": Stage.NEW.value,
        "route": route_of(new.referrer_id, new.referrer_roles, institution_id, directory).value,
        "product_line": new.product_line.value if new.product_line else None,
        "product_ids": list(new.product_ids),
        "need": new.need,
        "note": new.note,
        "opportunity_id": new.opportunity_id,
        "push_rule": routed.rule.name if routed else None,
        "push_rules_version": rules.version if routed else None,
        "created_at": now.isoformat(),
        "created_on": now.date().isoformat(),
        "request_hash": request_hash,
    }
    # Without a key, the referral's own id is its key: unique, so always a new referral.
    idem_key = f"{new.referrer_id}|{key}" if key is not None else f"id|{referral_id}"
    (result,) = await db.write(Q.referral_create, {"row": row, "idem_key": idem_key})
    if not result["created"] and result["request_hash"] != request_hash:
        raise IdempotencyConflict(
            "this idempotency key was already used for a different referral request"
        )
    return Created(result["id"], bool(result["created"]))


# ---------------------------------------------------------------------------------------------
# Changing stage


@dataclass(frozen=True)
class Win:
    product_id: str
    amount: Decimal
    holding_id: str | None = None


@dataclass(frozen=True)
class Change:
    action: Action
    actor_id: str | None
    is_admin: bool
    note: str | None = None
    idempotency_key: str | None = None
    win: Win | None = None
    reassign_to: str | None = None  # REASSIGN: the employee

    @property
    def won(self) -> Win | None:
        """The win this change records: its `win` when the action is WIN, else none."""
        return self.win if self.action is Action.WIN else None


@dataclass(frozen=True)
class Outcome:
    """ALLOWED (and changed, or replayed: the request was answered before), or why not."""

    verdict: Verdict
    stage: Stage | None  # the stage found (None: no such referral)
    replayed: bool = False
    referral: ReferralRecord | None = None  # ALLOWED: as the change left it, credit included


@dataclass(frozen=True)
class StageRequest:
    referral_id: str
    change: Change
    directory: Directory
    now: dt.datetime


class StageChanges:
    """Stage changes for many concurrent callers, in batches (graph/batching.py): the changes
    that arrive while a transaction is being written go together in the next one (_changes_in:
    locked and read in one statement, decided one by one, written in one), and the credit of all
    its wins is appended to the CREDIT ledger once, at the end. Under load one commit and one hold
    of the ledger head's lock serve many wins; an idle desk commits a change at once, and a
    batch smaller than the one before waits 2 ms for the rest of its callers (without the wait,
    8 clients split into batches of 2 and 6 taking turns, each paying a commit). A batch
    that fails as a whole (a constraint, a lost connection) runs again one change per
    transaction, so one change's failure is never another's. The app keeps one (api/app.py)."""

    def __init__(self, db: Database, max_batch: int = 64) -> None:
        self._db = db
        self._batcher: Batcher[StageRequest, Outcome] = Batcher(self._run, max_batch, linger=0.002)

    async def change(
        self, referral_id: str, change: Change, directory: Directory, now: dt.datetime
    ) -> Outcome:
        """Takes the change's action on the referral; a win writes its credit in the same
        transaction. Raises the ReferralError that refused it, if one did."""
        return await self._batcher.submit(StageRequest(referral_id, change, directory, now))

    async def _run(self, requests: list[StageRequest]) -> list[Outcome | BaseException]:
        try:
            return await self._db.write_unit(partial(_changes_in, requests=requests))
        except Exception as exc:
            if len(requests) == 1:
                return [exc]
        answers: list[Outcome | BaseException] = []
        for request in requests:
            try:
                answers += await self._db.write_unit(partial(_changes_in, requests=[request]))
            except Exception as exc:
                answers.append(exc)
        return answers


async def _changes_in(
    tx: WriteTransaction, requests: Sequence[StageRequest]
) -> list[Outcome | BaseException]:
    """The requests' changes in one transaction, a few statements whatever their number: per
    round, one statement locks and reads their referrals (with the credit policies of a win's
    line) and one writes their transitions and returns the referrals changed; then one append of
    all their wins' credit, whose entries join those referrals' credit here. A referral asked to
    change twice goes once per round, each round reading what the one before wrote, so the
    second of two wins finds it WON."""
    answers: list[Outcome | BaseException | None] = [None] * len(requests)
    drafts: list[list[ledger.Draft]] = [[] for _ in requests]
    changed: dict[str, ReferralRecord] = {}  # as the latest round left them
    for round_ in _rounds(requests):
        now = max(requests[i].now for i in round_)
        rows = await _locked(tx, [_Lock.of(requests[i]) for i in round_], now)
        transitions = []
        for i in round_:
            row = rows.get(requests[i].referral_id)
            rules = _line_policies(row)
            try:
                answers[i], transition, drafts[i] = _decided(requests[i], row, rules)
            except ReferralError as exc:
                answers[i] = exc
            else:
                if transition is not None:
                    transitions.append(transition)
        if transitions:
            for written in await tx.run(Q.referral_transition, {"changes": transitions}):
                record = ReferralRecord.from_map(written["referral"])
                changed[record.id] = record
    everything = [draft for credit in drafts for draft in credit]
    if everything:
        entries = await append_credit(tx, everything, max(r.now for r in requests))
        for entry in entries:
            record = changed[entry.subject]
            changed[entry.subject] = replace(record, credit=[*record.credit, CreditEntry.of(entry)])
    done = [answer for answer in answers if answer is not None]
    assert len(done) == len(requests)  # every round answers each of its requests
    # A replayed request changed nothing here: its referral is read as it stands.
    unread = [
        request.referral_id
        for request, answer in zip(requests, done, strict=True)
        if isinstance(answer, Outcome)
        and answer.verdict is Verdict.ALLOWED
        and request.referral_id not in changed
    ]
    if unread:
        for row in await tx.run(Q.referrals_by_ids, {"ids": unread}):
            record = ReferralRecord.from_map(row["referral"])
            changed[record.id] = record
    return [
        replace(answer, referral=changed[request.referral_id])
        if isinstance(answer, Outcome) and answer.verdict is Verdict.ALLOWED
        else answer
        for request, answer in zip(requests, done, strict=True)
    ]


def _line_policies(row: Mapping[str, Any] | None) -> dict[ProductType, list[CreditPolicy]]:
    """The credit policies the lock-and-read found for a win's product line, by line."""
    if row is None or not row["product_line"]:
        return {}
    return {ProductType(row["product_line"]): [policy_of(p) for p in row["policies"]]}


def _rounds(requests: Sequence[StageRequest]) -> list[list[int]]:
    """The requests' positions in rounds: the n-th change asked of a referral in round n."""
    seen: dict[str, int] = {}
    rounds: list[list[int]] = []
    for i, request in enumerate(requests):
        n = seen.get(request.referral_id, 0)
        seen[request.referral_id] = n + 1
        if n == len(rounds):
            rounds.append([])
        rounds[n].append(i)
    return rounds


@dataclass(frozen=True)
class _Lock:
    """A referral to lock and read, and for whom: the actor, their idempotency key, the product a
    win names."""

    referral_id: str
    actor_id: str | None = None
    idem_key: str | None = None
    product_id: str | None = None

    @classmethod
    def of(cls, request: StageRequest) -> _Lock:
        change, win = request.change, request.change.won
        return cls(
            request.referral_id,
            change.actor_id,
            _idem_key(change),
            win.product_id if win else None,
        )


async def _locked(
    tx: WriteTransaction, locks: Sequence[_Lock], now: dt.datetime
) -> dict[str, dict[str, Any]]:
    """Write-locks the referrals and reads what decides a change to each, by referral id
    (missing: no such referral); queries/referrals/referrals_for_change.cypher says what."""
    rows = await tx.run(
        Q.referrals_for_change,
        {
            "changes": [
                {
                    "id": lock.referral_id,
                    "actor_id": lock.actor_id or "",
                    "idem_key": lock.idem_key,
                    "product_id": lock.product_id,
                }
                for lock in locks
            ],
            "now": now,
            "today": now.date(),
        },
    )
    return {row["referral"]["id"]: row for row in rows}


def _idem_key(change: Change) -> str | None:
    """Keys are the caller's own: the same key from two employees is two requests."""
    return f"{change.actor_id}|{change.idempotency_key}" if change.idempotency_key else None


def _decided(
    request: StageRequest,
    row: Mapping[str, Any] | None,
    rules: Mapping[ProductType, list[CreditPolicy]],
) -> tuple[Outcome, dict[str, Any] | None, list[ledger.Draft]]:
    """What a change does, from what its referral's lock-and-read found: the outcome, the
    transition to write (None: nothing to write) and a win's credit drafts; or the ReferralError
    that refuses it. Writes nothing, so a refusal leaves the rest of a batch to go on."""
    referral_id, change, now = request.referral_id, request.change, request.now
    if row is None:
        return Outcome(Verdict.ILLEGAL, None), None, []
    stage = Stage(row["stage"])
    if row["replay_of"] is not None:
        if row["replay_of"] != referral_id:
            raise IdempotencyConflict("this idempotency key was already used for another referral")
        return Outcome(Verdict.ALLOWED, stage, replayed=True), None, []
    actors = _actors(row["recipient_id"], change, bool(row["heads_recipient"]))
    verdict = decide(change.action, stage, actors)
    if verdict is not Verdict.ALLOWED:
        return Outcome(verdict, stage), None, []
    target = STAGE_MACHINE[change.action].target
    event = {
        "at": now.isoformat(),
        "action": change.action.value,
        "from": stage.value,
        "to": target.value,
        "actor_id": change.actor_id,
        "actor_kind": _strongest(actors).value,
        "note": change.note,
        "idem_key": _idem_key(change),
    }
    referral = ReferralRecord.from_map(row["referral"])
    transition = {
        "id": referral_id,
        "from": stage.value,
        "to": target.value,
        "event": event,
        "recipient": _reassignment(referral, change, request.directory),
        "won": None,
    }
    win = change.won
    if win is None:
        return Outcome(Verdict.ALLOWED, stage), transition, []
    policy = _winnable(row, win, now.date(), rules)
    transition["won"] = {
        "closer_id": row["recipient_id"],
        "product_id": win.product_id,
        "amount_fen": to_fen(win.amount),
        "holding_id": win.holding_id,
    }
    # The referral as the transition leaves it: its recipient joins as the closer.
    closer = ParticipantRecord(row["recipient_id"], ParticipantRole.CLOSER, now)
    won_referral = replace(referral, participants=[*referral.participants, closer])
    amount = from_fen(to_fen(win.amount))
    assert amount is not None
    credit = credit_drafts(won_referral, policy, amount, now.date(), change.actor_id or "")
    return Outcome(Verdict.ALLOWED, stage), transition, credit


def _actors(recipient_id: str | None, change: Change, heads_recipient: bool) -> frozenset[Actor]:
    actors = set()
    if change.actor_id is None:
        actors.add(Actor.SYSTEM)
    elif recipient_id == change.actor_id:
        actors.add(Actor.RECIPIENT)
    if heads_recipient:
        actors.add(Actor.BRANCH_HEAD)
    if change.is_admin:
        actors.add(Actor.ADMIN)
    return frozenset(actors)


def _strongest(actors: frozenset[Actor]) -> Actor:
    """Recorded on the event: the actor's closest tie to the referral."""
    return next(
        a for a in (Actor.RECIPIENT, Actor.BRANCH_HEAD, Actor.ADMIN, Actor.SYSTEM) if a in actors
    )


def _reassignment(
    referral: ReferralRecord, change: Change, directory: Directory
) -> dict[str, Any] | None:
    if change.action is not Action.REASSIGN:
        return None
    assert change.reassign_to is not None
    branch = directory.branch_of_employee.get(change.reassign_to)
    if branch is None:
        raise RecipientNotFound(f"employee {change.reassign_to!r} is not working at a branch now")
    referrer_roles = [
        role
        for (at, role), members in directory.staff.items()
        if referral.referrer_id in members and at == referral.referrer_branch_id
    ]
    route = route_of(referral.referrer_id, referrer_roles, branch, directory)
    return {"employee_id": change.reassign_to, "institution_id": branch, "route": route.value}


def _winnable(
    row: Mapping[str, Any],
    win: Win,
    on: dt.date,
    rules: Mapping[ProductType, list[CreditPolicy]],
) -> CreditPolicy:
    """The credit policy in force for the won product's line, or why the referral cannot be won:
    the customer does not hold the product, or no policy is in force. `row` is what
    referrals_for_change read; `rules` every line's policies."""
    if not row["product_found"]:
        raise WinNotHeld(f"product {win.product_id!r} was not found")
    if not row["held"]:
        raise WinNotHeld(
            f"the customer does not hold product {win.product_id!r}: record the win once the "
            "holding is on record"
        )
    line = ProductType(row["product_line"])
    policy = in_force(rules.get(line, []), on)
    if policy is None:
        raise NoPolicyInForce(
            f"no credit policy for {line.value} is in force on {on}: an admin publishes one first"
        )
    return policy


# ---------------------------------------------------------------------------------------------
# Credit


async def policies(db: Database | WriteTransaction, line: ProductType | None) -> list[CreditPolicy]:
    runner = db.read if isinstance(db, Database) else db.run
    rows = await runner(Q.credit_policies, {"line": line.value if line else None})
    return [policy_of(r["policy"]) for r in rows]


async def policies_by_line(
    db: Database | WriteTransaction,
) -> dict[ProductType, list[CreditPolicy]]:
    """Every line's policy versions, oldest first, in one read."""
    by_line: dict[ProductType, list[CreditPolicy]] = {}
    for policy in await policies(db, None):
        by_line.setdefault(policy.product_line, []).append(policy)
    return by_line


def policy_of(row: Mapping[str, Any]) -> CreditPolicy:
    effective_from = to_date(row["effective_from"])
    assert effective_from is not None
    return CreditPolicy(
        id=row["id"],
        product_line=ProductType(row["product_line"]),
        version=int(row["version"]),
        effective_from=effective_from,
        shares={role: Decimal(row[f"{role.value.lower()}_share"]) for role in ParticipantRole},
        points_rate=Decimal(row["points_rate"]),
        published_by=row.get("published_by"),
        published_at=to_datetime(row.get("published_at")),
    )


async def publish_policy(
    db: Database,
    line: ProductType,
    effective_from: dt.date,
    shares: Mapping[ParticipantRole, Decimal],
    points_rate: Decimal,
    published_by: str,
    now: dt.datetime,
) -> CreditPolicy:
    """Adds the next version of a line's policy after checking it (PolicyInvalid)."""
    check_policy(shares, points_rate)
    row: dict[str, Any] = {
        "product_line": line.value,
        "effective_from": effective_from.isoformat(),
        "points_rate": str(points_rate),
        "published_by": published_by,
        "published_at": now.isoformat(),
    }
    for role in ParticipantRole:
        row[f"{role.value.lower()}_share"] = str(shares[role])
    (result,) = await db.write(Q.credit_policy_publish, {"row": row})
    return policy_of(result["policy"])


def credit_drafts(
    referral: ReferralRecord,
    policy: CreditPolicy,
    amount: Decimal,
    on: dt.date,
    actor_id: str,
) -> list[ledger.Draft]:
    """One CREDIT entry per participant of a won referral, summing exactly to its basis."""
    basis = credit_basis(amount, policy.points_rate)
    people = [Participant(p.employee_id, p.role) for p in referral.participants]
    return [
        ledger.Draft(
            kind=CREDIT_KIND,
            subject=referral.id,
            actor=actor_id,
            payload={
                "employee_id": share.participant.employee_id,
                "role": share.participant.role,
                "amount": share.amount,
                "basis": basis,
                "won_amount": amount,
                "role_share": share.percent,
                "policy_id": policy.id,
                "policy_version": policy.version,
                "product_line": policy.product_line,
                "on": on,
            },
        )
        for share in split(basis, policy.shares, people)
    ]


async def append_credit(
    tx: WriteTransaction, drafts: Sequence[ledger.Draft], now: dt.datetime
) -> list[LedgerEntry]:
    entries = await ledger.append_in(tx, Ledger.CREDIT, drafts, now)
    await tx.run(
        Q.referral_credit_link,
        {
            "rows": [
                {
                    "entry_id": e.id,
                    "referral_id": e.subject,
                    "employee_id": e.details()["employee_id"],
                    "amount_fen": to_fen(Decimal(e.details()["amount"])),
                    "on": dt.date.fromisoformat(e.details()["on"]),
                    "role": e.details()["role"],
                }
                for e in entries
            ]
        },
    )
    return entries


LOADED_CREDIT_BATCH = 500


async def credit_loaded_wins(
    db: Database, now: dt.datetime, on_batch: Callable[[int], object] | None = None
) -> int:
    """Appends the credit of the won referrals loaded from files that have none yet, the earliest
    win first, each split by its line's policy in force on the day it was won, as a live win's
    is. LOADED_CREDIT_BATCH wins a transaction: a run cut short leaves whole wins credited, and
    the next does the rest. `on_batch` hears how many wins each batch credited. The number of
    entries written."""

    async def batch(tx: WriteTransaction) -> tuple[int, int]:
        rows = await tx.run(Q.referral_wins_uncredited, {"limit": LOADED_CREDIT_BATCH, "now": now})
        if not rows:
            return 0, 0
        by_line = await policies_by_line(tx)
        drafts: list[ledger.Draft] = []
        for row in rows:
            referral = ReferralRecord.from_map(row["referral"])
            line, on, amount = referral.won_product_line, referral.won_on, referral.won_amount
            assert line is not None and on is not None and amount is not None
            policy = in_force(by_line.get(line, []), on)
            if policy is None:  # the load refuses such a win; a policy is never removed
                raise NoPolicyInForce(f"no credit policy for {line.value} is in force on {on}")
            drafts += credit_drafts(referral, policy, amount, on, Actor.SYSTEM.value)
        return len(rows), len(await append_credit(tx, drafts, now))

    written = 0
    while True:
        wins, entries = await db.write_unit(batch, timeout=300.0)
        if not wins:
            return written
        written += entries
        if on_batch is not None:
            on_batch(wins)


def current_credit(referral: ReferralRecord) -> list[CreditEntry]:
    """The referral's credit entries not yet reversed."""
    reversed_seqs = {c.reverses for c in referral.credit if c.reverses is not None}
    return [
        c
        for c in referral.credit
        if c.entry.kind == CREDIT_KIND and c.entry.seq not in reversed_seqs
    ]


async def correct_credit(
    db: Database,
    referral_id: str,
    actor_id: str,
    reason: str,
    amount: Decimal | None,
    now: dt.datetime,
) -> list[LedgerEntry] | None:
    """Reverses the referral's current credit (one REVERSAL entry per entry, its negation) and,
    with `amount`, credits it anew at that amount under the policy version of the original win.
    None when the referral is not found; [] when it has no credit to correct."""

    async def work(tx: WriteTransaction) -> list[LedgerEntry] | None:
        row = (await _locked(tx, [_Lock(referral_id)], now)).get(referral_id)
        if row is None:
            return None
        referral = ReferralRecord.from_map(row["referral"])
        current = current_credit(referral)
        if not current:
            return []
        reversals = [
            ledger.Draft(
                kind=REVERSAL_KIND,
                subject=referral_id,
                actor=actor_id,
                payload={
                    **current_entry.entry.details(),
                    "amount": -current_entry.amount,
                    "reverses": current_entry.entry.seq,
                    "reason": reason,
                    "on": now.date(),
                },
            )
            for current_entry in current
        ]
        drafts = list(reversals)
        if amount is not None:
            policy_id = current[0].policy_id
            policy = next(p for p in await policies(tx, None) if p.id == policy_id)
            assert referral.won_on is not None
            drafts += credit_drafts(referral, policy, amount, referral.won_on, actor_id)
        return await append_credit(tx, drafts, now)

    return await db.write_unit(work)


async def credit_of(
    db: Database, employee_id: str, start: dt.date | None, end: dt.date | None
) -> tuple[Decimal, list[CreditEntry]]:
    (row,) = await db.read(
        Q.referral_credit_entries, {"employee_id": employee_id, "from": start, "to": end}
    )
    entries = [CreditEntry.of(ledger.entry_of(e)) for e in row["entries"]]
    total = _credit_amount(row["total_fen"])
    return total, [e for e in entries if e.employee_id == employee_id]


def _credit_amount(hundredths: int) -> Decimal:
    """Credit summed in the database, in hundredths (as money is in fen), as a Decimal."""
    amount = from_fen(hundredths)
    assert amount is not None
    return amount


@dataclass(frozen=True, slots=True)
class Standing:
    key: str  # an employee id or a branch id
    total: Decimal
    entries: int
    employee: EmployeeRecord | None  # employee boards
    branch: BranchRecord | None  # branch boards


async def leaderboard(
    db: Database,
    branch_id: str,
    start: dt.date,
    end: dt.date,
    by_branch: bool,
    first: int,
) -> list[Standing] | None:
    """The board of the branch's subtree; None when there is no such branch."""
    rows = await db.read(
        Q.credit_leaderboard,
        {
            "branch_id": branch_id,
            "from": start,
            "to": end,
            "by_branch": by_branch,
            "first": first,
        },
    )
    if not rows:
        return None
    return [
        Standing(
            place["key"],
            _credit_amount(place["total_fen"]),
            place["entries"],
            EmployeeRecord.from_map(place["employee"]) if place["employee"] else None,
            BranchRecord.from_map(place["branch"]) if place["branch"] else None,
        )
        for place in rows[0]["places"]
    ]


@dataclass(frozen=True)
class FunnelPart:
    """Counts per stage of referrals made in a period, converted share and days to convert."""

    route: ReferralRoute | None  # None: every route
    by_stage: dict[Stage, int]
    days_to_win: list[int]

    @property
    def total(self) -> int:
        return sum(self.by_stage.values())

    @property
    def conversion_rate(self) -> Decimal | None:
        """Won of all made, to four places; None when none were made."""
        if not self.total:
            return None
        return (Decimal(self.by_stage.get(Stage.WON, 0)) / self.total).quantize(Decimal("0.0001"))

    @property
    def median_days_to_win(self) -> Decimal | None:
        """Exact: the middle day count, or the mean of the two middle ones."""
        days = sorted(self.days_to_win)
        if not days:
            return None
        middle = len(days) // 2
        if len(days) % 2:
            return Decimal(days[middle])
        return (Decimal(days[middle - 1]) + Decimal(days[middle])) / 2


# Branches a funnel found under no other: each may be the root of the whole bank, whose funnel reads
# every referral of the period at once (referral_funnel_whole_bank.cypher, which checks that it is
# the only such branch, and otherwise answers nothing). A bank with several such branches reads
# theirs branch by branch from then on.
_TOP_BRANCHES: set[str] = set()
_NOT_WHOLE_BANK: set[str] = set()


async def funnel(
    db: Database, branch_id: str, start: dt.date, end: dt.date
) -> list[FunnelPart] | None:
    """The whole funnel of the branch's subtree first, then one part per route with any
    referral; None when there is no such branch."""
    params = {"branch_id": branch_id, "from": start, "to": end}
    rows = []
    if branch_id in _TOP_BRANCHES:
        rows = await db.read(Q.referral_funnel_whole_bank, params)
        if not rows or not rows[0]["whole_bank"]:
            _TOP_BRANCHES.discard(branch_id)
            _NOT_WHOLE_BANK.add(branch_id)
            rows = []
    if not rows:
        rows = await db.read(Q.referral_funnel, params)
        if not rows:
            return None
        if rows[0]["top"] and branch_id not in _NOT_WHOLE_BANK:
            _TOP_BRANCHES.add(branch_id)
    whole = FunnelPart(None, {}, [])
    parts: dict[ReferralRoute, FunnelPart] = {}
    for group in rows[0]["groups"]:
        route = ReferralRoute(group["route"])
        part = parts.setdefault(route, FunnelPart(route, {}, []))
        for target in (whole, part):
            stage = Stage(group["stage"])
            target.by_stage[stage] = target.by_stage.get(stage, 0) + group["n"]
            target.days_to_win.extend(d for d in group["days_to_win"] if d is not None)
    return [whole, *(parts[r] for r in ReferralRoute if r in parts)]


@dataclass(frozen=True, slots=True)
class ReferralFilter:
    mine: bool = False
    branch_ids: list[str] | None = None
    stage: Stage | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ReferralScope:
    """Which referrals a caller may see: all, or those they take part in plus (with `branches`)
    those whose referrer's or recipient's branch is one of them."""

    employee_id: str
    everything: bool
    branches: list[str] | None

    def shows(self, referral: ReferralRecord) -> bool:
        if self.everything or self.employee_id in referral.participant_ids:
            return True
        return self.branches is not None and bool(
            {referral.referrer_branch_id, referral.institution_id} & set(self.branches)
        )


async def referrals_page(
    db: Database, scope: ReferralScope, where: ReferralFilter, offset: int, first: int
) -> tuple[list[ReferralRecord], int]:
    rows = await db.read(
        Q.referrals_page,
        {
            "all": scope.everything,
            "employee_id": scope.employee_id,
            "branches": scope.branches,
            "mine": where.mine,
            "branch_ids": where.branch_ids,
            "stage": where.stage.value if where.stage else None,
            "from": where.start,
            "to": where.end,
            "offset": offset,
            "first": first,
        },
    )
    ids = list(rows[0]["ids"]) if rows else []
    found = await referrals_by_ids(db, ids)
    return [r for r in found if r is not None], rows[0]["total"] if rows else 0


async def add_participant(
    db: Database,
    referral_id: str,
    employee_id: str,
    change: Change,
    directory: Directory,
    now: dt.datetime,
) -> Outcome:
    """Adds a supporting employee to an open referral (the recipient, their branch head or an
    admin may)."""
    if employee_id not in directory.branch_of_employee:
        raise RecipientNotFound(f"employee {employee_id!r} is not working at a branch now")

    async def work(tx: WriteTransaction) -> Outcome:
        row = (await _locked(tx, [_Lock(referral_id, change.actor_id)], now)).get(referral_id)
        if row is None:
            return Outcome(Verdict.ILLEGAL, None)
        stage = Stage(row["stage"])
        actors = _actors(row["recipient_id"], change, bool(row["heads_recipient"]))
        if not _PEOPLE & actors:
            return Outcome(Verdict.ACTOR_REFUSED, stage)
        if stage not in OPEN_STAGES:
            return Outcome(Verdict.ILLEGAL, stage)
        event = {
            "at": now.isoformat(),
            "action": "ADD_PARTICIPANT",
            "from": stage.value,
            "to": stage.value,
            "actor_id": change.actor_id,
            "actor_kind": _strongest(actors).value,
            "note": f"{employee_id} joins as {ParticipantRole.SUPPORTING.value}",
        }
        await tx.run(
            Q.referral_add_participant,
            {
                "id": referral_id,
                "employee_id": employee_id,
                "role": ParticipantRole.SUPPORTING.value,
                "event": event,
            },
        )
        return Outcome(Verdict.ALLOWED, stage)

    return await db.write_unit(work)


EXPIRY_NOTE = "no progress within the configured days"


async def expire(db: Database, days: int, now: dt.datetime) -> int:
    """Expires open referrals whose stage has not changed for `days` days."""
    (row,) = await db.write(
        Q.referrals_expire,
        {
            "stages": sorted(STAGE_MACHINE[Action.EXPIRE].sources),
            "before": now.date() - dt.timedelta(days=days),
            "now": now,
            "note": EXPIRY_NOTE,
        },
    )
    return int(row["expired"])
