"""The evaluation report as a JSON file, written by the output rule (:mod:`..output`).

An existing file is replaced without force only when it is an earlier
report: a JSON object with the report's own keys (accuracy, per_class,
confusion, model, recipe). Shared by ``evaluate --out`` and the GUI's
"Save report".
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..output import json_object, write_output

__all__ = ["REPORT_KEYS", "is_report_file", "save_report"]

#: Keys every report JSON has (``EvaluationReport.to_dict``); a file with all of them is an earlier report.
REPORT_KEYS = frozenset({"accuracy", "per_class", "confusion", "model", "recipe"})


def is_report_file(path: Path) -> bool:
    """Whether ``path`` holds an evaluation report this tool wrote."""
    doc = json_object(Path(path))
    return doc is not None and REPORT_KEYS <= set(doc)


def save_report(data: dict, path: str | os.PathLike[str], *, force: bool = False, inputs: tuple = (),
                force_hint: str = "--force") -> Path:
    """Write the report's JSON form ``data`` to ``path`` (atomic, never over an input); return the path."""
    return write_output(path, (json.dumps(data, indent=1) + "\n").encode("utf-8"), kind="evaluation report",
                        own=is_report_file, inputs=inputs, force=force, force_hint=force_hint)
