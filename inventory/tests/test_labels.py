"""The printable camera label sheet: QR code and Code 128 as inline SVG, asset tag in text, sheet sizes."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from accounts import roles
from hartford_bwc.factories import CameraFactory, UserFactory
from inventory import labels

URL = "/inventory/labels/"


@pytest.fixture
def qm_client(client, db):
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    return client


def test_sheet_has_text_qr_and_barcode_for_each_chosen_camera_only(qm_client):
    chosen = [CameraFactory(asset_tag=f"HPD-BWC-05{i:02d}") for i in range(3)]
    CameraFactory(asset_tag="HPD-BWC-0599")
    query = "&".join(f"camera={c.asset_tag}" for c in chosen)
    html = qm_client.get(f"{URL}?{query}").content.decode()
    assert html.count('<div class="label asset-label">') == 3
    for camera in chosen:
        assert f'<span class="tag">{camera.asset_tag}</span>' in html
        assert f'<svg class="code128" role="img" aria-label="Code 128 barcode: {camera.asset_tag}"' in html
        assert f'<svg role="img" aria-label="QR code: {camera.asset_tag}"' in html
        assert f"SN {camera.serial_number}" in html
    assert "HPD-BWC-0599" not in html
    # Inline SVG, never an image file or an external URL.
    assert "<img" not in html and "http://" not in html.split("<main", 1)[1].replace("http://www.w3.org", "")


def test_bulk_form_token_and_return_url_are_dropped_from_the_address(qm_client):
    response = qm_client.get(f"{URL}?csrfmiddlewaretoken=secret&next=%2Finventory%2Fcameras%2F&camera=HPD-BWC-0501")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?camera=HPD-BWC-0501"


def test_unknown_asset_tags_are_named_and_skipped(qm_client):
    CameraFactory(asset_tag="HPD-BWC-0501")
    html = qm_client.get(f"{URL}?camera=HPD-BWC-0501&camera=HPD-BWC-9999").content.decode()
    assert "No camera has the asset tag HPD-BWC-9999" in html
    assert html.count('<div class="label asset-label">') == 1


def test_pasted_list_is_split_upper_cased_and_deduplicated(qm_client):
    CameraFactory(asset_tag="HPD-BWC-0501")
    CameraFactory(asset_tag="HPD-BWC-0502")
    response = qm_client.get(URL, {"camera": "hpd-bwc-0501, HPD-BWC-0502\nHPD-BWC-0501"})
    assert response.content.decode().count('<div class="label asset-label">') == 2


@pytest.mark.parametrize("size", labels.ASSET_LABEL_SIZES, ids=lambda s: s.key)
def test_each_label_stock_is_one_sheet_per_page_full(qm_client, size):
    cameras = [CameraFactory() for _ in range(size.per_page + 1)]
    query = "&".join(f"camera={c.asset_tag}" for c in cameras)
    html = qm_client.get(f"{URL}?{query}&size={size.key}").content.decode()
    assert html.count(f'<div class="sheet {size.key}"') == 2
    assert f'<option value="{size.key}" selected>' in html


def test_skip_leaves_used_positions_of_the_first_sheet_blank(qm_client):
    CameraFactory(asset_tag="HPD-BWC-0501")
    html = qm_client.get(f"{URL}?camera=HPD-BWC-0501&size=avery-5160&skip=4").content.decode()
    assert html.count('<div class="label blank"') == 4


def test_empty_sheet_shows_the_form(qm_client):
    html = qm_client.get(URL).content.decode()
    assert '<label for="id_camera">Asset tags</label>' in html
    assert "asset-label" not in html


def test_barcode_fits_the_label_width():
    svg = labels.code128_svg("HPD-BWC-0412", width_mm=38, height_mm=7)
    width = float(re.search(r'width="([\d.]+)mm"', svg)[1])
    assert 30 < width <= 38.5
    assert "<?xml" not in svg and svg.startswith("<svg ")


def test_labels_page_is_styled_for_print(qm_client):
    html = qm_client.get(URL).content.decode()
    assert "/static/css/labels.css" in html
    text = (settings.BASE_DIR / "static" / "css" / "labels.css").read_text()
    for size in labels.ASSET_LABEL_SIZES + labels.BADGE_CARD_SIZES:
        assert f".{size.key} {{" in text, size.key
    assert "@media print" in text and "@page" in text


def test_too_many_labels_at_once_is_refused_with_a_message(qm_client):
    tags = " ".join(f"HPD-BWC-{i:05d}" for i in range(labels.MAX_LABELS + 1))
    html = qm_client.get(URL, {"camera": tags}).content.decode()
    assert f"print at most {labels.MAX_LABELS} at a time" in html
    assert "asset-label" not in html
