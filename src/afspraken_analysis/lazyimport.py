"""A package's names and modules imported when first asked for (PEP 562), so that a command
imports only what it uses: `afspraken report` starts its kernels' imports before its own
(cli.py, report/kernelfork.py)."""

from __future__ import annotations

import importlib


def attributes(package: str, names: dict[str, str]):
    """The `__getattr__` and `__dir__` of `package`: a name of `names` (name → the module,
    relative to the package, that defines it) or a submodule, imported on first use and kept;
    the names listed with the rest (tab completion)."""
    namespace = vars(importlib.import_module(package))

    def __getattr__(name: str):
        if name.startswith("_"):  # dunder probes (IPython's _repr_html_ and the like)
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if name in names:
            value = getattr(importlib.import_module(f".{names[name]}", package), name)
        else:
            try:
                value = importlib.import_module(f".{name}", package)
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise
                raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *names})

    return __getattr__, __dir__
