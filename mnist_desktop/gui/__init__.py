"""The Qt side (PySide6, pyqtgraph, superqt). Imports core, never the reverse."""
