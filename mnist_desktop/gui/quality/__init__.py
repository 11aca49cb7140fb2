"""Suspicious samples (the CLI calls it `check`; the code `quality`): the controller and its panel."""
