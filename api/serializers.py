"""What the API shows of each model, and the input of each action."""

from __future__ import annotations

from rest_framework import serializers

from assignments.models import Checkout, Officer
from inventory.models import Camera, ChargeEvent, Dock, Flag


class HolderSerializer(serializers.Serializer):
    badge_number = serializers.CharField(source="officer.badge_number")
    name = serializers.CharField(source="officer.display_name")
    checked_out_at = serializers.DateTimeField()
    due_back_at = serializers.DateTimeField()


class CameraSerializer(serializers.ModelSerializer):
    model = serializers.StringRelatedField()
    dock = serializers.SlugRelatedField(slug_field="name", read_only=True)
    is_charged = serializers.BooleanField(read_only=True)
    holder = serializers.SerializerMethodField()

    class Meta:
        model = Camera
        fields = [
            "asset_tag",
            "serial_number",
            "model",
            "firmware_version",
            "purchase_batch",
            "purchased_on",
            "pool",
            "status",
            "dock",
            "dock_bay",
            "last_docked_at",
            "last_full_charge_at",
            "battery_percent",
            "last_inspected_at",
            "last_returned_at",
            "is_charged",
            "holder",
        ]
        read_only_fields = fields

    def get_holder(self, camera: Camera) -> dict | None:
        open_checkouts = getattr(camera, "open_checkouts", [])
        return HolderSerializer(open_checkouts[0]).data if open_checkouts else None


class OfficerSerializer(serializers.ModelSerializer):
    unit = serializers.StringRelatedField()
    shift = serializers.StringRelatedField()
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Officer
        fields = ["badge_number", "first_name", "last_name", "display_name", "rank", "unit", "shift", "is_active"]
        read_only_fields = fields


class CheckoutSerializer(serializers.ModelSerializer):
    camera = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)
    officer = serializers.SlugRelatedField(slug_field="badge_number", read_only=True)

    class Meta:
        model = Checkout
        fields = [
            "id",
            "camera",
            "officer",
            "checked_out_at",
            "due_back_at",
            "checked_in_at",
            "condition",
            "damage_description",
        ]
        read_only_fields = fields


class FlagSerializer(serializers.ModelSerializer):
    camera = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)

    class Meta:
        model = Flag
        fields = ["id", "camera", "kind", "detail", "raised_at", "resolved_at", "resolution", "acknowledged_at"]
        read_only_fields = fields


class CheckOutInput(serializers.Serializer):
    camera = serializers.CharField(help_text="Asset tag, e.g. HPD-BWC-0412.")
    officer = serializers.CharField(help_text="Badge number.")


class CheckInInput(serializers.Serializer):
    condition = serializers.ChoiceField(
        choices=[Checkout.Condition.WORKING, Checkout.Condition.DAMAGED], default=Checkout.Condition.WORKING
    )
    damage_description = serializers.CharField(required=False, allow_blank=True, default="")


class ChargeEventInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChargeEvent.Kind.choices)
    dock = serializers.SlugRelatedField(slug_field="name", queryset=Dock.objects.all(), required=False, allow_null=True)
    bay = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    battery_percent = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)


class ChargeEventSerializer(serializers.ModelSerializer):
    camera = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)
    dock = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = ChargeEvent
        fields = ["id", "camera", "kind", "dock", "bay", "battery_percent", "recorded_at"]
        read_only_fields = fields
