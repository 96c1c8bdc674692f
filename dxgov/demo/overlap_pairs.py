"""The labelled pairs that measure the overlap detector (`dxgov generate overlap-pairs`).

Built from the demo's programme tasks (`programme_catalogue`) and the seed documents' tasks
(`directives`: Resolution 155/NQ-CP, the Committee's second session, Directive 34/CT-TTg),
and labelled by rule (`programme_catalogue.label_of`), not by the detector: the file was
written before the detector was tuned, and the detector never chooses which pairs go in.

Which pairs: every overlap and every complementary pair of the demo's tasks (different
agencies); a sample of the hardest negatives — two agencies each doing their own part in the
same words (a local duty) —; a sample of near-misses, tasks of the same category about
different work ("cơ sở dữ liệu đất đai" and "cơ sở dữ liệu hộ tịch"); a sample of seed tasks
against programme tasks; a sample of any other pairs. Each pair is put in the `tune` half
(where the threshold and weights are chosen) or the `test` half (where the figures reported
in docs/benchmarks.md are measured) by a hash of its texts.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from itertools import combinations
from pathlib import Path

from dxgov.demo import programme_catalogue as catalogue
from dxgov.demo.directives import _CT34_FIXED, BREAKTHROUGH, RESOLUTION_155, SESSION2_CONCLUSIONS
from dxgov.orgunits.agencies import department_code

SEED = 34
DEFAULT_PATH = Path(__file__).resolve().parent.parent / "programmes" / "data" / "overlap_pairs.json"
SAMPLES = {"local": 110, "near_miss": 110, "seed": 50, "other": 50}


@dataclass(frozen=True)
class Item:
    text: str
    agency: str
    national: bool
    category: str
    de06: str
    indicator: str
    topic: str
    role: str
    source: str  # "programme" | "seed"


def _lead(spec: catalogue.ProgrammeSpec, task: catalogue.TaskSpec) -> str:
    if spec.kind == "province" and task.lead:
        return department_code(spec.owner.removeprefix("UBND-T"), task.lead)
    return spec.owner


def programme_items() -> list[Item]:
    items = []
    for spec in catalogue.PROGRAMMES:
        for task in spec.tasks:
            topic = catalogue.TOPICS[task.topic]
            goal = spec.goals[task.goal].indicator if task.goal is not None else ""
            items.append(
                Item(
                    catalogue.task_text(task, spec.kind),
                    _lead(spec, task),
                    spec.kind == "ministry",
                    topic.category,
                    topic.de06,
                    goal,
                    task.topic,
                    task.role,
                    "programme",
                )
            )
    return items


def seed_items() -> list[Item]:
    tasks = [
        *((RESOLUTION_155.number, t) for t in RESOLUTION_155.tasks),
        *((SESSION2_CONCLUSIONS.number, t) for t in SESSION2_CONCLUSIONS.tasks),
        *(("34/CT-TTg", t) for t in _CT34_FIXED),
    ]
    items = [
        Item(
            task.content,
            task.lead,
            not task.lead.startswith("UBND"),
            "regulation",
            "",
            "",
            f"seed:{number}:{index}",
            catalogue.LOCAL,
            "seed",
        )
        for index, (number, task) in enumerate(tasks)
    ]
    items.append(
        Item(
            BREAKTHROUGH,
            "UBND-T25",
            False,
            "regulation",
            "",
            "",
            "seed:34/CT-TTg:breakthrough",
            catalogue.LOCAL,
            "seed",
        )
    )
    return items


def _split(a: Item, b: Item) -> str:
    digest = hashlib.sha256("\x1f".join(sorted((a.text, b.text))).encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "test"


def _kind(a: Item, b: Item, label: str) -> str:
    if label != catalogue.NOT_RELATED:
        return label
    if "seed" in (a.source, b.source):
        return "seed"
    if a.topic == b.topic:
        return "local"
    if a.category == b.category:
        return "near_miss"
    return "other"


def _pairs(items: list[Item]) -> Iterator[tuple[Item, Item, str, str, str]]:
    for a, b in combinations(items, 2):
        if a.agency == b.agency:
            continue
        if a.source == b.source == "seed":
            continue  # the seeds' tasks among themselves: one directive's assignments
        label, why = catalogue.label_of((a.topic, a.role), (b.topic, b.role))
        yield a, b, label, why, _kind(a, b, label)


def build() -> list[dict[str, object]]:
    """The labelled pairs, deterministic: all positives and complementaries, samples of the
    rest (SAMPLES)."""
    rng = random.Random(SEED)
    items = programme_items() + seed_items()
    by_kind: dict[str, list[tuple[Item, Item, str, str]]] = {}
    for a, b, label, why, kind in _pairs(items):
        by_kind.setdefault(kind, []).append((a, b, label, why))
    chosen: list[tuple[Item, Item, str, str, str]] = []
    for kind, pairs in sorted(by_kind.items()):
        if kind in SAMPLES and len(pairs) > SAMPLES[kind]:
            pairs = rng.sample(pairs, SAMPLES[kind])
        chosen.extend((a, b, label, why, kind) for a, b, label, why in pairs)
    rows: list[dict[str, object]] = []
    seen: set[tuple[str, str]] = set()
    for a, b, label, why, kind in chosen:
        key = tuple(sorted((f"{a.agency}|{a.text}", f"{b.agency}|{b.text}")))
        if key in seen:
            continue
        seen.add(key)  # type: ignore[arg-type]
        rows.append(
            {
                "a": asdict(a),
                "b": asdict(b),
                "label": label,
                "rule": why,
                "kind": kind,
                "split": _split(a, b),
            }
        )
    return rows


def write(path: Path) -> dict[str, int]:
    rows = build()
    path.write_text(
        json.dumps(
            {
                "about": "Pairs of tasks labelled by rule (dxgov/demo/programme_catalogue.py, "
                "label_of) before the overlap detector was tuned; built by `dxgov generate "
                "overlap-pairs`. Labels: overlap, complementary, not_related.",
                "pairs": rows,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    counts: dict[str, int] = {}
    for row in rows:
        for key in (f"label:{row['label']}", f"kind:{row['kind']}", f"split:{row['split']}"):
            counts[key] = counts.get(key, 0) + 1
    counts["pairs"] = len(rows)
    return counts
