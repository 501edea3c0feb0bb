"""The reads of the device and vehicle record pages and of the device labels (devices.selectors holds the lists)."""

from __future__ import annotations

from .models import Device, Vehicle


def device_by_tag(asset_tag: str) -> Device | None:
    return Device.objects.select_related("model", "officer", "vehicle").filter(asset_tag=asset_tag).first()


def vehicle_by_number(unit_number: str) -> Vehicle | None:
    return Vehicle.objects.select_related("assigned_unit").filter(unit_number=unit_number).first()


def devices_by_tags(tags: list[str]) -> tuple[list[Device], list[str]]:
    """The devices for `tags` in the order given (repeats once), and the tags that match no device."""
    found = {d.asset_tag: d for d in Device.objects.select_related("model").filter(asset_tag__in=tags)}
    tags = list(dict.fromkeys(tags))
    return [found[tag] for tag in tags if tag in found], [tag for tag in tags if tag not in found]
