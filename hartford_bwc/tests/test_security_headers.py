"""Security headers: a Content-Security-Policy without inline code, a Permissions-Policy, and no caching of
pages that show a signed-in person's data; the API schema and docs for staff only."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import roles
from hartford_bwc.factories import CameraFactory, UserFactory
from hartford_bwc.testing import enroll

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.fixture
def staff(client):
    # Superuser: the admin's pages too.
    client.force_login(UserFactory(role=roles.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def kiosk_client():
    client = Client()
    enroll(client)
    return client


def console_pages():
    camera = CameraFactory(asset_tag="HPD-BWC-0412")
    return [
        reverse("dashboard"),
        reverse("inventory:camera_list"),
        reverse("inventory:camera_detail", args=[camera.asset_tag]),
        reverse("reports:index"),
        reverse("reports:readiness"),
        reverse("reports:maintenance"),
        reverse("admin:index"),
        reverse("admin:inventory_camera_change", args=[camera.pk]),
        reverse("api_docs"),
    ]


def test_every_console_page_has_a_policy_without_inline_code_and_is_not_cached(staff):
    for path in console_pages():
        response = staff.get(path)
        assert response.status_code == 200, path
        policy = directives(response)
        assert policy["default-src"] == ["'self'"], path
        for kind in ("script-src", "style-src"):
            assert "'unsafe-inline'" not in policy[kind], (path, kind)
            assert "'unsafe-eval'" not in policy[kind], (path, kind)
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], path
        assert "camera=()" in response["Permissions-Policy"], path
        assert "microphone=()" in response["Permissions-Policy"], path
        assert "geolocation=()" in response["Permissions-Policy"], path
        assert "no-store" in response["Cache-Control"], path


def test_a_chart_style_carries_the_nonce_the_policy_names(staff):
    response = staff.get(reverse("reports:maintenance"))

    nonce = re.search(r"'nonce-([^']+)'", directives(response)["style-src"][-1]).group(1)
    html = response.content.decode()
    styles = re.findall(r"<style[^>]*>", html)
    assert styles and all(f'nonce="{nonce}"' in tag for tag in styles)
    # No style attribute anywhere (a nonce cannot allow one), nor inline script.
    assert not re.search(r"<[^>]+\sstyle=", html)
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)


def test_the_api_docs_page_runs_its_inline_code_under_the_nonce(staff):
    response = staff.get(reverse("api_docs"))

    nonce = re.search(r"'nonce-([^']+)'", " ".join(directives(response)["script-src"])).group(1)
    html = response.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html)
    assert inline_scripts and all(f'nonce="{nonce}"' in tag for tag in inline_scripts)


def test_kiosk_pages_are_not_cached_and_have_the_policy(kiosk_client):
    response = kiosk_client.get("/kiosk/")

    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert "camera=()" in response["Permissions-Policy"]


def test_api_answers_are_never_cached_whoever_asks():
    anonymous = APIClient().get("/api/v1/cameras/")
    signed_in = APIClient()
    signed_in.force_authenticate(UserFactory(role=roles.SUPERVISOR))
    answer = signed_in.get("/api/v1/cameras/")

    assert anonymous.status_code in (401, 403) and answer.status_code == 200
    for response in (anonymous, answer):
        assert "no-store" in response["Cache-Control"]
        assert "Content-Security-Policy" in response and "Permissions-Policy" in response


def test_the_public_sign_in_page_has_the_headers_too(client):
    response = client.get("/accounts/login/")

    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_api_schema_and_docs_are_for_signed_in_staff_only(client):
    assert client.get(reverse("schema")).status_code in (401, 403)
    docs = client.get(reverse("api_docs"))
    assert docs.status_code == 302 and docs["Location"].startswith(reverse("login"))

    client.force_login(UserFactory(role=None))
    assert client.get(reverse("schema")).status_code == 403
    assert client.get(reverse("api_docs")).status_code == 403

    client.force_login(UserFactory(role=roles.SUPERVISOR))
    assert client.get(reverse("schema")).status_code == 200
    assert client.get(reverse("api_docs")).status_code == 200
