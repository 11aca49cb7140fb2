"""View models for the grid, free of Qt: browsing (filter, sort, paging, selection), the grid's
layout, and charts (matrices, tables) for reports. Pixels themselves come from :mod:`..draw`."""
