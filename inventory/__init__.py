"""Cameras and their physical life: models, docks and charging, maintenance, flags."""
