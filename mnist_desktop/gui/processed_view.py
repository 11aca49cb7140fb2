"""Whether the grid shows processed images, and the latest preview computed for them.

The recipe feature writes this state (its *Show processed images* action and
its preview worker); the window's drawing reads it. Neither calls into the
other: the state object is the whole conversation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.processing.preview import Preview


@dataclass
class ProcessedView:
    """``on``: processed images are shown; ``last``: the newest preview (any page)."""

    on: bool = False
    last: Preview | None = None

    def page(self, recipe, indices: np.ndarray) -> np.ndarray | None:
        """The processed tiles of ``indices`` if they are shown and computed for ``recipe``, else None."""
        r = self.last
        if not self.on or r is None or not r.shows(recipe, indices):
            return None
        return r.display

    def preview(self) -> Preview | None:
        """The preview to read values from, when processed images are shown."""
        return self.last if self.on else None
