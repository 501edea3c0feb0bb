"""The reports' reads: every figure is aggregated in the database; Python only arranges the results."""
