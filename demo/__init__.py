"""The Hartford demo fleet generator: its own app because production never needs it."""
