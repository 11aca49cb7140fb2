"""Excluded samples: the controller (exclude/restore, clear all) and the Excluded dock."""
