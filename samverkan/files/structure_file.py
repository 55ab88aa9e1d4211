"""Load a region's structure from a hand-maintained TOML file (docs/structure-file.md).

The TOML file is translated into the JSON file's data (``toml``) and checked and
written by the same code: the models, the checker and every object's ``full_clean()``
in one pass, *all* problems reported with their place in the file
(``bodies[4].parent: okänt organ "kcrd" i 2023-2026``). Only a file without problems
is written, in one transaction: a bad file never leaves half a registry behind.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from samverkan.files import limits
from samverkan.files.limits import StructureFileError
from samverkan.files.load import load_toml
from samverkan.files.write import ImportReport

__all__ = ["StructureFileError", "load", "read", "summary"]

# What a load into an empty database made, in the words of the command's last line.
LABELS = {
    "organisation": "organisationer",
    "period": "mandatperioder",
    "body": "organ",
    "seat": "platser",
    "person": "personer",
    "appointment": "uppdrag",
}


def read(path: str | Path) -> dict[str, Any]:
    """The TOML file, within the limits; a syntax error is located by line and column."""
    return limits.read(path, "toml")


def load(data: Mapping[str, Any], actor: Any = None, reason: str = "") -> ImportReport:
    """Check the whole structure, then write it in one transaction, recorded as one
    change set of ``actor``."""
    return load_toml(data, actor=actor, reason=reason)


def summary(report: ImportReport) -> str:
    """``18 organisationer, 3 mandatperioder, 54 organ, 609 platser, …``."""
    return report.created(LABELS)
