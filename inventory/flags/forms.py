"""Forms of the flag page's actions (assign to a staff user, add a note) and of the notification choices."""

from __future__ import annotations

from django import forms

from ..models import FLAG_SEVERITY, Flag, FlagSeverity
from . import preferences
from .services import NOTE_MAX_LENGTH, staff_who_can_take_flags


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.username


class AssignFlagForm(forms.Form):
    assignee = StaffChoiceField(
        label="Assign to", queryset=staff_who_can_take_flags(), required=False, empty_label="Nobody"
    )


class FlagNoteForm(forms.Form):
    text = forms.CharField(label="New note", max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class NotificationChoicesForm(forms.Form):
    """One choice per kind of flag: immediately, in the shift digest, never."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        order = sorted(Flag.Kind.choices, key=lambda choice: (-FLAG_SEVERITY[choice[0]], choice[1]))
        for kind, label in order:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=preferences.Delivery.choices,
                widget=forms.RadioSelect,
                help_text=FlagSeverity(FLAG_SEVERITY[kind]).label,
            )
