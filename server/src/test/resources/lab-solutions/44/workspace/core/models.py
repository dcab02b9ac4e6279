"""core's models (none yet)."""
