"""Report template helpers: links that keep the current filters, charts with the CSP nonce."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def csp_nonced(chart: str, nonce: str) -> str:
    """`{{ chart|csp_nonced:request.csp_nonce }}`: an inline SVG chart the Content-Security-Policy admits."""
    from reports.charts import with_nonce

    return with_nonce(chart, str(nonce))


@register.simple_tag(takes_context=True)
def export_url(context, table_name: str, export_format: str) -> str:
    query = context["request"].GET.copy()
    for key in list(query):
        if key.endswith("page") or key.endswith("sort"):
            query.pop(key)
    query["_export"] = export_format
    query["_table"] = table_name
    return f"?{query.urlencode()}"
