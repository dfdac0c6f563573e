"""The built wheel, installed the way `pip install servicestub` installs it, works
outside the checkout: its scenarios and specs are in it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, installed into a folder of its own."""
    work = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = work.glob("servicestub-*.whl")
    target = work / "site"
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        check=True,
        timeout=300,
    )
    return target


def _run(installed: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command with only the installed wheel on the path (its dependencies
    come from this environment), from a folder outside the checkout."""
    env = {**os.environ, "PYTHONPATH": str(installed), "XDG_CACHE_HOME": str(cwd / "cache")}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.slow
def test_the_installed_wheel_has_its_scenarios_and_specs(installed: Path, tmp_path: Path) -> None:
    where = _run(
        installed,
        sys.executable,
        "-c",
        "import servicestub, servicestub.app as a; a.create_app(); print(servicestub.__file__)",
        cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed)  # not the checkout's sources

    shipped = sorted(path.stem for path in (ROOT / "fixtures").glob("*.yaml"))
    command = str(installed / "bin" / "servicestub")
    listed = _run(installed, command, "scenarios", "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert sorted(line.split()[0] for line in listed.stdout.splitlines()) == shipped

    out = tmp_path / "state.json"
    made = _run(
        installed,
        command,
        "snapshot",
        "--scenario",
        "busy-store",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert made.returncode == 0, made.stderr
    assert out.stat().st_size > 0
