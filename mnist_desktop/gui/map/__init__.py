"""The map of the whole dataset: its dock, scatter plot and controller."""
