"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint records how long the chain was (event count, last id) and where it ended (head hash),
signed with AUDIT_HMAC_KEY. Deleting the newest events leaves a shorter chain that is intact in
itself; only a record kept elsewhere shows it. Each checkpoint is one JSON line appended to
AUDIT_CHECKPOINT_DIR/<database name>.jsonl: production points that directory at storage the
database's users cannot rewrite (append-only or write-once, or a file a syslog forwarder ships).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, Max
from django.utils import timezone

from .models import AuditEvent, audit_key

CHECKPOINT_VERSION = 1


@dataclass(frozen=True)
class Checkpoint:
    count: int
    last_id: int | None
    head_hash: str
    at: str
    database: str
    v: int = CHECKPOINT_VERSION
    signature: str = ""

    def _signed_bytes(self) -> bytes:
        fields = {k: v for k, v in asdict(self).items() if k != "signature"}
        # A prefix keeps a checkpoint's signature from ever equalling an event's hash.
        return b"bwc-audit-checkpoint\x00" + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def sign(self) -> Checkpoint:
        signature = hmac.new(audit_key(), self._signed_bytes(), hashlib.sha256).hexdigest()
        return Checkpoint(**{**asdict(self), "signature": signature})

    @property
    def signature_valid(self) -> bool:
        expected = hmac.new(audit_key(), self._signed_bytes(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.signature)


def database_name(using: str = DEFAULT_DB_ALIAS) -> str:
    """The database's name as a file name (a SQLite path becomes its stem)."""
    name = str(connections[using].settings_dict["NAME"])
    if connections[using].vendor == "sqlite":
        name = Path(name).stem if "memory" not in name else "sqlite-memory"
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "default"


def checkpoint_path(using: str = DEFAULT_DB_ALIAS) -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / f"{database_name(using)}.jsonl"


def current_state(using: str = DEFAULT_DB_ALIAS) -> Checkpoint:
    """The chain as committed now, unsigned. Count and last id come from one statement (one snapshot);
    appends are serialized by the chain lock and ids rise with the chain, so a committed prefix is seen."""
    totals = AuditEvent.objects.using(using).aggregate(count=Count("id"), last_id=Max("id"))
    head = ""
    if totals["last_id"] is not None:
        head = AuditEvent.objects.using(using).filter(id=totals["last_id"]).values_list("hash", flat=True).get()
    return Checkpoint(
        count=totals["count"],
        last_id=totals["last_id"],
        head_hash=head,
        at=timezone.now().isoformat(),
        database=database_name(using),
    )


def write_checkpoint(using: str = DEFAULT_DB_ALIAS) -> Checkpoint:
    """Append a signed checkpoint of the chain. Call it after the writing transaction commits: inside
    one, the checkpoint could name events that are then rolled back."""
    checkpoint = current_state(using).sign()
    path = checkpoint_path(using)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(checkpoint), sort_keys=True, separators=(",", ":")) + "\n"
    # O_APPEND: concurrent writers (two sweeps, a manual --checkpoint) never overwrite each other's line.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return checkpoint


class CheckpointUnreadable(Exception):
    pass


def latest_checkpoint(using: str = DEFAULT_DB_ALIAS) -> Checkpoint | None:
    """The last checkpoint in the file, or None when there is none yet."""
    path = checkpoint_path(using)
    if not path.exists():
        return None
    last = ""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                last = line
    if not last:
        return None
    try:
        return Checkpoint(**json.loads(last))
    except (ValueError, TypeError) as error:
        raise CheckpointUnreadable(f"The latest checkpoint in {path} cannot be read: {error}") from error
