"""The statistics panel (class counts, mean images)."""
