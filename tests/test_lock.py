"""CI and `make practice` install the pinned versions of requirements.lock: every
dependency pyproject.toml names is pinned there, inside its range."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement

from tests.support import REPO


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line)
        if match:
            pins[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return pins


def test_every_dependency_is_pinned_inside_its_range():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    pins = _pins()
    wrong = []
    for line in wanted:
        requirement = Requirement(line)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        if name not in pins:
            wrong.append(f"{name} is not in requirements.lock (run `make lock`)")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            wrong.append(f"{name}=={pins[name]} is outside {requirement.specifier}")
    assert not wrong, wrong


def test_the_floors_keep_known_vulnerable_versions_out():
    """aiohttp serves the webhook: the request-smuggling fixes are the floor."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    floors = {Requirement(d).name: Requirement(d).specifier for d in project["dependencies"]}
    assert not floors["aiohttp"].contains("3.12.13")
    assert floors["aiohttp"].contains("3.12.14")
    assert not floors["pillow"].contains("10.2.0")
