"""QuickSelect writes exactly what Django's Select writes through its templates."""

from __future__ import annotations

import pytest
from django import forms

from hartford_bwc.widgets import QuickSelect

CHOICES = [
    ("", "Any status"),
    ("available", "Available"),
    (3, "Axon Body 3"),
    ("<b>", 'Tom & "Jerry" <script>'),
    ("x", "Late"),
]
GROUPED = [("", "Any"), ("Cameras", [("a", "A"), ("b", "B & C")]), ("Docks", [(7, "Dock 7")]), ("z", "Z")]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []], ids=["flat", "grouped", "empty"])
@pytest.mark.parametrize("value", [None, "", "available", 3, "<b>", "b", "not a choice"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_status"}, {"id": "id_x", "required": True, "disabled": False, "data-note": 'a "b" <c>'}],
    ids=["no-attrs", "id", "flags"],
)
def test_quick_select_renders_what_django_renders(choices, value, attrs):
    django = forms.Select(choices=choices, attrs={"class": "menu"}).render("status", value, attrs=attrs)
    quick = QuickSelect(choices=choices, attrs={"class": "menu"}).render("status", value, attrs=attrs)
    assert quick == django
