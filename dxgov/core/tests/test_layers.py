"""The dependency rule, checked by import-linter's contracts in pyproject.toml: apps import only
the layers below them (core, audit, orgunits, accounts, notifications at the bottom; the domain
apps; dashboard and operations; then api, testing, demo and bench), and there is no import
cycle, between apps or between the modules of an app, function-level imports included.

The contracts are checked on the code as it is, and on a copy with one deliberate upward
import and one deliberate cycle, which they must refuse."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports over the `dxgov` package under `root`, with the project's contracts."""
    return subprocess.run(
        [str(LINT), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    """The package's Python files (its shape and imports) under tmp_path."""

    def not_python(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if not (Path(folder, n).is_dir() or n.endswith(".py"))}

    shutil.copytree(ROOT / "dxgov", tmp_path / "dxgov", ignore=not_python)
    return tmp_path


def test_the_code_keeps_the_dependency_rule() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_rule(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    periods = root / "dxgov/reporting/periods.py"
    periods.write_text(periods.read_text() + "\nfrom dxgov.dashboard import feed  # upward\n")
    result = _lint(root)
    assert result.returncode == 1
    assert "Apps depend downwards only BROKEN" in result.stdout
    assert "dxgov.reporting.periods -> dxgov.dashboard.feed" in result.stdout


def test_a_function_level_cycle_breaks_the_rule(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    entry = root / "dxgov/reporting/entry.py"
    entry.write_text(
        entry.read_text() + "\n\ndef _late() -> None:\n    from dxgov.reporting import actions\n"
    )
    result = _lint(root)
    assert result.returncode == 1
    assert "No import cycles between apps or between the modules of an app BROKEN" in (
        result.stdout
    )


# The pure modules docs/architecture.md names ("Layers inside an app"): rules and computation
# with plain values in and out. None of them may reach the ORM, not even through a module it
# imports.
PURE_MODULES = (
    "dxgov.core.calendar",
    "dxgov.core.formats",
    "dxgov.core.periods",
    "dxgov.core.text",
    "dxgov.core.spreadsheets",
    "dxgov.core.uploads",
    "dxgov.orgunits.registry",
    "dxgov.orgunits.agencies",
    "dxgov.audit.chain",
    "dxgov.audit.merkle",
    "dxgov.audit.verify",
    "dxgov.directives.rules",
    "dxgov.directives.summary",
    "dxgov.directives.stats",
    "dxgov.directives.reminders",
    "dxgov.indicators.validation",
    "dxgov.reporting.periods",
    "dxgov.reporting.aggregate",
    "dxgov.reporting.completeness",
    "dxgov.reporting.workflow",
    "dxgov.forecasting.forecast",
    "dxgov.dashboard.warnings",
    "dxgov.dashboard.mapsvg",
    "dxgov.dossiers.schema",
    "dxgov.dossiers.processing",
    "dxgov.dossiers.decoding",
    "dxgov.dossiers.rows",
    "dxgov.scoring.qd766",
    "dxgov.scoring.dvcqg",
    "dxgov.scoring.periods",
    "dxgov.indices.definition",
    "dxgov.indices.normalise",
    "dxgov.indices.aggregate",
    "dxgov.indices.ranking",
    "dxgov.indices.merger",
    "dxgov.indices.matching",
    "dxgov.indices.sensitivity",
    "dxgov.indices.check",
    # Read without the database (`dxgov index check` needs none).
    "dxgov.indices.editions",
    "dxgov.investments.planyear",
    "dxgov.investments.rules",
    "dxgov.investments.figures",
    "dxgov.committees.ballots",
    "dxgov.committees.report",
    "dxgov.committees.signing",
    "dxgov.committees.document",
)


def test_pure_modules_never_reach_the_orm() -> None:
    import grimp

    graph = grimp.build_graph("dxgov", include_external_packages=True, cache_dir=None)
    reaching = {}
    for module in PURE_MODULES:
        for dependency in graph.find_upstream_modules(module) | {module}:
            if not dependency.startswith("dxgov.") or "django" not in (
                graph.find_modules_directly_imported_by(dependency)
            ):
                continue
            lines = graph.get_import_details(importer=dependency, imported="django")
            orm = [d["line_contents"] for d in lines if "django.db" in d["line_contents"]]
            if orm:
                reaching[module] = (dependency, orm[0])
    assert reaching == {}
