"""The camera list: each row's holder, charge state and open flags, the search box and the filters'
menus."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple, cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce

from assignments import name_search
from assignments.models import Checkout, Officer, Unit

from ..models import Camera, CameraModel, Flag, charged_condition
from .states import open_checkouts


def camera_list() -> QuerySet[Camera]:
    """Cameras with what each row shows: holder, charge state and open flags, in a fixed number of queries.

    Sortable values are annotations (one correlated subquery each). What a page shows of its holders
    and flags is read for that page's rows alone, as plain values (open_holders, open_flag_kinds):
    one query each, none when no row has one, and no model instance per checkout, officer, unit or
    flag. A join to the open checkout would spare the holder's query but not the page's count, which
    would carry the join (PostgreSQL does not drop a join on a partial unique index). Building this
    queryset (five annotations resolved) is milliseconds of ORM work, as long as the page's SQL: it is
    built once per process (per charge threshold, the one setting it reads) and each call returns a clone.
    """
    return _camera_list(settings.MIN_CHECKOUT_BATTERY_PERCENT).all()


@lru_cache(maxsize=4)
def _camera_list(min_battery_percent: int) -> QuerySet[Camera]:
    # Never evaluated itself (callers get .all() clones), so no rows are ever kept in it.
    holder = open_checkouts().select_related(None).order_by()
    open_flags = Flag.objects.open().filter(camera=OuterRef("pk")).order_by()
    return Camera.objects.select_related("model", "dock").annotate(
        holder_name=Subquery(holder.values("officer__last_name")[:1]),
        holder_badge=Subquery(holder.values("officer__badge_number")[:1]),
        holder_unit=Subquery(holder.values("officer__unit__name")[:1]),
        # 0, not NULL, for no flags: PostgreSQL and SQLite sort NULLs at opposite ends.
        open_flag_count=Coalesce(Subquery(open_flags.values("camera").annotate(n=Count("pk")).values("n")[:1]), 0),
        # Case, not the bare condition: NULL battery readings would make it NULL, not False.
        is_charged_now=Case(When(charged_condition(), then=True), default=False, output_field=BooleanField()),
    )


class Holder(NamedTuple):
    """Who holds a camera, as the list and its export show them (the holder's unit is the list's
    holder_unit column)."""

    name: str
    badge_number: str
    due_back_at: datetime

    @property
    def label(self) -> str:
        return Officer.label_for(self.name, self.badge_number)

    @property
    def url(self) -> str:
        return Officer.url_for(self.badge_number)


def open_holders(cameras: QuerySet[Camera] | Collection[int]) -> dict[int, Holder]:
    """{camera id: its holder} for these cameras (a queryset, or the ids of a page's rows) that are
    checked out, in one query."""
    rows = (
        Checkout.objects.open()
        .order_by()
        .values_list(
            "camera_id",
            "officer__rank",
            "officer__first_name",
            "officer__last_name",
            "officer__badge_number",
            "due_back_at",
        )
    )
    return {
        camera_id: Holder(Officer.name_for(rank, first, last), badge, due_back_at)
        for camera_id, rank, first, last, badge, due_back_at in _of_cameras(rows, cameras)
    }


def open_flag_kinds(cameras: QuerySet[Camera] | Collection[int]) -> dict[int, list[str]]:
    """{camera id: its open flags' kinds, in kind order} for these cameras (a queryset, or the ids of
    a page's rows), in one query."""
    kinds: dict[int, list[str]] = {}
    rows = Flag.objects.open().order_by("camera_id", "kind").values_list("camera_id", "kind")
    for camera_id, kind in _of_cameras(rows, cameras):
        kinds.setdefault(camera_id, []).append(kind)
    return kinds


def _of_cameras(rows: QuerySet, cameras: QuerySet[Camera] | Collection[int]) -> Iterable:
    """`rows` of these cameras: streamed for a whole list (an export's queryset), fetched at once for a
    page's ids. On PostgreSQL iterator() opens a server-side cursor, WITH HOLD outside a transaction:
    three round trips and the result materialized at the commit, for the 25 rows of a page."""
    if isinstance(cameras, QuerySet):
        return rows.filter(camera_id__in=cameras.order_by().values("pk")).iterator(chunk_size=2000)
    return rows.filter(camera_id__in=cameras)


def search_cameras(queryset: QuerySet[Camera], text: str) -> QuerySet[Camera]:
    """Asset tag, serial number, or the current holder as the list shows one ("Ofc. Emily Murphy",
    "#4411", "Murphy, Emily"; assignments.name_search reads the rank and the words).

    The matching cameras are found as a UNION of three index-friendly lookups (on PostgreSQL each
    has a trigram index: inventory and assignments' search_trigram_indexes migrations) and the list
    keeps those ids: an OR of the three over the camera table would scan every camera.
    """
    text = " ".join(text.split())
    if not text:
        return queryset
    by_tag = Camera.objects.filter(asset_tag__icontains=text).values("pk").order_by()
    by_serial = Camera.objects.filter(serial_number__icontains=text).values("pk").order_by()
    found = by_tag.union(by_serial)
    name = name_search.parse(text)
    if name.words or name.rank:
        holder = Q(officer__rank=name.rank) if name.rank else Q()
        for word in name.words:
            holder &= (
                Q(officer__first_name__icontains=word)
                | Q(officer__last_name__icontains=word)
                | Q(officer__badge_number__iexact=word)
            )
        found = found.union(Checkout.objects.open().filter(holder).values("camera_id").order_by())
    return queryset.filter(pk__in=found)


def with_open_flag(queryset: QuerySet[Camera], kind: str) -> QuerySet[Camera]:
    return queryset.filter(Exists(Flag.objects.open().filter(camera=OuterRef("pk"), kind=kind)))


def held_by_unit(queryset: QuerySet[Camera], unit) -> QuerySet[Camera]:
    return queryset.filter(Exists(open_checkouts().filter(officer__unit=unit)))


def _filter_choices(key: str, read: Callable[[], list[Any]]) -> list[Any]:
    """A menu's choices, cached FILTER_CHOICES_CACHE_SECONDS. Firmware versions and batches are a
    DISTINCT over every camera (a scan per list page at 30,000 cameras): a version or batch added by
    an import may appear in the menu a minute late."""
    seconds = settings.FILTER_CHOICES_CACHE_SECONDS
    if not seconds:
        return read()
    return cast("list[Any]", cache.get_or_set(f"inventory:filter-choices:{key}", read, seconds))


# The menus read from small tables (camera models, units): cached like the others, and forgotten as soon
# as a row is saved or deleted in this process (inventory.signals), so a unit added shows in its menu
# at once here; another worker's cache may show it FILTER_CHOICES_CACHE_SECONDS late.


def model_choices() -> list[tuple[Any, str]]:
    """(pk, label) of every camera model, in the models' order, as the model menu lists them."""
    return _filter_choices("model", lambda: [(model.pk, str(model)) for model in CameraModel.objects.all()])


def unit_choices() -> list[tuple[Any, str]]:
    """(pk, name) of every unit, in name order, as the holder's unit menu lists them."""
    return _filter_choices("unit", lambda: [(unit.pk, str(unit)) for unit in Unit.objects.all()])


def forget_filter_choices(*keys: str) -> None:
    cache.delete_many([f"inventory:filter-choices:{key}" for key in keys])


def firmware_versions() -> list[str]:
    return _filter_choices("firmware", _firmware_versions)


def purchase_batches() -> list[str]:
    return _filter_choices("batch", _purchase_batches)


def _firmware_versions() -> list[str]:
    return list(
        Camera.objects.exclude(firmware_version="")
        .order_by("firmware_version")
        .values_list("firmware_version", flat=True)
        .distinct()
    )


def _purchase_batches() -> list[str]:
    return list(
        Camera.objects.exclude(purchase_batch="")
        .order_by("purchase_batch")
        .values_list("purchase_batch", flat=True)
        .distinct()
    )
