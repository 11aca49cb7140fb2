"""View models for the grid, free of Qt: browsing (filter, sort, paging,
selection), the mosaic of a page, and the label strips and class colours."""
