"""README "Feeding a training script": its commands and snippets, run as written (so they cannot drift).

The sh block's exports run first (through the CLI's ``main``) in a fresh
folder; then each python block runs there. A block is skipped when a module
it imports is not installed (torch, keras: not test dependencies), and only then.
"""

from __future__ import annotations

import ast
import gc
import importlib.util
import os
import re
import shlex
import warnings
from pathlib import Path

import pytest

from mnist_desktop.cli import main

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

README = Path(__file__).resolve().parents[2] / "README.md"
TITLE = "## Feeding a training script"


def section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(TITLE)
    end = text.find("\n## ", start + len(TITLE))
    return text[start:end if end >= 0 else None]


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", section(), flags=re.S)


def imported(code: str) -> set[str]:
    """Top-level modules a snippet imports."""
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_section_has_a_snippet_for_each_pipeline():
    found = [imported(code) for code in blocks("python")]
    assert len(found) == 4
    assert "keras" in found[0] and "torch" in found[1] and "datasets" in found[2] and "webdataset" in found[3]
    assert len(blocks("sh")) == 1


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readme")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        for line in blocks("sh")[0].strip().splitlines():
            argv = shlex.split(line)
            assert argv[0] == "mnist-desktop"
            assert main(argv[1:]) == 0, line
    finally:
        os.chdir(cwd)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("k", range(4), ids=["keras", "pytorch", "hf-datasets", "webdataset"])
def test_snippet_runs(exported, k, monkeypatch, tmp_path):
    code = blocks("python")[k]
    missing = sorted(m for m in imported(code) if importlib.util.find_spec(m) is None)
    if missing:
        pytest.skip(f"the snippet needs {', '.join(missing)}, not installed")
    monkeypatch.chdir(exported)
    if importlib.util.find_spec("datasets") is not None:  # its cache goes to tmp_path, not the home folder
        import datasets

        monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf-cache")
    monkeypatch.setenv("KERAS_BACKEND", os.environ.get("KERAS_BACKEND", "torch"))
    with warnings.catch_warnings():  # webdataset 1.0 leaves its shard files to the garbage collector
        warnings.simplefilter("ignore", ResourceWarning)
        namespace: dict = {"__name__": "readme_snippet"}
        exec(compile(code, f"README.md snippet {k + 1}", "exec"), namespace)
        namespace.clear()
        gc.collect()
