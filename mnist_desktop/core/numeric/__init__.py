"""Numeric parts shared by quality, map and evaluate: PCA and exact k-NN in blocks
(``neighbours``), deskewing by image moments (``deskew``). Numpy only, no feature imports."""
