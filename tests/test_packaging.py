"""The package works when installed from a wheel, with no checkout beside it."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("vetted-*.whl")
    return built


def test_wheel_contains_templates_static_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "directory/templates/base.html",
        "directory/templates/clinics/detail.html",
        "directory/static/style.css",
        "directory/data/vocabulary-v1.toml",
        "directory/data/demo/places.toml",
        "directory/vetting/checklist-v1.toml",
        "directory/experiences/questions-v1.toml",
        "directory/schemas/clinic-profile.schema.json",
        "directory/static/patients/self-check.js",
        "directory/translations/ar/LC_MESSAGES/messages.mo",
        "index/__init__.py",
    ):
        assert expected in names, expected


def test_installed_wheel_serves_pages(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    script = (
        "import directory, sys;"
        "assert directory.__file__.startswith(sys.argv[1]), directory.__file__;"
        "app = directory.create_app({'TESTING': True});"
        "c = app.test_client();"
        "r = c.get('/'); assert r.status_code == 200, r.status_code;"
        "assert c.get('/static/style.css').status_code == 200;"
        "assert c.get('/nope').status_code == 404;"
        "from directory.demo import generate_profiles; assert len(generate_profiles(3)) == 3;"
        "print('ok')"
    )
    env = {**os.environ, "PYTHONPATH": str(target), "VETTED_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")
