"""CSV/XLSX imports of cameras (vendor deliveries) and officers (HR roster): its own app because it writes to both."""
