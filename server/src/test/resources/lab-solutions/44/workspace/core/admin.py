"""The admin of core's models (none yet)."""
