"""One camera: looked up by asset tag, and everything its page shows (its state now and one page of its
merged timeline)."""

from __future__ import annotations

from dataclasses import dataclass

from assignments.models import Checkout, PersonalIssue

from ..models import Attachment, Camera, Flag, MaintenanceRecord
from ..timeline import Timeline, camera_timeline


@dataclass
class CameraPage:
    camera: Camera
    checkout: Checkout | None
    personal: PersonalIssue | None
    maintenance: MaintenanceRecord | None
    open_flags: list[Flag]
    timeline: Timeline
    attachments: list[Attachment]


def camera_by_tag(asset_tag: str) -> Camera | None:
    # Any case (hartford_bwc.anycase): a tag typed into the address bar in lower case is the same label.
    return Camera.objects.select_related("model", "dock", "shelf").filter(asset_tag__upper=asset_tag.upper()).first()


def cameras_by_tags(tags: list[str]) -> tuple[list[Camera], list[str]]:
    """The cameras for `tags` in the order given (repeats once), and the tags that match no camera."""
    found = {c.asset_tag: c for c in Camera.objects.select_related("model").filter(asset_tag__in=tags)}
    tags = list(dict.fromkeys(tags))
    return [found[tag] for tag in tags if tag in found], [tag for tag in tags if tag not in found]


def open_maintenance_record(camera: Camera) -> MaintenanceRecord | None:
    """The camera's one open maintenance record (a partial unique index allows one), if any."""
    return MaintenanceRecord.objects.open().filter(camera=camera).first()


def current_personal_issue(camera: Camera) -> PersonalIssue | None:
    return PersonalIssue.objects.current().select_related("officer").filter(camera=camera).first()


def camera_page(camera: Camera, *, kind: str = "", page: int = 1) -> CameraPage:
    """Everything the camera page shows: its state now, and one page of its history (inventory.timeline)."""
    return CameraPage(
        camera=camera,
        checkout=Checkout.objects.open().select_related("officer__unit").filter(camera=camera).first(),
        personal=current_personal_issue(camera),
        maintenance=open_maintenance_record(camera),
        open_flags=list(Flag.objects.open().filter(camera=camera).order_by("kind")),
        timeline=camera_timeline(camera, kind=kind, page=page),
        attachments=camera_attachments(camera),
    )


CAMERA_PAGE_ATTACHMENTS = 24


def camera_attachments(camera: Camera) -> list[Attachment]:
    """The latest photos and documents of the camera's maintenance records, each with its record."""
    return list(
        Attachment.objects.filter(record__camera=camera)
        .select_related("record")
        .order_by("-uploaded_at", "-pk")[:CAMERA_PAGE_ATTACHMENTS]
    )
