"""Checking and writing a structure file: every problem in one pass, or the whole file.

``import_json`` takes a JSON structure file's data (``limits.read``), ``load_toml`` a
TOML file's. Both: the models' problems, the checker's and the writer's dry run
(``full_clean()`` of every object) are gathered into one list; any problem rolls the
whole write back and raises ``StructureFileError`` with all of them, in file order.
"""

from collections.abc import Mapping
from typing import Any

from bodies.history import ChangeSet, change_set
from bodies.models import MandatePeriod
from samverkan.files import check
from samverkan.files.limits import StructureFileError
from samverkan.files.write import ImportReport, StructureWriter


class _RollBack(Exception):
    """Raised inside the transaction to undo a dry run or a file with problems."""


def newest_period(slugs: Any) -> MandatePeriod | None:
    """The latest of the periods named, for finding an import's change set from it."""
    return MandatePeriod.objects.filter(slug__in=set(slugs)).order_by("-start").first()


def write_plan(
    plan: check.Plan,
    problems: list[str],
    dry_run: bool = False,
    actor: Any = None,
    reason: str = "",
) -> ImportReport:
    """Check the plan, write it (rolled back on any problem or in a dry run).

    What a real run writes is one change set of ``actor`` (None: the system) with the
    reason, found from the newest period of the file; a run that changes nothing
    leaves no change set.
    """
    problems = problems + check.check(plan)
    report = ImportReport(dry_run=dry_run)
    writer = StructureWriter(plan, report)
    try:
        with change_set(actor, ChangeSet.Kind.STRUCTURE_IMPORT, reason) as change:
            writer.write()
            if problems or writer.problems or dry_run or not report.changed:
                raise _RollBack
            change.period = newest_period(period.slug for period in plan.periods)
            report.change_set = change
    except _RollBack:
        pass
    problems += check.unheard(writer.problems, problems)
    problems = check.in_file_order(problems)
    if problems:
        raise StructureFileError(problems)
    return report


def import_json(
    data: Mapping[str, Any], dry_run: bool = False, actor: Any = None, reason: str = ""
) -> ImportReport:
    plan, problems = check.plan_json(data)
    return write_plan(plan, problems, dry_run, actor, reason)


def load_toml(data: Mapping[str, Any], actor: Any = None, reason: str = "") -> ImportReport:
    from samverkan.files import toml

    plan, problems = toml.plan(data)
    return write_plan(plan, problems, actor=actor, reason=reason)
