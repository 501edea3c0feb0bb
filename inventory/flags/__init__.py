"""Flags: the sweep that raises and resolves them, the digest that tells people, the flags page."""
