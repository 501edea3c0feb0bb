"""Two bulk moves into the same dock at once never pick the same bay, and a refused one changes nothing.

PostgreSQL only, real threads and connections (assignments/tests/test_concurrency.py's run_at_once).
"""

from __future__ import annotations

import pytest

from audit.actor import Actor
from conftest import requires_postgres
from hartford_bwc.factories import CameraFactory, DockFactory
from hartford_bwc.testing import run_at_once
from inventory import bulk
from inventory.models import Camera, ChargeEvent

pytestmark = [pytest.mark.postgres, requires_postgres(), pytest.mark.django_db(transaction=True)]


def test_two_bulk_moves_into_one_dock_take_turns_and_the_one_that_does_not_fit_changes_nothing():
    dock = DockFactory(name="Dock 001", bays=3)
    first = [CameraFactory(dock=None, dock_bay=None).asset_tag for _ in range(2)]
    second = [CameraFactory(dock=None, dock_bay=None).asset_tag for _ in range(2)]
    move = bulk.ACTIONS["move-to-dock"]

    def job(tags, who):
        return lambda: bulk.run(action=move, tags=tags, data={"dock": dock}, by=Actor.system_process(who))

    outcomes = run_at_once([job(first, "one"), job(second, "two")])

    refused = [o for o in outcomes if isinstance(o, bulk.BulkRefused)]
    done = [o for o in outcomes if isinstance(o, list)]
    assert len(refused) == 1 and len(done) == 1, outcomes  # a deadlock or an IntegrityError shows up here
    assert refused[0].refusals[0][1] == "No free bay left in Dock 001 (3 bays). Choose another dock or fewer cameras."
    bays = list(Camera.objects.filter(dock=dock).values_list("dock_bay", flat=True))
    assert sorted(bays) == [1, 2]
    assert ChargeEvent.objects.count() == 2
