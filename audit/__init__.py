"""The append-only, hash-chained audit trail: its own app because every other app writes to it."""
