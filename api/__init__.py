"""The REST API (/api/v1/) for docks, integrations and scripts: its own app because it serves machines, not people."""
