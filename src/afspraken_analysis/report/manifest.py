"""Facts about a build's inputs (files, git commit, fictitious data, data date, title page facts,
the deck's template), its manifest.json (the same for the same inputs) and timings.json (the step
times of this run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from afspraken_analysis import __version__, labels
from afspraken_analysis.data import period_in_force, targets_in_force
from afspraken_analysis.document import sha256
from afspraken_analysis.paths import (
    DATA_DIR,
    DECK_TEMPLATE,
    LABELS_FILE,
    ROOT,
    SCENARIOS_FILE,
    agreements_dir,
)

from . import content, params
from .notebooks import KERNEL_NAME, TIMINGS, Step
from .pdf import STYLESHEET

FICTITIOUS_WORDS = ("fictie", "fictitious")
MANIFEST = "manifest.json"


@dataclass
class BuildInfo:
    """What a build needs to know beyond the parameters; ends up in manifest.json."""

    params: dict
    notebooks: list[str]
    fictitious: bool = False
    # the deck's template: `--slide-template FILE.pptx`, else the one the project ships
    slide_template: Path = DECK_TEMPLATE


def slide_template(p: params.Params) -> Path:
    """The template the deck is built on: the one given (`--slide-template`) or the shipped one."""
    return Path(p.slide_template) if p.slide_template else DECK_TEMPLATE


def input_files(p: params.Params, sources: list[Path], params_file: Path | None) -> list[Path]:
    """Every file a build reads: curated data, raw sources, labels, stylesheet, the deck's
    template, notebooks, scenarios, monitoring data, the parameter file."""
    files = sorted(DATA_DIR.glob("*.csv")) + sorted(
        f for f in (DATA_DIR / "raw").rglob("*") if f.is_file()
    )
    files += sorted(f for f in agreements_dir().rglob("*") if f.is_file())
    files += [LABELS_FILE, STYLESHEET, slide_template(p), *sources]
    if SCENARIOS_FILE.exists():
        files.append(SCENARIOS_FILE)
    if p.monitoring is not None:
        files += sorted(f for f in p.monitoring.rglob("*") if f.is_file())
    if params_file:
        files.append(Path(params_file).resolve())
    return list(dict.fromkeys(files))


def git_commit() -> dict:
    """The commit the code is at, and whether the work tree differs (read-only git calls)."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def inputs_are_fictitious(p: params.Params) -> bool:
    """Example data: the shipped example directory, or monitoring rows whose source says so."""
    if p.monitoring is None:
        return False
    if p.is_example:
        return True
    for path in sorted(p.monitoring.rglob("*")):
        if path.suffix.lower() in (".csv", ".yml", ".yaml", ".txt", ".md") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace").lower()
            if any(word in text for word in FICTITIOUS_WORDS):
                return True
    return False


def _fmt_date(iso: str, lang: str) -> str:
    year, month, day = (int(x) for x in iso.split("-"))
    months = labels.t("report.months", lang).split()
    return (
        f"{day} {months[month - 1]} {year}" if lang == "nl" else f"{day} {months[month - 1]} {year}"
    )


def data_basis(p: params.Params, lang: str) -> list[str]:
    """One line per data source the report rests on (title page)."""
    basis = [labels.t("report.basis.document", lang), labels.t("report.basis.cbs", lang)]
    if note := content.agreement_note(p):
        basis.insert(0, note)
    if p.monitoring is None:
        basis.append(labels.t("report.basis.no_monitoring", lang))
    else:
        basis.append(
            labels.t("report.basis.monitoring", lang, directory=params.relative(p.monitoring))
        )
    if SCENARIOS_FILE.exists():
        basis.append(labels.t("report.basis.scenarios", lang, scenario=p.scenario))
    basis.append(woondeal_text(p, "report.basis.woondeal"))
    return basis


def woondeal_text(p, key: str) -> str:
    """A sentence on the Woondeal period the report counts (its start year is a parameter)."""
    targets = targets_in_force(p.year).set_index("target_id")
    homes, social = targets.loc["woondeal_homes"], targets.loc["woondeal_social_homes"]
    return labels.t(
        key,
        p.lang,
        total=labels.fmt_number(homes["value_low"], p.lang),
        social=labels.fmt_number(social["value_low"], p.lang),
        start=p.woondeal_start_year,
        end=int(social["end_year"]),
    )


def data_date(p: params.Params) -> str:
    """The most recent reference date of the data: monitoring year end, else the CBS date."""
    if p.monitoring is not None:
        return f"{p.year}-12-31" if p.year else "2024-01-01"
    return "2024-01-01"


def title_meta(p: params.Params, fictitious: bool) -> dict:
    lang = p.lang
    facts = [
        (labels.t("report.fact.year", lang), str(p.year)),
        (labels.t("report.fact.data_date", lang), _fmt_date(data_date(p), lang)),
        (labels.t("report.fact.scenario", lang), p.scenario),
        (
            labels.t("report.fact.corporation", lang),
            p.corporation or labels.t("report.all_corporations", lang),
        ),
        (labels.t("report.fact.version", lang), __version__),
    ]
    return {
        "year": p.year,
        "data_date": data_date(p),  # also the date in the PDF and the deck (reproducible.epoch)
        "facts": facts,
        "basis": data_basis(p, lang),
        "fictitious": fictitious,
    }


def write_manifest(build: Path, info: BuildInfo, files: list[Path], kernel: str) -> None:
    def shown(path: Path) -> str:
        return params.relative(path)

    manifest = {
        "report": "afspraken report",
        "package_version": __version__,
        "git": git_commit(),
        "python": sys.version.split()[0],
        "kernel": {"name": KERNEL_NAME, "executable": shown(Path(kernel))},
        "parameters": info.params,
        # the agreement in force in the report year; null after the last loaded agreement
        "agreement_period": period_in_force(info.params["year"]),
        "fictitious_data": info.fictitious,
        "notebooks": info.notebooks,
        # also among the inputs; here to say which input it is
        "slide_template": {
            "path": shown(info.slide_template),
            "sha256": sha256(info.slide_template),
        },
        "inputs": [{"path": shown(f), "sha256": sha256(f)} for f in files],
        "outputs": sorted(
            [
                *(
                    str(f.relative_to(build))
                    for f in build.rglob("*")
                    if f.is_file() and f.name not in (MANIFEST, TIMINGS)
                ),
                TIMINGS,  # written after the manifest
            ]
        ),
    }
    _write_json(build / MANIFEST, manifest)


def write_timings(build: Path, steps: list[Step], total: float) -> None:
    """timings.json: the one output that differs between two runs of the same inputs.

    `total`: the wall-clock time so far; steps overlap (notebooks on two kernels, the web edition
    and the deck beside the PDF), so it is not their sum.
    """
    timings = {"steps": [asdict(s) for s in steps], "total_seconds": round(total, 3)}
    _write_json(build / TIMINGS, timings)


def _write_json(path: Path, value: dict) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
