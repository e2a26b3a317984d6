"""Monitor of the Apeldoorn prestatieafspraken 2024-2025 towards 2030.

>>> import afspraken_analysis as aa
>>> aa.load("agreements")
>>> aa.agreements_of("Mooiland", role="initiator")
"""

from typing import TYPE_CHECKING

from .lazyimport import attributes

if TYPE_CHECKING:
    from .data import agreements_of, export, load, load_all, tables

__all__ = ["agreements_of", "export", "load", "load_all", "tables"]
__version__ = "0.1.0"
__getattr__, __dir__ = attributes(__name__, dict.fromkeys(__all__, "data"))  # when first used
