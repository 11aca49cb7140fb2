"""The pure core: stdlib, numpy, requests. Never Qt, never pyqtgraph.

A test imports this package in a subprocess with PySide6 made unimportable.
"""
