"""Download: fetch dataset files from their mirrors and verify every byte.

``downloader`` walks the mirrors and stores verified files atomically;
``http`` holds the per-response checks (status, HTML pages, size, hash) and
the cancel that shuts a stalled connection.
"""

from .downloader import DEFAULT_TIMEOUT, dataset_dir, download

__all__ = ["download", "dataset_dir", "DEFAULT_TIMEOUT"]
