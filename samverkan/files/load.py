"""Checking and writing a structure file: every problem in one pass, or the whole file.

``import_json`` takes a JSON structure file's data (``limits.read``), ``load_toml`` a
TOML file's. Both: the models' problems, the checker's and the writer's dry run
(``full_clean()`` of every object) are gathered into one list; any problem rolls the
whole write back and raises ``StructureFileError`` with all of them, in file order.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from samverkan.files import check
from samverkan.files.limits import StructureFileError
from samverkan.files.write import ImportReport, StructureWriter


class _RollBack(Exception):
    """Raised inside the transaction to undo a dry run or a file with problems."""


def write_plan(plan: check.Plan, problems: list[str], dry_run: bool = False) -> ImportReport:
    """Check the plan, write it (rolled back on any problem or in a dry run)."""
    problems = problems + check.check(plan)
    report = ImportReport(dry_run=dry_run)
    writer = StructureWriter(plan, report)
    try:
        with transaction.atomic():
            writer.write()
            if problems or writer.problems or dry_run:
                raise _RollBack
    except _RollBack:
        pass
    problems += check.unheard(writer.problems, problems)
    problems = check.in_file_order(problems)
    if problems:
        raise StructureFileError(problems)
    return report


def import_json(data: Mapping[str, Any], dry_run: bool = False) -> ImportReport:
    plan, problems = check.plan_json(data)
    return write_plan(plan, problems, dry_run)


def load_toml(data: Mapping[str, Any]) -> ImportReport:
    from samverkan.files import toml

    plan, problems = toml.plan(data)
    return write_plan(plan, problems)
