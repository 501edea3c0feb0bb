"""Writing to the audit trail. Called by every service, inside the service's transaction."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from hartford_bwc.bulk_insert import insert_all

from .actions import Action
from .actor import Actor
from .context import recorded_by_caller
from .models import CURRENT_HASH_VERSION, AuditEvent

# Any fixed 64-bit number: the key of the transaction-level advisory lock that serializes appends,
# so that two concurrent transactions cannot both chain onto the same predecessor.
AUDIT_CHAIN_LOCK_KEY = 7_461_022_019


@dataclass
class PendingEvent:
    """An event to append; see `record_many`."""

    action: Action
    obj: Model
    camera: Any = None
    officer: Any = None
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    reason: str = ""
    at: Any = None


def _jsonable(data: dict) -> dict:
    # Store exactly what the hash covers: dates and decimals as their JSON strings. A flat dict of
    # text, whole numbers, flags and nulls (every flag event's) is copied as JSON would read it back
    # (a str enum as its value) without going through JSON: 15,000 round trips in a big sweep.
    plain = {}
    for key, value in data.items():
        if type(key) is not str:
            break
        if isinstance(value, str):
            plain[key] = str.__str__(value)
        elif value is None or type(value) in (int, bool):
            plain[key] = value
        else:
            break
    else:
        return plain
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK_KEY])
    # SQLite runs one writer at a time, and the services open IMMEDIATE transactions.


def _last_hash() -> str:
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""


def _describe(obj: Model) -> str:
    # A save from the shell may hold values not yet converted (a time given as "23:00"), on which a
    # model's __str__ can fail: the event is still written, with a plainer description.
    try:
        return str(obj)
    except (TypeError, ValueError, AttributeError):
        return f"{obj._meta.verbose_name} #{obj.pk}"


def _link(name: str, obj: Model | None) -> dict[str, Any]:
    # An empty link as its id: Django's descriptor for a related object is the slow part of an event.
    return {name: obj} if obj is not None else {f"{name}_id": None}


def _actor_fields(by: Actor) -> dict[str, Any]:
    """Who, as every event of one append records it (worked out once for all of them)."""
    return {
        "actor_kind": by.kind,
        "actor_label": str(by)[:200],
        **_link("actor_user", by.staff_user),
        **_link("actor_officer", by.officer),
        **_link("kiosk", by.kiosk),
        "ip": by.ip,
    }


def _build(event: PendingEvent, actor: dict[str, Any], prev_hash: str) -> AuditEvent:
    obj = event.obj
    row = AuditEvent(
        occurred_at=event.at or timezone.now(),
        **actor,
        action=Action(event.action).value,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=_describe(obj)[:200],
        **_link("camera", event.camera),
        **_link("officer", event.officer),
        before=_jsonable(event.before),
        after=_jsonable(event.after),
        reason=event.reason,
        prev_hash=prev_hash,
        hash_version=CURRENT_HASH_VERSION,
    )
    row.hash = row.compute_hash()
    return row


def record(
    *,
    by: Actor,
    action: Action,
    obj: Model,
    camera: Any = None,
    officer: Any = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event. Must run inside the transaction that makes the change.

    An `action` not in `Action` is refused with a ValueError, so every stored event has a title.
    """
    [event] = record_many(
        by=by,
        events=[PendingEvent(action, obj, camera, officer, before or {}, after or {}, reason)],
    )
    return event


def record_many(*, by: Actor, events: Iterable[PendingEvent]) -> list[AuditEvent]:
    """Append many events in one INSERT (the sweep, imports, the demo seed)."""
    events = list(events)
    for event in events:
        # Refused before anything is written: an action without a title would show as a raw code.
        Action.from_code(event.action)
    if not connection.in_atomic_block:
        # Outside a transaction the advisory lock would end with its own statement, and two
        # appends could both chain onto the same predecessor: the lock, the read of the last
        # hash and the INSERT must share one transaction.
        with transaction.atomic():
            return record_many(by=by, events=events)
    _lock_chain()
    prev = _last_hash()
    actor = _actor_fields(by)
    rows = []
    for event in events:
        row = _build(event, actor, prev)
        rows.append(row)
        prev = row.hash
    if not rows:
        return []
    # One INSERT however many events (hartford_bwc.bulk_insert): the sweep's first run at 100,000
    # cameras appends 7,700 of them.
    return insert_all(rows)


KEPT_BREAK_ROWS = 100


@dataclass(frozen=True)
class Break:
    """One thing wrong with the trail: an event (or, for the checkpoint, the chain's end)."""

    event_id: int | None
    problem: str
    event: AuditEvent | None = None
    checkpoint: bool = False  # the chain's end disagrees with the checkpoint (events gone)


@dataclass
class Verification:
    count: int = 0
    breaks: list[Break] = field(default_factory=list)
    checkpoint: Any = None

    @property
    def intact(self) -> bool:
        return not self.breaks


def _check_event(event: AuditEvent, prev_hash: str, highest_version: int) -> list[str]:
    problems = []
    if event.prev_hash != prev_hash:
        problems.append("its link to the previous event does not match (an event before it was removed or replaced)")
    if event.hash_version < highest_version:
        # A later version was already in use: going back to v1 would let its plain SHA-256 be forged.
        problems.append(f"it claims hash version {event.hash_version} after version {highest_version} was in use")
    elif event.hash_version > CURRENT_HASH_VERSION:
        problems.append(f"it claims an unknown hash version {event.hash_version}")
    elif not hmac.compare_digest(event.compute_hash(), event.hash):
        problems.append("its hash does not match its content")
    return problems


def verify_trail(*, chunk_size: int = 5000, checkpoint: Any = None) -> Verification:
    """Check every event's hash and link, and the chain's end against a checkpoint; list every break.

    Each event is checked against its own stored predecessor, so one edited event is one break, and
    an edit followed by recomputing every later hash (without the key) breaks every later event.
    """
    result = Verification(checkpoint=checkpoint)
    prev, highest = "", 1
    seen_at_checkpoint, hash_at_checkpoint = 0, None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=chunk_size):
        result.count += 1
        for problem in _check_event(event, prev, highest):
            # Keep the rows of the first breaks only: a forged tail can be the whole table.
            result.breaks.append(Break(event.pk, problem, event if len(result.breaks) < KEPT_BREAK_ROWS else None))
        if checkpoint is not None and checkpoint.last_id is not None and event.pk <= checkpoint.last_id:
            seen_at_checkpoint += 1
            if event.pk == checkpoint.last_id:
                hash_at_checkpoint = event.hash
        prev, highest = event.hash, max(highest, min(event.hash_version, CURRENT_HASH_VERSION))
    if checkpoint is not None:
        result.breaks.extend(_against_checkpoint(checkpoint, seen_at_checkpoint, hash_at_checkpoint))
    return result


def _against_checkpoint(checkpoint: Any, seen: int, head_hash: str | None) -> list[Break]:
    where = f"the checkpoint of {checkpoint.at}"
    if not checkpoint.signature_valid:
        return [
            Break(
                checkpoint.last_id, f"{where} has a wrong signature: it was not written with this key", checkpoint=True
            )
        ]
    problems = []
    if checkpoint.last_id is not None and head_hash is None:
        problems.append(f"{where} ends at event #{checkpoint.last_id}, which is missing")
    elif head_hash is not None and head_hash != checkpoint.head_hash:
        problems.append(f"{where} ends at event #{checkpoint.last_id} with another hash")
    if seen != checkpoint.count:
        problems.append(f"{where} counted {checkpoint.count} events up to it; the table holds {seen}")
    return [Break(checkpoint.last_id, problem, checkpoint=True) for problem in problems]


def verify_chain(*, chunk_size: int = 5000) -> AuditEvent | None:
    """Return the first event whose hash or link is wrong, or None when the chain is intact."""
    for found in verify_trail(chunk_size=chunk_size).breaks:
        return found.event
    return None


def field_values(obj: Model, names: Iterable[str]) -> dict:
    """The named fields as the trail stores them in before/after: foreign keys by their id (JSON)."""
    return {name: getattr(obj, cast(Field, obj._meta.get_field(name)).attname) for name in names}


@transaction.atomic
def save_edit(*, obj: Model, fields: Iterable[str], by: Actor, reason: str = "") -> Model:
    """Save an edit of a record's descriptive fields (the admin's forms) with its audit event.

    State (a camera's status, an officer's activity, a checkout) is read-only in those forms and
    changes only through the domain services; this covers the rest: names, serials, batches, notes.
    A new record is created; an existing one is locked, and only `fields` are written. An edit that
    changes nothing writes nothing.
    """
    concrete = {f.name for f in obj._meta.concrete_fields if not f.primary_key}
    names = sorted(name for name in fields if name in concrete)
    if obj.pk is None or obj._state.adding:
        with recorded_by_caller():
            obj.save()
        before, action, names = {}, Action.of(obj, "admin_create"), sorted(concrete)
    else:
        if not names:
            return obj
        stored = field_values(type(obj)._default_manager.select_for_update().get(pk=obj.pk), names)
        edited = field_values(obj, names)
        # A form may call a field changed that round-trips to the same value (a widget's format).
        names = [name for name in names if _jsonable({"v": stored[name]}) != _jsonable({"v": edited[name]})]
        if not names:
            return obj
        before = {name: stored[name] for name in names}
        with recorded_by_caller():
            obj.save(update_fields=names)
        action = Action.of(obj, "admin_edit")
    links = {
        "camera": obj if obj._meta.label == "inventory.Camera" else getattr(obj, "camera", None),
        "officer": obj if obj._meta.label == "assignments.Officer" else None,
    }
    after = field_values(obj, names)
    record(by=by, action=action, obj=obj, before=before, after=after, reason=reason, **links)
    return obj
