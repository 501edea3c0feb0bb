"""What the camera and officer forms share: their messages, identifiers, dates and choices of records.

The same forms check the console's add and edit pages and every row of an import, so a message here
reads well both under a field and after "line 12, column asset_tag:". Nothing here queries once per
row: a choice of records reads its (small) table once, or is handed the rows an import already read.
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from . import control_characters

#: The dates a person or a spreadsheet writes; ISO first (an <input type="date"> sends it).
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")

#: An asset tag or a badge number is printed as a barcode, scanned, and is part of its page's address:
#: letters and digits, with - _ . between them. A first character of =, +, - or @ would also make it a
#: spreadsheet formula in every export.
IDENTIFIER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\Z")


def apply_messages(fields: dict[str, forms.Field]) -> None:
    """The house's wording for "missing" and "too long" on each field (a form class's `base_fields`)."""
    for field in fields.values():
        field.error_messages["required"] = f"Missing {str(field.label or '').lower()}."
        field.error_messages["max_length"] = "Too long: %(show_value)d characters, at most %(limit_value)d."


def clean_text(value: str, *, label: str) -> str:
    """Free text (a name, a batch): no control characters other than tab and line breaks.

    The console's middleware already strips them; an import's cells and other callers may hold them.
    """
    if control_characters.has_any_but_whitespace(value or ""):
        raise ValidationError(f"The {label} holds a control character; type it again.", code="control_character")
    return value.strip()


def clean_identifier(value: str, *, label: str) -> str:
    value = (value or "").strip()
    if not IDENTIFIER.match(value):
        shown = control_characters.strip(value)[:40]
        raise ValidationError(
            f"{label.capitalize()} {shown!r} is not one: use letters and digits, with - _ or . between them "
            "(e.g. HPD-BWC-0412).",
            code="bad_identifier",
        )
    return value


class DayField(forms.DateField):
    """A date written as YYYY-MM-DD or MM/DD/YYYY (a spreadsheet's datetime too)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        day = text[:10] if "T" in text else text
        # fromisoformat is 30 times faster than strptime: it matters at 50,000 rows of an import.
        if _ISO_DATE.match(day):
            try:
                return date.fromisoformat(day)
            except ValueError:
                pass
        for fmt in self.input_formats[1:]:
            try:
                return datetime.strptime(day, fmt).date()
            except ValueError:
                continue
        raise ValidationError(
            f"{control_characters.strip(text)[:40]!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-14.",
            code="invalid",
        )


class PastDateField(DayField):
    """A date on or before today (a purchase, a training passed)."""

    def validate(self, value: date | None) -> None:
        super().validate(value)
        # The department's date is a day either side of the server's: ask the clock only near today.
        if value is not None and value >= date.today() - timedelta(days=2) and value > timezone.localdate():
            raise ValidationError(f"{value.isoformat()} is in the future.", code="future")


_AMOUNT = re.compile(r"\d+(\.\d*)?|\.\d+")


class MoneyField(forms.DecimalField):
    """Dollars and cents, zero or more, as a person or a spreadsheet writes them: 749, 749.00, $1,049.50."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = value.replace("$", "").replace(",", "").strip() if isinstance(value, str) else value
        try:
            if isinstance(text, str) and text and not _AMOUNT.fullmatch(text):
                raise ValidationError("not plain dollars and cents")  # 1e3, NaN, Infinity, -5
            return super().clean(text)
        except ValidationError as error:
            shown = control_characters.strip(str(value))[:40]
            raise ValidationError(
                f"{shown!r} is not an amount in dollars; write it like 749.00 (zero or more).", code="invalid"
            ) from error


class RecordChoiceField(forms.ModelChoiceField):
    """A choice of one of a small table's records (a unit, a shift, a camera model), by its key.

    The key is `to_field_name` (a unit's name), matched whatever its case, or the primary key. The
    table is read once per form; an import hands each row's form the records it read for all of them
    (`known`), so a 50,000-row file costs no query per row.
    """

    def __init__(self, queryset, *, unknown: str, **kwargs: Any) -> None:
        # `unknown`: the refusal, with {value} (what was given) and {known} (the choices, listed).
        super().__init__(queryset, **kwargs)
        self.unknown = unknown
        self.known: dict[str, Model] | None = None

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.known = self.known
        return result

    def _key(self, obj: Model) -> str:
        return str(getattr(obj, self.to_field_name or "pk")).lower()

    def _name(self, obj: Model) -> str:
        return str(getattr(obj, self.to_field_name)) if self.to_field_name else str(obj)

    def lookup(self) -> dict[str, Model]:
        if self.known is None:
            self.known = {self._key(obj): obj for obj in self.queryset}
        return self.known

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        if isinstance(value, self.queryset.model):
            value = getattr(value, self.to_field_name or "pk")
        known = self.lookup()
        found = known.get(str(value).strip().lower())
        if found is None:
            names = ", ".join(sorted({self._name(obj) for obj in known.values()})) or "none yet"
            raise ValidationError(
                self.unknown.format(value=control_characters.strip(str(value))[:60], known=names),
                code="invalid_choice",
            )
        return found


class RecordFormMixin:
    """For the ModelForms that check a record's description, typed or a row of an import (thousands a file).

    After the form's fields, ModelForm builds the instance and runs the model's whole `full_clean`: its
    foreign keys' existence (a query each), its constraints (each builds a query: a few milliseconds a
    row) and its unique fields (a query each). Here only the model fields' own validators run (a firmware
    version, a length): a RecordChoiceField's record is one it read, the constraints are about state
    these forms do not hold, and each form checks uniqueness itself, whatever the case, against the
    records it was handed. The database's indexes and constraints stay the last word. These forms are
    never saved: their `values()` go to a service.
    """

    def rebound(self, data: dict[str, Any], *, instance: Model | None = None) -> RecordFormMixin:
        """This form bound to `data` (the row of `instance`, or a new record) with the same fields.

        A form copies every field of its class when it is made, which was a third of an import row's
        time; the rows of one import share one form's fields instead (fields keep no state of a row).
        """
        form = copy.copy(self)
        form.data, form.is_bound = data, True
        form.instance = instance if instance is not None else self.instance
        form._errors, form._bound_fields_cache = None, {}
        form.__dict__.pop("cleaned_data", None)
        return form

    def save(self, commit: bool = True):
        raise NotImplementedError("A record's form is saved through its service, with its audit event: pass values().")

    def _post_clean(self) -> None:
        opts = self._meta.model._meta
        for name, value in list(self.cleaned_data.items()):
            if name not in self._meta.fields:
                continue  # a form's own field (a new device's holder), not one of the record's
            model_field = opts.get_field(name)
            if model_field.is_relation or value in model_field.empty_values:
                continue
            try:
                model_field.run_validators(value)
            except ValidationError as error:
                self.add_error(name, error)
