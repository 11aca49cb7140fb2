"""The README's Python examples run, and print what the README shows (so they cannot drift).

The blocks of the "From Python / Jupyter" section are taken from README.md
itself: a block of ``>>>`` lines is run as a doctest (its shown output must
match), any other block is run as a script. They run in a temporary folder,
so files an example saves (``suspects.png``) land there.
"""

from __future__ import annotations

import doctest
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "From Python / Jupyter"


def section(text: str, title: str) -> tuple[str, int]:
    """The text of the ``## title`` section and the line it starts on."""
    start = text.index(f"\n## {title}\n") + 1
    end = text.find("\n## ", start)
    return text[start:end if end >= 0 else len(text)], text[:start].count("\n") + 1


def python_blocks(title: str = SECTION) -> list[tuple[int, str]]:
    """(README line number, code) of each ```python block of a section."""
    body, first_line = section(README.read_text(encoding="utf-8"), title)
    return [(first_line + body[:m.start()].count("\n") + 1, m.group(1))
            for m in re.finditer(r"```python\n(.*?)```", body, re.S)]


def needs(code: str) -> list[str]:
    """Third-party modules an example imports that may be missing here (torch for the DataLoader example)."""
    return [m for m in ("torch",) if re.search(rf"^\s*(from|import) {m}\b", code, re.M)]


def test_the_section_has_examples_with_shown_output():
    blocks = python_blocks()
    assert len(blocks) >= 2 and any(">>> " in code for _, code in blocks)


@pytest.mark.slow  # the quality check of the 10,000 sample images: 10-40 s
@pytest.mark.parametrize("line, code", python_blocks(), ids=lambda v: f"README.md:{v}" if isinstance(v, int) else "")
def test_readme_example_runs_as_shown(line, code, tmp_path, monkeypatch):
    for module in needs(code):
        pytest.importorskip(module)
    monkeypatch.chdir(tmp_path)
    if ">>> " not in code:
        exec(compile(code, f"README.md:{line}", "exec"), {"__name__": "readme_example"})
        return
    test = doctest.DocTestParser().get_doctest(code, {"__name__": "readme_example"}, f"README.md:{line}",
                                               str(README), line)
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    result = runner.run(test, out=out.write)
    assert result.failed == 0, f"the README example at line {line} prints something else:\n{out.getvalue()}"
