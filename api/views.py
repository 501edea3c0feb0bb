"""API views: reads use querysets with their joins; every write calls a service."""

from __future__ import annotations

import json
import re
from functools import cached_property, partial

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Prefetch, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.template import loader
from django.views import defaults
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from assignments import services as assignment_services
from assignments.models import Checkout, Officer
from audit.actor import Actor
from inventory import bulk, counts
from inventory import services as inventory_services
from inventory.lifecycle import CAMERA
from inventory.models import Camera, Dock, Flag

from . import serializers
from .exception_handlers import problem_response
from .permissions import StaffRolePermission


class KnownCountPaginator(DjangoPaginator):
    """A paginator told its count (inventory.counts' kept counts) instead of counting the rows."""

    def __init__(self, object_list, per_page, *args, known_count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        if self.known_count is None:
            return super().count
        # Never below none: kept counts that drifted from the rows (a TRUNCATE's rows are not seen by
        # the row triggers) must give a short or empty page, not a negative offset and a 500.
        return max(self.known_count, 0)


class StrictPageNumberPagination(PageNumberPagination):
    """`?page=` is a page number (the schema says integer): an empty or odd one is a 404, not page 1.

    A view with `kept_count()` gives the list's count when it can read it from the counts the database
    keeps (inventory.counts): COUNT(*) of every check-out read 651,000 rows at 30,000 cameras.
    """

    def paginate_queryset(self, queryset, request, view=None):
        values = request.query_params.getlist(self.page_query_param)
        if values and (len(values) > 1 or not values[0].isascii() or not values[0].isdigit() or int(values[0]) < 1):
            raise NotFound("Invalid page.")
        known = view.kept_count() if hasattr(view, "kept_count") else None
        self.django_paginator_class = partial(KnownCountPaginator, known_count=known)
        return super().paginate_queryset(queryset, request, view)


YES_NO = ["true", "false"]


def _yes(request, name: str) -> bool:
    """A true/false query parameter; anything else is refused, as the schema says."""
    values = request.query_params.getlist(name)
    if not values:
        return False
    if len(values) > 1 or values[0] not in YES_NO:
        raise ValidationError({name: "Give true or false, once."})
    return values[0] == "true"


def _one(request, name: str) -> str:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ValidationError({name: "Give this parameter once."})
    return values[0] if values else ""


class SafeJSONRenderer(JSONRenderer):
    """JSON that always encodes: a refused value quoted back in an error may hold a lone surrogate
    (valid in a JSON escape, not in UTF-8); such a body is written with ASCII escapes instead."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return json.dumps(data, cls=self.encoder_class, ensure_ascii=True).encode("ascii")


class ApiViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [StaffRolePermission]
    # JSON only: a form body cannot say null, and machines send JSON.
    parser_classes = [JSONParser]
    renderer_classes = [SafeJSONRenderer, BrowsableAPIRenderer]
    pagination_class = StrictPageNumberPagination


class CameraViewSet(ApiViewSet):
    """The fleet. `?status=` filters, `?q=` searches asset tag and serial number."""

    serializer_class = serializers.CameraSerializer
    lookup_field = "asset_tag"
    # The lifecycle transition each write makes (who may make it: StaffRolePermission).
    transitions = {"check_in": "check_in", "charge_events": "record_charge"}

    def get_queryset(self):
        queryset = Camera.objects.select_related("model", "dock").prefetch_related(
            Prefetch("checkouts", queryset=Checkout.objects.open().select_related("officer"), to_attr="open_checkouts")
        )
        if self.action != "list":
            return queryset
        if status_filter := _one(self.request, "status"):
            if status_filter not in CAMERA.statuses.values:
                raise ValidationError({"status": f"Unknown status; choose one of {', '.join(CAMERA.statuses.values)}."})
            queryset = queryset.filter(status=status_filter)
        if q := _one(self.request, "q").strip():
            if not re.match(serializers.SEARCH_PATTERN, q):
                raise ValidationError({"q": "Remove the control characters from the search."})
            queryset = queryset.filter(Q(asset_tag__icontains=q) | Q(serial_number__icontains=q))
        return queryset.order_by("asset_tag")

    def kept_count(self) -> int | None:
        """The fleet, or one status of it, from the kept counts; a search is counted."""
        if _one(self.request, "q").strip():
            return None
        status_filter = _one(self.request, "status")
        return counts.total(counts.status_keys([status_filter]) if status_filter else counts.all_camera_keys())

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=CAMERA.statuses.values),
            OpenApiParameter(
                "q", str, description="Search asset tag and serial number.", pattern=serializers.SEARCH_PATTERN
            ),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=serializers.CheckInInput, responses={200: serializers.CheckoutSerializer})
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, asset_tag=None):
        """Check the camera in (working, or damaged with what is wrong)."""
        data = _valid(serializers.CheckInInput, request)
        camera = get_object_or_404(Camera, asset_tag__upper=asset_tag.upper())
        checkout = assignment_services.check_in(
            camera=camera,
            by=Actor.from_request(request),
            condition=data["condition"],
            damage_description=data["damage_description"],
        )
        return Response(serializers.CheckoutSerializer(checkout).data)

    @extend_schema(request=serializers.ChargeEventInput, responses={201: serializers.ChargeEventSerializer})
    @action(detail=True, methods=["post"], url_path="charge-events")
    def charge_events(self, request, asset_tag=None):
        """Record a dock report: docked (dock, bay), undocked, full charge, battery level."""
        data = _valid(serializers.ChargeEventInput, request)
        camera = get_object_or_404(Camera, asset_tag__upper=asset_tag.upper())
        dock = _named(Dock, "dock", name=data["dock"]) if data.get("dock") is not None else None
        event = inventory_services.record_charge(
            camera=camera,
            kind=data["kind"],
            dock=dock,
            bay=data.get("bay"),
            battery_percent=data.get("battery_percent"),
            by=Actor.from_request(request),
        )
        return Response(serializers.ChargeEventSerializer(event).data, status=status.HTTP_201_CREATED)


class OfficerViewSet(ApiViewSet):
    serializer_class = serializers.OfficerSerializer
    lookup_field = "badge_number"
    queryset = Officer.objects.select_related("unit", "shift").order_by("badge_number")

    def kept_count(self) -> int:
        """Every officer, active or not, from the kept counts (the list has no filter)."""
        return counts.total([counts.OFFICERS])


class CheckoutViewSet(ApiViewSet):
    """Checkouts, newest first; `?open=true` lists cameras out now. POST checks a camera out."""

    serializer_class = serializers.CheckoutSerializer
    transitions = {"create": "check_out"}

    def get_queryset(self):
        queryset = Checkout.objects.select_related("camera", "officer").order_by("-checked_out_at", "-id")
        if self.action == "list" and _yes(self.request, "open"):
            queryset = queryset.open()
        return queryset

    def kept_count(self) -> int:
        """Every check-out, or the open ones, from the kept counts."""
        return counts.total([counts.OPEN_CHECKOUTS if _yes(self.request, "open") else counts.CHECKOUTS])

    @extend_schema(
        parameters=[OpenApiParameter("open", str, enum=YES_NO, description="Only checkouts not yet returned.")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=serializers.CheckOutInput, responses={201: serializers.CheckoutSerializer})
    def create(self, request):
        """Check a camera out to an officer, with every rule of the kiosk."""
        data = _valid(serializers.CheckOutInput, request)
        camera = _named(Camera, "camera", asset_tag=data["camera"])
        officer = _named(Officer, "officer", badge_number=data["officer"])
        checkout = assignment_services.check_out(camera=camera, officer=officer, by=Actor.from_request(request))
        return Response(serializers.CheckoutSerializer(checkout).data, status=status.HTTP_201_CREATED)


class FlagViewSet(ApiViewSet):
    """Open flags (add `?all=true` for resolved ones too)."""

    serializer_class = serializers.FlagSerializer

    def get_queryset(self):
        queryset = Flag.objects.select_related("camera").order_by("-raised_at", "-id")
        if self.action == "list" and not _yes(self.request, "all"):
            queryset = queryset.open()
        return queryset

    @extend_schema(
        parameters=[OpenApiParameter("all", str, enum=YES_NO, description="Resolved flags too, not only open ones.")]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


def _named(model, what: str, **lookup):
    """The row the input names (stripped of surrounding spaces, in any case), or a 404 that says which is missing."""
    [(field, value)] = lookup.items()
    row = model.objects.filter(**{f"{field}__upper": value.strip().upper()}).first()
    if row is None:
        raise NotFound(f"No {what} {value.strip()!r}.")
    return row


def not_found(request, exception=None):
    """Django's 404 (no URL matched): JSON under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return problem_response(status_code=404, detail="Not found.", code="not_found")
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    """Django's 400 (a request refused before any view): JSON under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return problem_response(status_code=400, detail="Bad request.", code="bad_request")
    if isinstance(exception, TooManyFieldsSent):
        # A form of thousands of fields: the camera list's "select all" on a crafted page, most likely.
        body = loader.get_template("400.html").render(
            {"too_many_fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, "max_selection": bulk.MAX_SELECTION}
        )
        return HttpResponseBadRequest(body)
    return defaults.bad_request(request, exception)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
