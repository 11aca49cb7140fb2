"""A 2-D map of every image (UMAP-style, numpy only): see :mod:`.layout` for why no library."""

from .cache import default_cache_dir
from .embed import Frame, embed, iter_embed
from .model import MAP_FORMATS, Map, MapParams

__all__ = ["Map", "MapParams", "MAP_FORMATS", "Frame", "embed", "iter_embed", "default_cache_dir"]
