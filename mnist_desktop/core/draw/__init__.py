"""Pixels without a library, shared by every feature: the PNG codec (``png``), the 5x7 font and
label strips (``glyphs``), colours (``colors``), mosaics (``mosaic``) and the pictures Jupyter
shows for datasets (``pictures``). Imports only numpy and the foundation, never a feature."""
