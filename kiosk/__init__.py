"""The officer self-service kiosk: its own app because it has its own devices, session and security."""
