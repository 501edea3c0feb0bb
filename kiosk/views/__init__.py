"""Kiosk pages: `officer` answers the enrolled device at /kiosk/, `staff` the console pages that manage kiosks."""
