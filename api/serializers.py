"""What the API shows of each model, and the input of each action."""

from __future__ import annotations

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assignments.models import Checkout, Officer
from hartford_bwc import control_characters
from inventory.models import Camera, ChargeEvent, Dock, Flag

# No asset tag, badge, dock name or description holds a control character; free text may hold
# line breaks and tabs. (DRF's CharField refuses NUL and lone surrogates; PostgreSQL would store
# the other control characters, invisible in every page and export, so they are refused here.)
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def no_control_characters(value: str) -> None:
    if control_characters.has_any(value) or _SURROGATE.search(value):
        raise serializers.ValidationError("Remove the control characters from this value.")


def no_control_characters_in_text(value: str) -> None:
    if control_characters.has_any_but_whitespace(value) or _SURROGATE.search(value):
        raise serializers.ValidationError("Remove the control characters from this text.")


def max_length_of(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class HolderSerializer(serializers.Serializer):
    badge_number = serializers.CharField(source="officer.badge_number")
    name = serializers.CharField(source="officer.display_name")
    checked_out_at = serializers.DateTimeField()
    due_back_at = serializers.DateTimeField()


class CameraSerializer(serializers.ModelSerializer):
    model = serializers.StringRelatedField()
    dock = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
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

    @extend_schema_field(HolderSerializer(allow_null=True))
    def get_holder(self, camera: Camera) -> dict | None:
        open_checkouts = getattr(camera, "open_checkouts", [])
        return HolderSerializer(open_checkouts[0]).data if open_checkouts else None


class OfficerSerializer(serializers.ModelSerializer):
    unit = serializers.StringRelatedField(allow_null=True)
    shift = serializers.StringRelatedField(allow_null=True)
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


# What a lookup value may be, in the schema too: something besides spaces, and no control character.
_ANY, _EXCEPT_WHITESPACE = control_characters.ANY, control_characters.EXCEPT_WHITESPACE
LOOKUP_PATTERN = rf"^[^{_ANY}]*[^\s{_ANY}][^{_ANY}]*$"
SEARCH_PATTERN = rf"^[^{_ANY}]*$"
TEXT_PATTERN = rf"^[^{_EXCEPT_WHITESPACE}]*$"


def lookup_field(model, field: str, help_text: str, **kwargs) -> serializers.RegexField:
    """A row named by one of its fields; the view looks it up (404 when there is none).

    The view strips the value before the lookup; the schema and this field refuse a blank one.
    """
    return serializers.RegexField(
        LOOKUP_PATTERN,
        max_length=max_length_of(model, field),
        trim_whitespace=False,
        validators=[no_control_characters],
        error_messages={"invalid": "Enter a value with no control characters."},
        help_text=help_text,
        **kwargs,
    )


class CheckOutInput(serializers.Serializer):
    camera = lookup_field(Camera, "asset_tag", "Asset tag, e.g. HPD-BWC-0412.")
    officer = lookup_field(Officer, "badge_number", "Badge number.")


class CheckInInput(serializers.Serializer):
    condition = serializers.ChoiceField(
        choices=[Checkout.Condition.WORKING, Checkout.Condition.DAMAGED], default=Checkout.Condition.WORKING
    )
    damage_description = serializers.RegexField(
        TEXT_PATTERN,
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        validators=[no_control_characters_in_text],
        error_messages={"invalid": "Remove the control characters from this text."},
        help_text="What is wrong; required when the condition is damaged.",
    )


class ChargeEventInput(serializers.ModelSerializer):
    """A dock's report. Bay and battery bounds come from the model fields (inventory.models)."""

    dock = lookup_field(
        Dock,
        "name",
        "The dock's name; required for `docked` and whenever a bay is given (else 409).",
        required=False,
        allow_null=True,
    )

    class Meta:
        model = ChargeEvent
        fields = ["kind", "dock", "bay", "battery_percent"]
        extra_kwargs = {"bay": {"help_text": "The bay number within the dock."}}


class ChargeEventSerializer(serializers.ModelSerializer):
    camera = serializers.SlugRelatedField(slug_field="asset_tag", read_only=True)
    dock = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)

    class Meta:
        model = ChargeEvent
        fields = ["id", "camera", "kind", "dock", "bay", "battery_percent", "recorded_at"]
        read_only_fields = fields
