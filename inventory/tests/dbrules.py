"""Moved to hartford_bwc.testing; re-exported only for branches still importing it from here."""

from __future__ import annotations

from hartford_bwc.testing import violates

__all__ = ["violates"]
