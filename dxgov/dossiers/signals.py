"""Hooks run inside an ingestion's transaction, around the write of its dossiers.

A batch that writes dossiers (new ones, or newer versions of stored ones) calls, in order:

* `before_write(write)`: the stored versions the batch replaces (`write.replaced`, their ids)
  are still in the table, as they were before the batch;
* `after_batch(write)`: every dossier the batch wrote (`write.written`, ids) is in the table
  in its new version.

`write` is one `BatchWrite` for both calls, so a receiver can keep what it read before the
write in `write.state` (scoring keeps the old versions' counts there, subtracts them from the
new ones' and updates its cells with the difference). Unchanged and stale records are in
neither list. A hook that raises rolls the whole batch back (and the source may resend it),
so scoring's incremental counts never drift from the dossiers.

    from dxgov.dossiers.signals import after_batch, before_write
    before_write.connect(count_old)      # in the scoring app's AppConfig.ready()
    after_batch.connect(update_counts)

`import_finished(finished)` is called once a file import (`dxgov dossiers import`) has committed
all its batches; a receiver may add lines to `finished.notes` for the command to print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dxgov.core.hooks import Hook


@dataclass
class BatchWrite:
    """What one batch writes (ids of `Dossier` rows)."""

    batch: int  # the Batch's primary key
    replaced: list[int]  # stored dossiers the batch gives a newer version
    months: set[date] = field(default_factory=set)  # of receipt, of every version in either list
    written: list[int] = field(default_factory=list)  # every dossier written, set after the write
    # Those of `written` with petitions (None: not known, e.g. a hook's test).
    petitioned: list[int] | None = None
    state: dict[str, Any] = field(default_factory=dict)  # receivers' own, between the two calls


before_write: Hook[BatchWrite] = Hook()
after_batch: Hook[BatchWrite] = Hook()


@dataclass
class ImportFinished:
    """A file import whose batches are all committed (`dxgov dossiers import`)."""

    source: int  # the SourceSystem's primary key
    totals: dict[str, int]  # the import's summed batch counts
    # Lines receivers report; the command prints them.
    notes: list[str] = field(default_factory=list)


# After an import, outside its batches' transactions: scoring re-scores what the file changed
# now, rather than when a worker takes the batches' tasks.
import_finished: Hook[ImportFinished] = Hook()
