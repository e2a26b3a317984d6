"""environment.yml (conda users) lists the same dependencies as pyproject.toml (uv users)."""

import re
import tomllib

import yaml

from afspraken_analysis.paths import ROOT


def _requirement(spec: str) -> tuple[str, str]:
    name, version = re.match(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", spec).groups()
    return re.sub(r"[-_.]+", "-", name.lower()), version.replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = dict(map(_requirement, project["project"]["dependencies"]))
    wanted |= dict(map(_requirement, project["dependency-groups"]["dev"]))
    for extra in project["project"]["optional-dependencies"].values():
        wanted |= dict(map(_requirement, extra))

    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    listed = {}
    for item in env["dependencies"]:
        specs = item["pip"] if isinstance(item, dict) else [item]
        for spec in specs:
            name, version = _requirement(spec)
            if name not in ("python", "pip", "-e"):
                listed[name] = version
    assert listed == wanted
