"""API views: reads use querysets with their joins; every write calls a service."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from assignments import services as assignment_services
from assignments.models import Checkout, Officer
from audit.actor import Actor
from hartford_bwc.errors import DomainError
from inventory import services as inventory_services
from inventory.models import Camera, Flag

from . import serializers
from .permissions import StaffRolePermission


def _refused(error: DomainError) -> Response:
    return Response({"detail": str(error), "code": error.code}, status=status.HTTP_409_CONFLICT)


class CameraViewSet(viewsets.ReadOnlyModelViewSet):
    """The fleet. `?status=` filters, `?q=` searches asset tag and serial number."""

    serializer_class = serializers.CameraSerializer
    permission_classes = [StaffRolePermission]
    lookup_field = "asset_tag"

    def get_queryset(self):
        queryset = Camera.objects.select_related("model", "dock").prefetch_related(
            Prefetch("checkouts", queryset=Checkout.objects.open().select_related("officer"), to_attr="open_checkouts")
        )
        params = self.request.query_params
        if status_filter := params.get("status"):
            if status_filter not in Camera.Status.values:
                raise ValidationError({"status": f"Unknown status; choose one of {', '.join(Camera.Status.values)}."})
            queryset = queryset.filter(status=status_filter)
        if q := params.get("q", "").strip():
            queryset = queryset.filter(Q(asset_tag__icontains=q) | Q(serial_number__icontains=q))
        return queryset.order_by("asset_tag")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=Camera.Status.values),
            OpenApiParameter("q", str, description="Search asset tag and serial number."),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=serializers.CheckInInput, responses=serializers.CheckoutSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, asset_tag=None):
        """Check the camera in (working, or damaged with what is wrong)."""
        data = _valid(serializers.CheckInInput, request)
        camera = get_object_or_404(Camera, asset_tag=asset_tag)
        try:
            checkout = assignment_services.check_in(
                camera=camera,
                by=Actor.from_request(request),
                condition=data["condition"],
                damage_description=data["damage_description"],
            )
        except DomainError as error:
            return _refused(error)
        return Response(serializers.CheckoutSerializer(checkout).data)

    @extend_schema(request=serializers.ChargeEventInput, responses={201: serializers.ChargeEventSerializer})
    @action(detail=True, methods=["post"], url_path="charge-events")
    def charge_events(self, request, asset_tag=None):
        """Record a dock report: docked (dock, bay), undocked, full charge, battery level."""
        data = _valid(serializers.ChargeEventInput, request)
        camera = get_object_or_404(Camera, asset_tag=asset_tag)
        try:
            event = inventory_services.record_charge(
                camera=camera,
                kind=data["kind"],
                dock=data.get("dock"),
                bay=data.get("bay"),
                battery_percent=data.get("battery_percent"),
                by=Actor.from_request(request),
            )
        except DomainError as error:
            return _refused(error)
        return Response(serializers.ChargeEventSerializer(event).data, status=status.HTTP_201_CREATED)


class OfficerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.OfficerSerializer
    permission_classes = [StaffRolePermission]
    lookup_field = "badge_number"
    queryset = Officer.objects.select_related("unit", "shift").order_by("badge_number")


class CheckoutViewSet(viewsets.ReadOnlyModelViewSet):
    """Checkouts, newest first; `?open=true` lists cameras out now. POST checks a camera out."""

    serializer_class = serializers.CheckoutSerializer
    permission_classes = [StaffRolePermission]

    def get_queryset(self):
        queryset = Checkout.objects.select_related("camera", "officer").order_by("-checked_out_at", "-id")
        if self.request.query_params.get("open") in ("1", "true", "yes"):
            queryset = queryset.open()
        return queryset

    @extend_schema(parameters=[OpenApiParameter("open", bool, description="Only checkouts not yet returned.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=serializers.CheckOutInput, responses={201: serializers.CheckoutSerializer})
    def create(self, request):
        """Check a camera out to an officer, with every rule of the kiosk."""
        data = _valid(serializers.CheckOutInput, request)
        camera = Camera.objects.filter(asset_tag=data["camera"].strip()).first()
        officer = Officer.objects.filter(badge_number=data["officer"].strip()).first()
        if camera is None or officer is None:
            missing = "camera" if camera is None else "officer"
            raise ValidationError({missing: f"No {missing} {data[missing]!r}."})
        try:
            checkout = assignment_services.check_out(camera=camera, officer=officer, by=Actor.from_request(request))
        except DomainError as error:
            return _refused(error)
        return Response(serializers.CheckoutSerializer(checkout).data, status=status.HTTP_201_CREATED)


class FlagViewSet(viewsets.ReadOnlyModelViewSet):
    """Open flags (add `?all=true` for resolved ones too)."""

    serializer_class = serializers.FlagSerializer
    permission_classes = [StaffRolePermission]

    def get_queryset(self):
        queryset = Flag.objects.select_related("camera").order_by("-raised_at", "-id")
        if self.request.query_params.get("all") not in ("1", "true", "yes"):
            queryset = queryset.open()
        return queryset


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
