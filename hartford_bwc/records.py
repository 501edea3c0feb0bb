"""Creating records and editing their descriptive fields, in bulk, each row with its audit event.

The camera and officer services (and so the console's add and edit pages and the imports) write
through these two. They run in the caller's transaction: the rows to edit are locked before they
are compared, the writes go in batches of BATCH_SIZE, and the whole lot is appended to the audit
trail at once (one lock and one read of the chain's end, however many rows: an import of 30,000
cameras is one transaction, not 30,000).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar, cast

from django.db import IntegrityError, transaction
from django.db.models import Field, Model

from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc.errors import DomainError

M = TypeVar("M", bound=Model)

BATCH_SIZE = 1000

Progress = Callable[[int], None]


def shown(field: Field, value: Any) -> Any:
    """A field's value as a person reads it (and the trail keeps it): a related record by its name, a
    choice by its label, a date as YYYY-MM-DD, nothing as ""."""
    if value is None:
        return ""
    if field.is_relation:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, date):
        return value.isoformat()
    return value


def _field(obj: Model, name: str) -> Field:
    """The concrete field `name` of a record (never a reverse relation: the services name their own fields)."""
    return cast(Field, obj._meta.get_field(name))


def shown_value(obj: Model, name: str) -> Any:
    """`shown` for a field of a record."""
    return shown(_field(obj, name), getattr(obj, name))


@dataclass
class Edit:
    """What an edit changed on one record: the fields, as they were and as they are."""

    obj: Model
    before: dict[str, Any]
    after: dict[str, Any]


def _apply(obj: Model, values: Mapping[str, Any]) -> Edit | None:
    """Set `values` on the (locked) record; what changed, compared as stored (a foreign key by its id)."""
    attnames = {name: _field(obj, name).attname for name in values}
    stored = {name: getattr(obj, attname) for name, attname in attnames.items()}
    before = {name: shown_value(obj, name) for name in values}
    for name, value in values.items():
        setattr(obj, name, value)
    changed = [name for name, attname in attnames.items() if getattr(obj, attname) != stored[name]]
    if not changed:
        return None
    return Edit(obj, {name: before[name] for name in changed}, {name: shown_value(obj, name) for name in changed})


def _locked(model: type[M], changes: Sequence[tuple[M, Mapping[str, Any]]], related: Sequence[str]):
    """Each record of `changes` read again with its row locked, with the values meant for it."""
    wanted = {obj.pk: values for obj, values in changes}
    pks = list(wanted)
    for start in range(0, len(pks), BATCH_SIZE):
        chunk = pks[start : start + BATCH_SIZE]
        # Locked in primary-key order, the same order every bulk edit takes, so two cannot deadlock.
        rows = model._default_manager.select_for_update(of=("self",)).select_related(*related).filter(pk__in=chunk)
        for obj in rows.order_by("pk"):
            yield obj, wanted[obj.pk]


def _links(obj: Model, links: Callable[[Any], dict] | None) -> dict:
    return links(obj) if links else {}


def create_many(
    model: type[M],
    rows: Sequence[Mapping[str, Any]],
    *,
    by: Actor,
    action: Action,
    shown: Iterable[str],
    reason: str = "",
    links: Callable[[M], dict] | None = None,
    on_progress: Progress | None = None,
    conflict: str,
) -> list[M]:
    """Insert `rows` (field -> value) and one `action` event each, with the `shown` fields as "after".

    A row that another transaction inserted a moment ago (a unique index says so) refuses all of
    them with `conflict`, the message a person reads.
    """
    if not rows:
        return []
    shown = tuple(shown)
    created: list[M] = []
    try:
        with transaction.atomic():
            for start in range(0, len(rows), BATCH_SIZE):
                batch = [model(**row) for row in rows[start : start + BATCH_SIZE]]
                created += model._default_manager.bulk_create(batch)
                if on_progress:
                    on_progress(len(created))
    except IntegrityError:
        raise DomainError(conflict, code="conflict") from None
    audit.record_many(
        by=by,
        events=[
            audit.PendingEvent(
                action=action,
                obj=obj,
                after={name: value for name in shown if (value := shown_value(obj, name)) not in ("", None)},
                reason=reason,
                **_links(obj, links),
            )
            for obj in created
        ],
    )
    return created


def edit_many(
    model: type[M],
    changes: Sequence[tuple[M, Mapping[str, Any]]],
    *,
    by: Actor,
    action: Action,
    reason: str = "",
    links: Callable[[M], dict] | None = None,
    on_progress: Progress | None = None,
    conflict: str,
    related: Sequence[str] = (),
    locked: bool = False,
) -> list[Edit]:
    """Lock each record, set the given fields, write those that changed and one `action` event per
    record that changed (before and after: the changed fields only). A record the change leaves as it
    was writes nothing. `related` are the foreign keys to read with the locked rows (their names).

    `locked`: the caller read these very records with select_for_update in this transaction (an
    import's plan, thousands of them), so they are used as they are instead of read again.
    """
    if not changes:
        return []
    edits: list[Edit] = []
    for obj, values in changes if locked else _locked(model, changes, related):
        if (edit := _apply(obj, values)) is not None:
            edits.append(edit)
    fields = sorted({name for edit in edits for name in edit.after})
    try:
        with transaction.atomic():
            for start in range(0, len(edits), BATCH_SIZE):
                batch = edits[start : start + BATCH_SIZE]
                model._default_manager.bulk_update(cast("list[M]", [edit.obj for edit in batch]), fields)
                if on_progress:
                    on_progress(start + len(batch))
    except IntegrityError:
        raise DomainError(conflict, code="conflict") from None
    audit.record_many(
        by=by,
        events=[
            audit.PendingEvent(
                action=action,
                obj=edit.obj,
                before=edit.before,
                after=edit.after,
                reason=reason,
                **_links(edit.obj, links),
            )
            for edit in edits
        ],
    )
    return edits


@dataclass(frozen=True)
class Records(Generic[M]):
    """One kind of record as its services add and edit it: what its events show and link to, the
    related rows read with a locked one, and the refusals a person reads when a unique index is hit.

    The camera, officer and certification services each hold one and call `create` and `edit`, so the
    wrapper around create_many and edit_many is written once.
    """

    model: type[M]
    shown: tuple[str, ...]
    links: Callable[[M], dict]
    related: tuple[str, ...]
    added_conflict: str
    edited_conflict: str

    def create(
        self,
        rows: Sequence[Mapping[str, Any]],
        *,
        by: Actor,
        action: Action,
        reason: str = "",
        on_progress: Progress | None = None,
    ) -> list[M]:
        return create_many(
            self.model,
            rows,
            by=by,
            action=action,
            shown=self.shown,
            reason=reason,
            links=self.links,
            on_progress=on_progress,
            conflict=self.added_conflict,
        )

    def edit(
        self,
        changes: Sequence[tuple[M, Mapping[str, Any]]],
        *,
        by: Actor,
        action: Action,
        reason: str = "",
        on_progress: Progress | None = None,
        locked: bool = False,
    ) -> list[Edit]:
        return edit_many(
            self.model,
            changes,
            by=by,
            action=action,
            reason=reason,
            links=self.links,
            on_progress=on_progress,
            conflict=self.edited_conflict,
            related=self.related,
            locked=locked,
        )
