"""requirements.lock pins, with hashes, a version of everything pyproject.toml asks for."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def locked(text: str) -> dict[str, dict]:
    """Return {name: {"version": v, "hashes": n}} from a hashed requirements file."""
    pins: dict[str, dict] = {}
    current = None
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            pins[current] = {"version": match.group(2), "hashes": 0}
        elif current and line.strip().startswith("--hash=sha256:"):
            pins[current]["hashes"] += 1
    return pins


def wanted() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    return [Requirement(r) for r in [*project["dependencies"], *extras.get("test", [])]]


def unsatisfied(requirements: list[Requirement], pins: dict[str, dict]) -> list[str]:
    """Return a reason for every requirement the pins do not satisfy."""
    problems = []
    for requirement in requirements:
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirement.name}: not in the lock")
        elif not requirement.specifier.contains(pin["version"], prereleases=True):
            problems.append(f"{requirement.name}: locked {pin['version']}, wants {requirement}")
    return problems


def test_lock_satisfies_every_requirement_of_pyproject():
    pins = locked((ROOT / "requirements.lock").read_text())
    # Run `make lock` after changing pyproject.toml, and commit the lock on its own.
    assert unsatisfied(wanted(), pins) == []


def test_every_locked_package_has_a_hash():
    pins = locked((ROOT / "requirements.lock").read_text())
    assert pins, "requirements.lock pins nothing"
    assert [name for name, pin in pins.items() if pin["hashes"] == 0] == []


@pytest.mark.parametrize(
    "lock, requirement, problem",
    [
        # the pinned version falls outside the range asked for
        ("flask==2.3.0 \\\n    --hash=sha256:ab\n", "flask>=3.1,<4", "locked 2.3.0"),
        # a new dependency nobody locked yet
        ("flask==3.1.0 \\\n    --hash=sha256:ab\n", "pyroaring>=1", "not in the lock"),
        # names compare as pip compares them (case, dashes and underscores)
        ("whoosh-reloaded==2.7.4 \\\n    --hash=sha256:ab\n", "Whoosh_Reloaded==2.7.5", "2.7.4"),
    ],
)
def test_lock_check_names_what_is_out_of_step(lock, requirement, problem):
    (reason,) = unsatisfied([Requirement(requirement)], locked(lock))
    assert problem in reason


def test_makefile_installs_from_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes" in makefile and "-r requirements.lock" in makefile
    # The project itself is installed without resolving anything else.
    assert "--no-deps" in makefile
