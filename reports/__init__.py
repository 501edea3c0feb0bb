"""Reports for supervisors and command staff: its own app because it only reads, across every other app."""
