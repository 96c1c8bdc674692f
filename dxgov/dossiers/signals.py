"""Hooks run inside an ingestion's transaction, after its dossiers are written.

`after_batch(changes)` calls every registered function with the batch's changed dossiers: a
list of `(old, new)` pairs, `old` None for a new dossier, each a dict of the `Dossier` row's
column values (`ROW_FIELDS` in ingest.py: `id`, `source_id`, `agency_id`, `received_month`,
`procedure_code`, the processing columns, the flags, the JSON lists…). Unchanged and stale
records are not in it. A hook that raises rolls the whole batch back (and the source may
resend it), so scoring's incremental counts never drift from the dossiers.

    from dxgov.dossiers.signals import after_batch
    after_batch.connect(update_counts)   # in the scoring app's AppConfig.ready()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Row = dict[str, Any]
Change = tuple[Row | None, Row]
Receiver = Callable[[list[Change]], None]


class Hook:
    """A plain list of functions, called in the order they were connected."""

    def __init__(self) -> None:
        self.receivers: list[Receiver] = []

    def connect(self, receiver: Receiver) -> Receiver:
        if receiver not in self.receivers:
            self.receivers.append(receiver)
        return receiver

    def disconnect(self, receiver: Receiver) -> None:
        if receiver in self.receivers:
            self.receivers.remove(receiver)

    def __call__(self, changes: list[Change]) -> None:
        if not changes:
            return
        for receiver in list(self.receivers):
            receiver(changes)


after_batch = Hook()
