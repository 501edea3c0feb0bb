"""The camera import takes supplier, purchase_price and warranty_ends_on (issue 14, item 21)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from accounts import roles
from hartford_bwc.factories import CameraModelFactory, UserFactory
from imports.models import ImportUpload
from inventory.models import Camera

from .test_views_imports import _confirm, _text, _upload


@pytest.fixture
def qm_client(client, db):
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    return client


@pytest.fixture
def reference(db):
    CameraModelFactory(maker="Axon", name="Body 4")


HEADER = "asset_tag,serial_number,maker,model,supplier,purchase_price,warranty_ends_on"


def test_cost_columns_are_imported(qm_client, reference):
    content = "\n".join(
        [
            HEADER,
            "HPD-BWC-0900,NEW-1,Axon,Body 4,Axon Enterprise,749.00,2029-06-30",
            'HPD-BWC-0901,NEW-2,Axon,Body 4,,"$1,049.5",06/30/2029',
            "HPD-BWC-0902,NEW-3,Axon,Body 4,,,",
        ]
    )
    upload = ImportUpload.objects.get(pk=_upload(qm_client, "cameras", content)["Location"].split("/")[2])
    assert "3 created" in _text(_confirm(qm_client, upload))
    first, second, third = Camera.objects.filter(serial_number__startswith="NEW-").order_by("serial_number")
    assert (first.supplier, first.purchase_price, first.warranty_ends_on) == (
        "Axon Enterprise",
        Decimal("749.00"),
        date(2029, 6, 30),
    )
    assert (second.purchase_price, second.warranty_ends_on) == (Decimal("1049.50"), date(2029, 6, 30))
    assert (third.supplier, third.purchase_price, third.warranty_ends_on) == ("", None, None)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (",-5,", "line 2, column purchase_price : '-5' is not an amount in dollars"),
        (",12.345,", "line 2, column purchase_price : '12.345' is not an amount in dollars"),
        (",NaN,", "line 2, column purchase_price : 'NaN' is not an amount in dollars"),
        (",100000000,", "line 2, column purchase_price : '100000000' is not an amount in dollars"),
        (",,30/06/2029", "line 2, column warranty_ends_on : '30/06/2029' is not a date"),
        ("x" * 81 + ",,", "line 2, column supplier"),
        (",1e3,", "line 2, column purchase_price : '1e3' is not an amount in dollars"),
    ],
)
def test_bad_cost_cells_are_refused_by_line_and_column(qm_client, reference, cells, message):
    response = _upload(qm_client, "cameras", f"{HEADER}\nHPD-BWC-0900,NEW-1,Axon,Body 4,{cells}\n")
    page = qm_client.get(response["Location"])
    assert message in _text(page).replace("&#x27;", "'")
    assert not Camera.objects.filter(serial_number="NEW-1").exists()
