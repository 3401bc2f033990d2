"""The built wheel ships the built-in routines: a non-editable install into a fresh venv,
run from outside the repository, lists them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import backtimer

REPO = Path(backtimer.__file__).resolve().parent.parent


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, f"{cmd}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result.stdout


@pytest.mark.slow
def test_wheel_installs_and_lists_the_builtin_routines(tmp_path: Path) -> None:
    if not (REPO / "pyproject.toml").is_file():
        pytest.skip("not running from a source checkout (no pyproject.toml next to backtimer/)")
    builtin = sorted(p.stem for p in (REPO / "routines").glob("*.toml"))
    assert builtin, "routines/ has no .toml files"

    # 1. build the wheel (pip's PEP 517 build; hatchling comes from the registry)
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w", str(dist)],
         cwd=tmp_path)  # fmt: skip
    wheels = list(dist.glob("backtimer-*.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as wheel:  # `backtimer serve` needs its page
        assert "backtimer/web/templates/index.html" in wheel.namelist()

    # 2. a throwaway venv that cannot see the repository or the dev venv
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheels[0])], cwd=tmp_path)

    # 3. run it from elsewhere, with an empty config dir
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env.update(
        BACKTIMER_CONFIG_DIR=str(tmp_path / "config"),
        BACKTIMER_DATA_DIR=str(tmp_path / "data"),
        COLUMNS="100",
    )
    exe = shutil.which("backtimer", path=str(bin_dir))
    assert exe is not None, "the wheel installed no backtimer console script"
    out = _run([exe, "list"], cwd=outside, env=env)
    listed = [line.split()[0] for line in out.splitlines()[1:] if line.strip()]
    for rid in builtin:
        assert rid in listed, f"{rid} missing from `backtimer list`:\n{out}"
    assert str(REPO) not in _run([exe, "list", "--json"], cwd=outside, env=env)
