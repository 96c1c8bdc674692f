"""How well the overlap detector finds overlapping work: precision and recall (pure: no ORM).

Two sources of truth:

- the **labelled pairs** (programmes/data/overlap_pairs.json): pairs of the demo's and the
  seeds' tasks labelled by rule before the detector was tuned, split into a `tune` half
  (where the threshold and weights were chosen) and a `test` half (what the figures in
  docs/benchmarks.md are measured on; a test holds them from falling);
- the **reviewers' labels** on the pairs the platform showed (`OverlapLabel`): "overlap",
  "complementary", "not related". They measure the detector on real programmes: precision
  is the share of labelled shown pairs that were overlaps; recall the share of pairs
  labelled overlap that scored at or above the threshold.

A pair is predicted an overlap when its score reaches the threshold; only "overlap" counts
as positive (complementary work is not waste).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dxgov.programmes import overlap, segment

PAIRS_FILE = Path(__file__).resolve().parent / "data" / "overlap_pairs.json"
OVERLAP = "overlap"


@dataclass(frozen=True)
class Figures:
    pairs: int
    positives: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.positives if self.positives else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def figures(scored: Iterable[tuple[float, str]], threshold: float) -> Figures:
    """Precision and recall of `(score, label)` pairs at `threshold`."""
    rows = list(scored)
    tp = sum(1 for s, label in rows if s >= threshold and label == OVERLAP)
    fp = sum(1 for s, label in rows if s >= threshold and label != OVERLAP)
    positives = sum(1 for _s, label in rows if label == OVERLAP)
    return Figures(len(rows), positives, tp, fp, positives - tp)


def load_pairs(path: Path = PAIRS_FILE) -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["pairs"]
    return pairs


def _doc(key: str, side: dict[str, Any]) -> overlap.Doc:
    return overlap.Doc(
        key=key,
        words=segment.segment(side["text"]),
        agency=side["agency"],
        national=bool(side["national"]),
        programme=side["source"] == "programme",
        category=side["category"],
        de06=side["de06"],
        indicator=side["indicator"],
    )


def score_pairs(
    pairs: Sequence[dict[str, Any]], settings: overlap.Settings = overlap.DEFAULT
) -> list[tuple[float, str, str]]:
    """(score, label, split) of each labelled pair: the model is fitted on every text of
    the set (as the platform fits on every task it holds), each pair scored as the
    detector scores it."""
    keys: dict[tuple[str, str], int] = {}
    docs: list[overlap.Doc] = []
    for row in pairs:
        for side in (row["a"], row["b"]):
            ident = (side["agency"], side["text"])
            if ident not in keys:
                keys[ident] = len(docs)
                docs.append(_doc(f"x:{len(docs)}", side))
    model = overlap.fit(docs, settings)
    found = overlap.similar(model, range(len(docs)), settings, keep=0.0)
    by_pair = {
        (int(i), int(j)): float(v) for i, j, v in zip(found.i, found.j, found.score, strict=True)
    }
    scored = []
    for row in pairs:
        i = keys[(row["a"]["agency"], row["a"]["text"])]
        j = keys[(row["b"]["agency"], row["b"]["text"])]
        value = by_pair.get((min(i, j), max(i, j)), 0.0)
        scored.append((value, str(row["label"]), str(row["split"])))
    return scored


def measure(settings: overlap.Settings = overlap.DEFAULT, split: str | None = "test") -> Figures:
    """Precision and recall on the labelled pairs (one half, or all with split=None)."""
    scored = score_pairs(load_pairs(), settings)
    return figures(
        ((s, label) for s, label, half in scored if split is None or half == split),
        settings.threshold,
    )
