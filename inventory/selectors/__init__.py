"""Reads for the quartermaster console, one module per concern: `states` (the derived camera states),
`dashboard`, `cameras` (the camera list, its search and filter menus) and `camera_page` (one camera).
Import from the module that holds the name; nothing is re-exported here."""
