"""Officers, their personal cameras, and check-out/check-in."""
