"""The package's import directions (docs/architecture.md): core, then the wings monitoring,
scenarios and report, each with layers; no circles, own imports at the top of each file."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from afspraken_analysis.paths import PACKAGE_DIR

PACKAGE = "afspraken_analysis"

# Lowest first: a module may import from its own layer or a lower one, never a higher one.
WINGS = {
    "monitoring": [["tables"], ["readers"], ["cells"], ["rules"], ["load"], ["templates"], ["cli"]],
    "scenarios": [
        ["vocabulary", "messages"],
        ["config", "model"],
        ["resolve"],
        ["projection"],
        ["solver", "corporations"],
        ["pipeline"],
        ["widgets"],
        ["cli"],
    ],
    "report": [
        [
            "blocks",
            "params",
            "pdftags",
            "pdflayout",
            "pdf",
            "reproducible",
            "alttext",
            "figurefiles",
            "kernelfork",
        ],
        ["content", "outlook", "plots", "account", "deck"],
        ["pipeline"],
        ["slides", "notebooks", "web"],
        ["manifest", "outputs", "computed"],
        ["build"],
        ["cli"],
    ],
}
WING_ORDER = list(WINGS)  # monitoring < scenarios < report


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
        name = ".".join(p for p in parts if p != "__init__")
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, ast.stmt, bool]]:
    """(imported module within the package, node, at top level) for each import statement."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                if not (node.module or "").startswith(PACKAGE):
                    continue
                module = node.module.removeprefix(PACKAGE).lstrip(".")
            named = [f"{module}.{a.name}".strip(".") for a in node.names]
            targets = [t for t in named if t in MODULES] or [module]
        elif isinstance(node, ast.Import):
            targets = [
                a.name.removeprefix(PACKAGE).lstrip(".")
                for a in node.names
                if a.name.startswith(PACKAGE)
            ]
        else:
            continue
        top = _is_top(tree, node)
        found += [(t, node, top) for t in targets if t in MODULES and t != name]
    return found


def _is_top(tree: ast.Module, node: ast.stmt) -> bool:
    for stmt in tree.body:
        if stmt is node:
            return True
        if isinstance(stmt, ast.If | ast.Try) and any(n is node for n in ast.walk(stmt)):
            return not isinstance(stmt, ast.Try)
    return False


def _place(name: str) -> tuple[int, int]:
    """(wing rank, layer) of a module: the core is (-1, 0); a wing's __init__ is above its layers."""
    wing, _, module = name.partition(".")
    if wing not in WINGS:
        return (-1, 0)
    if not module:
        return (WING_ORDER.index(wing), len(WINGS[wing]))
    for layer, names in enumerate(WINGS[wing]):
        if module in names:
            return (WING_ORDER.index(wing), layer)
    raise AssertionError(
        f"{name} is in no layer of WINGS: add it there and to docs/architecture.md"
    )


def test_every_wing_module_has_a_layer():
    for name in MODULES:
        _place(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_down_only(name):
    here = _place(name)
    for target, node, _ in _imports(name, MODULES[name]):
        there = _place(target)
        same_wing = here[0] == there[0] and here[0] >= 0
        both_core = here[0] == there[0] == -1
        allowed = both_core or there[0] < here[0] or (same_wing and there[1] <= here[1])
        assert allowed, f"{name} (line {node.lineno}) imports {target}, which stands above it"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_own_imports_at_the_top(name):
    late = [
        f"line {node.lineno}: {target}"
        for target, node, top in _imports(name, MODULES[name])
        if not top
    ]
    assert not late, f"{name} imports the package's own modules inside functions: {late}"


def test_no_import_circle():
    edges = {
        name: {t for t, _, _ in _imports(name, path) if not name.startswith(f"{t}.")}
        for name, path in MODULES.items()
    }
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in edges[node]:
            if state.get(nxt) == 1:
                raise AssertionError("import circle: " + " -> ".join(stack + [node, nxt]))
            if nxt not in state:
                visit(nxt, stack + [node])
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [])


def test_no_module_over_700_lines():
    long = {n: len(p.read_text().splitlines()) for n, p in MODULES.items()}
    assert not {n: c for n, c in long.items() if c > 700}


def test_the_command_line_starts_without_the_libraries():
    """`import afspraken_analysis.cli` (every `afspraken` command) and the report wing's package
    import no pandas, pandera or matplotlib: the packages' names are imported when first used
    (lazyimport), so `afspraken report` can start its kernels' imports before its own."""
    code = (
        "import sys, afspraken_analysis.cli, afspraken_analysis.report; "
        "print(sorted({'pandas', 'pandera', 'matplotlib'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_packages_names_are_their_modules_own():
    import afspraken_analysis as aa
    from afspraken_analysis import data, report

    for name in aa.__all__:
        assert getattr(aa, name) is getattr(data, name)
    for name in report.__all__:
        module = importlib.import_module(f"afspraken_analysis.report.{report._NAMES[name]}")
        assert getattr(report, name) is getattr(module, name)
    assert aa.caveats is importlib.import_module("afspraken_analysis.caveats")  # a submodule
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        aa.no_such_name  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        report.no_such_name  # noqa: B018
