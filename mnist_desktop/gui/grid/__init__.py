"""The image grid: one mosaic item per page, its filter panel."""
