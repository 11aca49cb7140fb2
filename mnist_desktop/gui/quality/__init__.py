"""Suspicious samples: the review controller and its panel."""
