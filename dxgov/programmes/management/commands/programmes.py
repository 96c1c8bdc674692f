"""`dxgov programmes overlaps`: a full run of the overlap detector.

Every submitted, returned or approved programme's tasks and every directive task, fitted
afresh, compared and clustered (`actions.detect_overlaps` as the platform's own run, audited);
the clusters the coordinators see are replaced. A programme submitted since is compared
incrementally when it is submitted; a nightly full run brings the vocabulary up to date.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dxgov.programmes import actions


class Command(BaseCommand):
    help = "Programmes (Directive 34/CT-TTg): run the overlap detector over every task."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("overlaps", help="A full run of the overlap detector (clusters replaced).")

    def handle(self, *args: Any, **options: Any) -> None:
        run = actions.detect_overlaps(acting_user=None)
        self.stdout.write(
            f"{run.documents} tasks compared in {run.seconds:.1f} s: "
            f"{run.pairs} candidate pairs, {run.clusters} clusters"
        )
