"""Page sizes read from the address are bounded before a paginator sees them."""

from __future__ import annotations

from django.core.paginator import Paginator

MAX_PAGE_SIZE = 500


class BoundedPaginator(Paginator):
    """A paginator whose page size is 1 to MAX_PAGE_SIZE whatever `?per_page=` said.

    django-tables2's RequestConfig passes `?<prefix>per_page=` straight through: -1 made the page count
    negative, and asking for a page out of range then failed with EmptyPage (a 500) instead of showing
    the last page; a huge size would load every row.
    """

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, bounded_page_size(per_page), *args, **kwargs)


def bounded_page_size(per_page) -> int:
    """A page size read from the address, 1 to MAX_PAGE_SIZE (MAX_PAGE_SIZE when it is no number)."""
    try:
        size = int(per_page)
    except (TypeError, ValueError):
        return MAX_PAGE_SIZE
    return min(max(size, 1), MAX_PAGE_SIZE)


def paginate(per_page: int) -> dict:
    """RequestConfig's `paginate=` for a table with this default page size."""
    return {"per_page": per_page, "paginator_class": BoundedPaginator}
