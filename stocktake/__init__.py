"""Stocktake: proving the records against the shelf; its own app because a count spans cameras and (later) signal devices."""
