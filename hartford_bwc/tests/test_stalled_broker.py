"""A broker that accepts connections and never answers holds no request: /healthz, a kiosk check-out
and a console action each answer within 2 s, and request code never talks to the broker at all."""

from __future__ import annotations

import ast
import signal
import socket
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts import roles
from assignments import services as assignments
from assignments.models import Checkout
from hartford_bwc.celery import app as celery_app
from hartford_bwc.factories import CameraFactory, OfficerFactory, UserFactory
from hartford_bwc.testing import PIN, enroll

pytestmark = pytest.mark.django_db
ANSWER_WITHIN_SECONDS = 2.0


class StalledListener:
    """A TCP server that accepts every connection and never sends a byte: a hung Redis."""

    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))  # a free port: parallel runs never collide
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.server.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def stalled_broker(monkeypatch):
    # A serving process has its URLs and views imported already; the first request of a test process
    # imports them all, which is not what a request waits for.
    Client().get("/healthz")
    import kombu.transport.redis  # noqa: F401 - likewise loaded once per process

    listener = StalledListener()
    url = f"redis://127.0.0.1:{listener.port}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setitem(celery_app.conf, "broker_url", url)
    # The transport options the settings give a Redis broker (not the filesystem one the tests run on).
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", dict(settings.BROKER_TIMEOUT_TRANSPORT_OPTIONS))
    # A task sent from a request would now really go to the stalled broker.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    # Connections an earlier test opened (to the tests' filesystem broker) are pooled by the app: start
    # with none, so that publishing connects to the stalled broker; the old pools come back afterwards.
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    yield listener
    listener.close()


def answered_in_time(request):
    """Calls `request()`; an alarm fails the test instead of hanging the suite if it waits on the broker."""

    def hung(signum, frame):
        raise TimeoutError("the request was still waiting on the broker")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, ANSWER_WITHIN_SECONDS + 3)
    started = time.perf_counter()
    try:
        response = request()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    seconds = time.perf_counter() - started
    assert seconds < ANSWER_WITHIN_SECONDS, f"took {seconds:.2f} s"
    return response


def test_the_settings_bound_every_broker_socket_call():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["socket_timeout"] == settings.BROKER_SOCKET_TIMEOUT_SECONDS == 1
    assert options["socket_connect_timeout"] == settings.BROKER_SOCKET_TIMEOUT_SECONDS
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT == settings.BROKER_SOCKET_TIMEOUT_SECONDS
    assert settings.CELERY_REDIS_SOCKET_TIMEOUT == settings.BROKER_SOCKET_TIMEOUT_SECONDS
    assert settings.CELERY_REDIS_SOCKET_CONNECT_TIMEOUT == settings.BROKER_SOCKET_TIMEOUT_SECONDS


def test_healthz_reports_a_stalled_broker_as_down_within_2_seconds(stalled_broker):
    response = answered_in_time(lambda: Client().get("/healthz"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "down"}
    assert stalled_broker.accepted, "the check never reached the listener: it proved nothing"


def test_a_kiosk_check_out_answers_within_2_seconds(stalled_broker, system_actor):
    client = Client()
    enroll(client)
    officer = OfficerFactory(badge_number="5150")
    assignments.set_officer_pin(officer=officer, pin=PIN, by=system_actor)
    camera = CameraFactory(asset_tag="HPD-BWC-0777")
    assert client.post("/kiosk/sign-in/", {"badge": "5150", "pin": PIN}).status_code == 302

    answered_in_time(lambda: client.post("/kiosk/check-out/", {"barcode": camera.asset_tag}))

    assert Checkout.objects.open().get(camera=camera).officer == officer


def test_a_console_action_answers_within_2_seconds(stalled_broker):
    client = Client()
    client.force_login(UserFactory(role=roles.QUARTERMASTER))
    camera = CameraFactory(asset_tag="HPD-BWC-0778")

    response = answered_in_time(
        lambda: client.post(
            f"/inventory/cameras/{camera.asset_tag}/retire/", {"retire-reason": "Cracked housing", "confirm": "yes"}
        )
    )

    assert response.status_code == 302
    camera.refresh_from_db()
    assert camera.status == camera.Status.RETIRED


REQUEST_MODULES = ("views", "forms", "middleware", "selectors", "services", "tables", "filters", "serializers")


def test_work_queued_from_a_request_waits_at_most_the_socket_timeout_and_never_fails(
    stalled_broker, caplog, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from hartford_bwc.enqueue import enqueue_after_commit
    from inventory.tasks import sweep_flags

    def request():
        # The test's own transaction never commits: run the commit hooks as a real commit would.
        with django_capture_on_commit_callbacks(execute=True) as hooks, transaction.atomic():
            enqueue_after_commit(sweep_flags)
        assert len(hooks) == 1
        return "committed"

    with caplog.at_level("WARNING", logger="hartford_bwc.enqueue"):
        assert answered_in_time(request) == "committed"
    assert "Could not queue inventory.sweep_flags" in caplog.text


def test_request_code_sends_no_celery_task():
    # The web process must not wait on the broker: a task is enqueued by beat, by a worker, or from a
    # request only through hartford_bwc.enqueue.enqueue_after_commit (after commit, bounded, never
    # raising), never by a bare .delay()/.apply_async().
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        if not any(part.startswith(REQUEST_MODULES) for part in path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in (
                "delay",
                "apply_async",
                "send_task",
                "delay_on_commit",
            ):
                offenders.append(f"{path.relative_to(root)}:{node.lineno} .{node.attr}")
    assert offenders == []
