"""Named shelves: add one, rename or retire it, and put a camera on one (each audited).

A shelf is a place a stocktake counts (stocktake.selectors.expected_cameras): the cameras whose
records put them there. A camera is put on a shelf by a count's "Move to this shelf" fix; a dock, a
check-out or a loss takes it off again (inventory.services, assignments.services).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from audit import services as audit
from audit.actions import Action
from audit.actor import Actor
from hartford_bwc import control_characters
from hartford_bwc.errors import DomainError, InvalidInput

from . import services
from .lifecycle import DOCKABLE
from .models import Camera, ChargeEvent, Shelf


def _clean(value: str, *, what: str, limit: int, required: bool) -> str:
    value = value.strip()
    if required and not value:
        raise InvalidInput(f"Enter the shelf's {what}.", code=f"shelf_{what}_required")
    if control_characters.has_any(value):
        raise InvalidInput(f"A shelf's {what} holds no control characters.", code="shelf_control")
    if len(value) > limit:
        raise InvalidInput(f"A shelf's {what} is at most {limit} characters.", code="shelf_too_long")
    return value


@transaction.atomic
def add_shelf(*, name: str, by: Actor, location: str = "") -> Shelf:
    """A new named shelf, ready to count."""
    name = _clean(name, what="name", limit=60, required=True)
    location = _clean(location, what="location", limit=120, required=False)
    if Shelf.objects.filter(name__iexact=name).exists():
        raise DomainError(f"There is already a shelf named {name}; choose another name.", code="shelf_taken")
    try:
        with transaction.atomic():
            shelf = Shelf.objects.create(name=name, location=location)
    except IntegrityError:
        raise DomainError(f"A shelf named {name} was added a moment ago.", code="shelf_taken") from None
    audit.record(by=by, action=Action.SHELF_CREATE, obj=shelf, after={"name": name, "location": location})
    return shelf


@transaction.atomic
def set_shelf_active(*, shelf: Shelf, active: bool, by: Actor) -> Shelf:
    """Take a shelf out of the list of places to count (or bring it back); its history stays."""
    shelf = Shelf.objects.select_for_update().get(pk=shelf.pk)
    if shelf.is_active == active:
        state = "in use" if active else "retired"
        raise DomainError(f"Shelf {shelf.name} is already {state}.", code="shelf_unchanged")
    if not active and Camera.objects.filter(shelf=shelf).exists():
        raise DomainError(
            f"Cameras are recorded on shelf {shelf.name}: count it and move them first.", code="shelf_not_empty"
        )
    shelf.is_active = active
    shelf.save(update_fields=["is_active"])
    audit.record(
        by=by, action=Action.SHELF_EDIT, obj=shelf, before={"is_active": not active}, after={"is_active": active}
    )
    return shelf


@transaction.atomic
def shelve(*, camera: Camera, shelf: Shelf | None, by: Actor, reason: str = "") -> Camera:
    """Record `camera` on `shelf` (None: on no named shelf), out of any dock it was recorded in."""
    camera = Camera.objects.select_for_update(of=("self",)).select_related("shelf").get(pk=camera.pk)
    if camera.status not in DOCKABLE:
        raise DomainError(
            f"{camera.asset_tag} is {camera.get_status_display().lower()}, so it is on no shelf; "
            "deal with that on its page first.",
            code="not_on_shelf",
        )
    target = shelf.pk if shelf is not None else None
    if camera.shelf_id == target and camera.dock_id is None:
        where = f"on shelf {shelf.name}" if shelf is not None else "on no named shelf"
        raise DomainError(f"{camera.asset_tag} is already recorded {where}.", code="already_there")
    if shelf is not None and not shelf.is_active:
        raise DomainError(f"Shelf {shelf.name} is retired; choose another.", code="shelf_retired")
    if camera.dock_id is not None:
        # The charge history says when it left the dock, as an undock from the camera's page would.
        services.record_charge(camera=camera, kind=ChargeEvent.Kind.UNDOCKED, by=by)
    before = {"shelf": camera.shelf_id}
    Camera.objects.filter(pk=camera.pk).update(shelf=shelf)
    camera.refresh_from_db()
    audit.record(
        by=by,
        action=Action.CAMERA_SHELVED,
        obj=camera,
        camera=camera,
        before=before,
        after={"shelf": target},
        reason=reason,
    )
    return camera
