"""Export: stream processed rows into npz, npy, IDX, CSV, PNG, hf parquet or wds tars, with a manifest.

``exporter`` checks the target, streams the pipeline's chunks, swaps the
result in atomically and writes the manifest; ``writers`` knows each array
and file format, ``shards`` the sharded ones (hf, wds); PNG files are
encoded by :mod:`..draw.png`.
"""

from .estimate import Estimate, check_space, estimate
from .exporter import FORMATS, MANIFEST, ExportResult, check_target, export, manifest_path

__all__ = ["FORMATS", "MANIFEST", "ExportResult", "Estimate", "check_space", "check_target", "estimate", "export",
           "manifest_path"]
