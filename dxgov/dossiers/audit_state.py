"""Dossiers in the audit ledger (see audit.state): grouped by the batch that wrote them.

A batch of thousands of rows is one event, not thousands. Each row written keeps its own
digest (`audit_state`) and points to its batch (`batch_id`); the batch's event records the
order-independent sum of the digests it wrote and of those it replaced (read from the replaced
rows' own column), and the batches it replaced rows of. `audit.live` recomputes every row's
digest from its content and the sums from the rows, so a row edited, inserted, deleted or
moved to another batch shows, and the edited one is named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from dxgov.audit import state
from dxgov.dossiers.models import Dossier
from dxgov.dossiers.rows import ROW_FIELDS

STATE_COLUMN = "audit_state"

DOSSIERS = state.Audited(
    Dossier,
    ROW_FIELDS,
    key=("source_id", "code"),
    group=state.Grouped(
        pointer="batch_id",
        column=STATE_COLUMN,
        group_type="dossiers.batch",
        name=_("Dossier batch"),
    ),
    name=_("Dossier"),
)
state.register(DOSSIERS)


@dataclass
class BatchState:
    """What one batch's event records of the rows it wrote and replaced."""

    rows: int = 0
    total: int = 0
    removed_rows: int = 0
    removed: int = 0
    earlier: set[int] = field(default_factory=set)

    def written(self, row: dict[str, Any]) -> None:
        """Stamp a row about to be written with its digest, and count it in."""
        digest = state.row_digest(DOSSIERS, row)
        row[STATE_COLUMN] = digest
        self.rows += 1
        self.total += state.element(digest)

    def replaced(self, batch_id: int, digest: bytes | memoryview | None) -> None:
        """A stored version about to be replaced: its digest leaves the batch that wrote it.
        A version written before states were kept has none; the baseline covers it."""
        if digest is None:
            return
        self.removed_rows += 1
        self.removed += state.element(bytes(digest))
        self.earlier.add(batch_id)

    def as_data(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "sum": state.sum_hex(self.total),
            "removed_rows": self.removed_rows,
            "removed_sum": state.sum_hex(self.removed),
            "from": sorted(self.earlier),
        }
