"""Forms of the flag page's actions: assign to a staff user, add a note."""

from __future__ import annotations

from django import forms

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
