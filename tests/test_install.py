"""The embedded sample is found from an installed wheel, run from another folder."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_into_fresh_venv_and_finds_sample(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(wheels), str(REPO)], check=True, capture_output=True)
    wheel = next(wheels.glob("mnist_desktop-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # install the wheel offline (pip of this environment, targeting the new venv) ...
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(site), str(wheel)], check=True, capture_output=True)
    # ... and borrow numpy & co. from this environment, appended after the venv's own packages
    # (a plain path line: the editable install's .pth of this environment is not processed)
    (site / "zz_borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run(
        [str(py), "-c", "import mnist_desktop, sys; from mnist_desktop.cli import main; "
                        "print(mnist_desktop.__file__); sys.exit(main(['info', '--json']))"],
        cwd=elsewhere, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    where, _, report = out.stdout.partition("\n")
    assert Path(where).is_relative_to(site), where
    data = json.loads(report)
    assert data["splits"]["test"]["count"] == 10000
    assert Path(data["splits"]["test"]["files"][0]["path"]).is_relative_to(site)
