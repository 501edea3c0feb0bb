"""The stocktake list tallies only the counts it shows, each in its partial index, on PostgreSQL.

As inventory/tests/test_page_indexes.py: sequential scans priced out, the page's queries EXPLAINed.
Tallying first read every line of every count ever made (a count of the spare pool has a line for
each spare not seen) and joined every dock and vehicle to them: 150 ms at 30,000 cameras after a
hundred counts, 12 ms once the newest 50 were picked first and counted in these indexes.
"""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import requires_postgres
from hartford_bwc.testing import sign_in
from inventory.tests.test_page_indexes import mentions, plans

from .count import craft_count

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db]
LIST = "/inventory/stocktake/"


def _list_plan(client) -> dict:
    craft_count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE stocktake_stocktakeline")
    sign_in(client)
    [plan] = [plan for sql, plan in plans(client.get, LIST) if "stocktake_stocktakeline" in sql]
    return plan


@pytest.mark.parametrize("index", ["stocktake_line_scanned", "stocktake_line_to_resolve"])
def test_the_list_counts_each_tally_in_its_partial_index(client, index):
    assert mentions(_list_plan(client), index)


def test_the_list_picks_the_counts_it_shows_before_tallying_their_lines(client):
    plan = _list_plan(client)
    assert plan["Node Type"] != "Aggregate" and not mentions_node(plan, "Aggregate", below_subplans=False)


def mentions_node(node: dict, kind: str, *, below_subplans: bool) -> bool:
    """Whether a `kind` node is in the main plan (not in a per-row SubPlan unless `below_subplans`)."""
    for child in node.get("Plans", []):
        if not below_subplans and child.get("Parent Relationship") in ("SubPlan", "InitPlan"):
            continue
        if child["Node Type"] == kind or mentions_node(child, kind, below_subplans=below_subplans):
            return True
    return False
