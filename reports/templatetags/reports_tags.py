"""Links that keep the report's current filters: exports and pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context, table_name: str, export_format: str) -> str:
    query = context["request"].GET.copy()
    for key in list(query):
        if key.endswith("page") or key.endswith("sort"):
            query.pop(key)
    query["_export"] = export_format
    query["_table"] = table_name
    return f"?{query.urlencode()}"
