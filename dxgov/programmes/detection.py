"""The overlap detector over the database: which tasks it reads, what it keeps.

Called by `actions.detect_overlaps` (a full run: `dxgov programmes overlaps`, the overlaps
page's button, the demo) and `actions.submit_programme` (the newly submitted programme's tasks
against every task, incrementally), inside their transactions; the computation itself is the
pure `overlap` module.

- **Documents** (`OverlapDocument`): every task of a programme that was submitted (also
  returned or approved: drafts are their authors' own), and every directive task that no
  programme task became (not cancelled). A task's words are segmented once and kept with a
  digest of its text; a changed text is segmented again.
- **Index** (the latest full run's `OverlapRun.index`): the fitted vocabularies and the
  documents' vectors and facts, as one uncompressed npz blob (no pickle). An incremental run
  loads it, vectorises with its vocabulary the documents added since, replaces the
  programme's documents and compares only them with everything: words new since the full
  run count for nothing until the next one.
- **Clusters and pairs** (`OverlapCluster`, `OverlapPair`): the full run's clustering,
  replaced whole; an incremental run only detaches the programme's former documents and
  attaches its new ones to their neighbours' clusters (`_attach`). Each pair is kept with
  its score, text score, structural signals and shared terms. The reviewers' labels
  (`OverlapLabel`) are keyed by the two tasks and outlive any run.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Q
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from dxgov.directives.models import Task, TaskStatus
from dxgov.orgunits.models import AgencyKind
from dxgov.programmes import overlap, segment
from dxgov.programmes.models import (
    DocumentKind,
    OverlapCluster,
    OverlapDocument,
    OverlapPair,
    OverlapRun,
    Programme,
    ProgrammeStatus,
    ProgrammeTask,
)

IN_CORPUS = (ProgrammeStatus.SUBMITTED, ProgrammeStatus.RETURNED, ProgrammeStatus.APPROVED)
NATIONAL_KINDS = (AgencyKind.MINISTRY, AgencyKind.GOVERNMENT)
BATCH = 2000


@dataclass(frozen=True)
class Wanted:
    kind: str
    ref: int
    text: str
    agency_id: int
    national: bool
    group: str
    category: str
    de06: str
    indicator: str
    programme_id: int | None

    @property
    def digest(self) -> str:
        return hashlib.blake2b(self.text.encode(), digest_size=16).hexdigest()


def _programme_tasks(programmes: Iterable[int] | None = None) -> Iterator[Wanted]:
    qs = ProgrammeTask.objects.filter(
        programme__status__in=IN_CORPUS, lead_agency__isnull=False
    ).values_list(
        "pk",
        "content",
        "lead_agency_id",
        "programme__owner__kind",
        "programme_id",
        "category",
        "de06",
        "goal__indicator__code",
    )
    if programmes is not None:
        qs = qs.filter(programme_id__in=list(programmes))
    for pk, content, agency, owner_kind, programme, category, de06, indicator in qs.iterator(
        chunk_size=BATCH
    ):
        yield Wanted(
            DocumentKind.PROGRAMME_TASK,
            pk,
            content,
            agency,
            owner_kind in NATIONAL_KINDS,
            f"p{programme}",
            category,
            de06,
            indicator or "",
            programme,
        )


def _directive_tasks() -> Iterator[Wanted]:
    qs = (
        Task.objects.exclude(status=TaskStatus.CANCELLED)
        .filter(programme_task__isnull=True)
        .values_list("pk", "content", "lead_agency_id", "lead_agency__kind", "directive_id")
    )
    for pk, content, agency, kind, directive in qs.iterator(chunk_size=BATCH):
        yield Wanted(
            DocumentKind.DIRECTIVE_TASK,
            pk,
            content,
            agency,
            kind in NATIONAL_KINDS,
            f"d{directive}",
            "",
            "",
            "",
            None,
        )


def sync(wanted: Iterable[Wanted], *, prune: Q | None = None, among: Q | None = None) -> int:
    """Store the documents wanted, segmenting only new or changed texts; with `prune`,
    delete the documents it matches that are no longer wanted. `among` narrows the stored
    documents compared (one programme's, for an incremental run). Returns how many were
    segmented."""
    rows = OverlapDocument.objects.all() if among is None else OverlapDocument.objects.filter(among)
    stored = {
        (kind, ref): (pk, digest)
        for pk, kind, ref, digest in rows.values_list("pk", "kind", "ref", "digest")
    }
    seen: set[tuple[str, int]] = set()
    new: list[OverlapDocument] = []
    changed: list[OverlapDocument] = []
    for item in wanted:
        key = (item.kind, item.ref)
        seen.add(key)
        known = stored.get(key)
        row = OverlapDocument(
            kind=item.kind,
            ref=item.ref,
            digest=item.digest,
            words="",
            agency_id=item.agency_id,
            national=item.national,
            group=item.group,
            category=item.category,
            de06=item.de06,
            indicator=item.indicator,
            programme_id=item.programme_id,
        )
        if known is None:
            row.words = segment.segment(item.text)
            new.append(row)
        else:
            row.pk = known[0]
            if known[1] != item.digest:
                row.words = segment.segment(item.text)
            changed.append(row)
    OverlapDocument.objects.bulk_create(new, batch_size=BATCH)
    fields = ["agency", "national", "group", "category", "de06", "indicator", "programme"]
    resegmented = [row for row in changed if row.words]
    OverlapDocument.objects.bulk_update(
        [row for row in changed if not row.words], fields, batch_size=BATCH
    )
    OverlapDocument.objects.bulk_update(resegmented, [*fields, "words", "digest"], batch_size=BATCH)
    if prune is not None:
        gone = [pk for key, (pk, _d) in stored.items() if key not in seen]
        for start in range(0, len(gone), BATCH):
            OverlapDocument.objects.filter(prune, pk__in=gone[start : start + BATCH]).delete()
    return len(new) + len(resegmented)


def _docs(rows: Iterable[OverlapDocument]) -> tuple[list[int], list[overlap.Doc]]:
    ids, docs = [], []
    for row in rows:
        ids.append(row.pk)
        docs.append(
            overlap.Doc(
                key=row.key,
                words=row.words,
                agency=str(row.agency_id),
                national=row.national,
                group=row.group,
                programme=row.kind == DocumentKind.PROGRAMME_TASK,
                category=row.category,
                de06=row.de06,
                indicator=row.indicator,
            )
        )
    return ids, docs


# --- the index blob -------------------------------------------------------------------------

_DOC_FIELDS = ("key", "words", "agency", "group", "category", "de06", "indicator", "role")


# Texts are kept as one UTF-8 run with this separator (segmented words never hold it): a
# numpy string array is as wide as its longest text, four bytes a character, for every row.
_SEPARATOR = "\x1f"


def _joined(values: list[str]) -> np.ndarray:
    return np.frombuffer(_SEPARATOR.join(values).encode(), dtype=np.uint8)


def _split(array: np.ndarray, count: int) -> list[str]:
    return array.tobytes().decode().split(_SEPARATOR) if count else []


def pack(model: overlap.Model, ids: list[int]) -> bytes:
    matrix = model.matrix.tocsr()
    arrays = {
        "words_vocab": np.asarray(model.words.get_feature_names_out(), dtype=str),
        "words_idf": model.words.idf_,
        "grams_vocab": np.asarray(model.grams.get_feature_names_out(), dtype=str),
        "grams_idf": model.grams.idf_,
        "data": matrix.data,
        "indices": matrix.indices,
        "indptr": matrix.indptr,
        "shape": np.asarray(matrix.shape),
        "ids": np.asarray(ids, dtype=np.int64),
        "national": np.asarray([d.national for d in model.docs], dtype=bool),
        "programme": np.asarray([d.programme for d in model.docs], dtype=bool),
        "settings": np.asarray([model.settings.word_weight]),
    }
    for name in _DOC_FIELDS:
        arrays[f"doc_{name}"] = _joined([getattr(d, name) for d in model.docs])
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # uncompressed: read back in a fraction of a second
    return buffer.getvalue()


def _vectorizer(analyzer: object, vocab: np.ndarray, idf: np.ndarray) -> TfidfVectorizer:
    vectorizer = TfidfVectorizer(
        analyzer=analyzer,
        sublinear_tf=True,
        dtype=np.float32,
        vocabulary={term: i for i, term in enumerate(vocab.tolist())},
    )
    vectorizer.fit([""])
    vectorizer.idf_ = idf
    return vectorizer


def unpack(blob: bytes) -> tuple[overlap.Model, list[int]]:
    data = np.load(io.BytesIO(blob), allow_pickle=False)
    settings = overlap.Settings(word_weight=float(data["settings"][0]))
    model = overlap.Model(
        _vectorizer(overlap._words, data["words_vocab"], data["words_idf"]),
        _vectorizer(overlap._ngrams, data["grams_vocab"], data["grams_idf"]),
        settings,
    )
    model.matrix = sparse.csr_matrix(
        (data["data"], data["indices"], data["indptr"]), shape=tuple(data["shape"])
    )
    national, programme = data["national"].tolist(), data["programme"].tolist()
    columns = {name: _split(data[f"doc_{name}"], len(national)) for name in _DOC_FIELDS}
    model.docs = [
        overlap.Doc(
            key=columns["key"][k],
            words=columns["words"][k],
            agency=columns["agency"][k],
            national=national[k],
            group=columns["group"][k],
            programme=programme[k],
            category=columns["category"][k],
            de06=columns["de06"][k],
            indicator=columns["indicator"][k],
            role=columns["role"][k],
        )
        for k in range(len(national))
    ]
    return model, data["ids"].tolist()


# --- runs -------------------------------------------------------------------------------------


def _texts(n: int, found: overlap.Found, clusters: list[overlap.Cluster]) -> np.ndarray:
    """The text similarity of each cluster's (centre, member) pairs, in order, looked up in
    the pairs found by sorted keys: millions of pairs, never a Python dict of them."""
    keys = found.i.astype(np.int64) * n + found.j.astype(np.int64)
    order = np.argsort(keys)
    wanted = np.fromiter(
        (min(c.centre, m) * n + max(c.centre, m) for c in clusters for m, _value in c.members),
        dtype=np.int64,
    )
    text: np.ndarray = found.text[order[np.searchsorted(keys[order], wanted)]]
    return text


def _store(ids: list[int], model: overlap.Model, found: overlap.Found) -> int:
    """Replace the clusters and their pairs; returns how many clusters."""
    OverlapPair.objects.all().delete()
    OverlapCluster.objects.all().delete()
    docs = model.docs
    found_clusters = overlap.clusters(docs, found)
    if not found_clusters:
        return 0
    idf = model.idf()
    created = OverlapCluster.objects.bulk_create(
        [OverlapCluster(centre_id=ids[c.centre], size=c.size, top=c.top) for c in found_clusters],
        batch_size=BATCH,
    )
    texts = iter(_texts(len(docs), found, found_clusters).tolist())
    rows = []
    for cluster, made in zip(found_clusters, created, strict=True):
        centre = docs[cluster.centre]
        for member, value in cluster.members:
            text = next(texts)
            _s, signals = overlap.score(text, centre, docs[member], model.settings)
            terms = overlap.shared_terms(centre.words, docs[member].words, idf)
            rows.append(
                (made.pk, ids[cluster.centre], ids[member], value, text, *_json(signals, terms))
            )
    _insert_pairs(rows)
    return len(created)


def _json(*values: Iterable[str]) -> list[str]:
    return [json.dumps(list(value), ensure_ascii=False) for value in values]


def _insert_pairs(rows: list[tuple[Any, ...]]) -> None:
    """The clusters' pairs as plain rows (JSON as text): COPY on PostgreSQL, one executemany
    elsewhere. Tens of thousands of model instances cost more than the insert itself."""
    table = OverlapPair._meta.db_table
    names = "cluster_id, a_id, b_id, score, text_score, signals, shared_terms"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
            rows,
        )


def _keep_index(run: OverlapRun, blob: bytes) -> None:
    OverlapRun.objects.exclude(pk=run.pk).exclude(index=None).update(index=None)
    run.index = blob
    run.save(update_fields=["index"])


def run_full(settings: overlap.Settings = overlap.DEFAULT) -> OverlapRun:
    """Every document, fitted afresh, compared, clustered and stored."""
    started = time.monotonic()
    sync(
        [*_programme_tasks(), *_directive_tasks()],
        prune=Q(kind__in=[DocumentKind.PROGRAMME_TASK, DocumentKind.DIRECTIVE_TASK]),
    )
    ids, docs = _docs(OverlapDocument.objects.order_by("pk").iterator(chunk_size=BATCH))
    model = overlap.fit(docs, settings)
    found = overlap.detect(model) if docs else overlap.similar(model, [], settings)
    clusters = _store(ids, model, found)
    run = OverlapRun.objects.create(
        seconds=time.monotonic() - started,
        documents=len(docs),
        pairs=len(found.i),
        clusters=clusters,
        threshold=settings.threshold,
    )
    _keep_index(run, pack(model, ids))
    return run


def run_for(programme: Programme) -> OverlapRun | None:
    """The programme's tasks against every task, incrementally; None when no full run has
    made an index yet (the first full run will include them).

    The index is the full run's, left as it is: the documents added since (other
    programmes submitted) are vectorised with its vocabulary on the way, this programme's
    documents replace their former versions, and only the clusters they touch are changed
    (`_attach`): the rest stay as the full run left them until the next one."""
    started = time.monotonic()
    latest = OverlapRun.objects.exclude(index=None).only("pk", "index").first()
    before = set(OverlapDocument.objects.filter(programme=programme).values_list("pk", flat=True))
    mine = Q(programme=programme) | Q(
        kind=DocumentKind.PROGRAMME_TASK,
        ref__in=ProgrammeTask.objects.filter(programme=programme).values("pk"),
    )
    sync(_programme_tasks([programme.pk]), prune=Q(programme=programme), among=mine)
    if latest is None or latest.index is None:
        return None
    model, ids = unpack(bytes(latest.index))
    rows = list(
        OverlapDocument.objects.filter(programme=programme, kind=DocumentKind.PROGRAMME_TASK)
    )
    stale = before | {row.pk for row in rows}
    model, ids = _without(model, ids, np.asarray([pk not in stale for pk in ids], dtype=bool))
    since = OverlapDocument.objects.filter(pk__gt=max(ids, default=0)).exclude(pk__in=stale)
    added_ids, added = _docs(since.order_by("pk"))
    if added:
        model.add(added)
        ids.extend(added_ids)
    new_ids, new_docs = _docs(rows)
    start = len(model.docs)
    model.add(new_docs)
    ids.extend(new_ids)
    found = overlap.similar(model, range(start, start + len(new_docs)))
    _detach(stale)
    _attach(model, ids, found, set(range(start, start + len(new_docs))))
    return OverlapRun.objects.create(
        seconds=time.monotonic() - started,
        documents=len(new_docs),
        pairs=len(found.i),
        clusters=OverlapCluster.objects.count(),
        threshold=model.settings.threshold,
        incremental=True,
    )


def _without(
    model: overlap.Model, ids: list[int], keep: np.ndarray
) -> tuple[overlap.Model, list[int]]:
    """The index without the documents `keep` excludes."""
    if keep.all():
        return model, list(ids)
    model.matrix = model.matrix[np.flatnonzero(keep)]
    model.docs = [doc for doc, kept in zip(model.docs, keep, strict=True) if kept]
    return model, [pk for pk, kept in zip(ids, keep, strict=True) if kept]


def _detach(documents: set[int]) -> None:
    """Forget the clusters' pairs naming these documents; a cluster they were the centre
    of goes (its members wait for the next full run, unless the new pairs take them)."""
    OverlapCluster.objects.filter(centre_id__in=documents).delete()
    naming = OverlapPair.objects.filter(Q(a_id__in=documents) | Q(b_id__in=documents))
    clusters = set(naming.values_list("cluster_id", flat=True))
    naming.delete()
    OverlapCluster.objects.filter(pk__in=clusters, pairs__isnull=True).delete()


def _pair(
    model: overlap.Model,
    ids: list[int],
    cluster: OverlapCluster,
    centre: int,
    member: int,
    idf: dict[str, float],
) -> OverlapPair | None:
    """The member's pair with the centre, if it reaches the threshold."""
    docs = model.docs
    row = model.matrix[member]
    text = float(min(1.0, (model.matrix[centre] @ row.T).toarray()[0, 0]))
    value, signals = overlap.score(text, docs[centre], docs[member], model.settings)
    if value < model.settings.threshold or not overlap.may_pair(docs[centre], docs[member]):
        return None
    return OverlapPair(
        cluster=cluster,
        a_id=ids[centre],
        b_id=ids[member],
        score=value,
        text_score=text,
        signals=list(signals),
        shared_terms=overlap.shared_terms(docs[centre].words, docs[member].words, idf),
    )


def _attach(model: overlap.Model, ids: list[int], found: overlap.Found, new: set[int]) -> None:
    """Put each new document with its neighbours' cluster (paired with that cluster's
    centre), or start a cluster around it and its neighbours not yet in one."""
    position = {pk: index for index, pk in enumerate(ids)}
    neighbours: dict[int, list[tuple[float, int]]] = {}
    for i, j, value in zip(found.i.tolist(), found.j.tolist(), found.score.tolist(), strict=True):
        for a, b in ((i, j), (j, i)):
            if a in new:
                neighbours.setdefault(a, []).append((value, b))
    if not neighbours:
        return
    # Only the clusters the neighbours are in are read: a few rows, not every cluster.
    near_ids = {ids[b] for found_near in neighbours.values() for _v, b in found_near}
    near_ids |= {ids[a] for a in neighbours}
    # In slices: a popular platform's neighbours can pass SQLite's limit of bound values.
    listed = sorted(near_ids)
    slices = [listed[start : start + BATCH * 5] for start in range(0, len(listed), BATCH * 5)]
    centre_of = {
        c.centre_id: c for part in slices for c in OverlapCluster.objects.filter(centre_id__in=part)
    }
    # (document, cluster) as tuples: thousands of pairs, and their clusters a few rows.
    member_ids = {
        doc: cluster
        for part in slices
        for doc, cluster in OverlapPair.objects.filter(b_id__in=part).values_list(
            "b_id", "cluster_id"
        )
    }
    cluster_by_id = OverlapCluster.objects.in_bulk(set(member_ids.values()))
    member_of: dict[int, OverlapCluster] = {
        doc: cluster_by_id[cluster] for doc, cluster in member_ids.items()
    }
    idf = model.idf()
    touched: set[int] = set()
    for doc in sorted(neighbours):
        near = sorted(neighbours[doc], reverse=True)
        pk = ids[doc]
        if pk in member_of or pk in centre_of:
            continue
        placed = False
        for _value, other in near:
            joined = centre_of.get(ids[other]) or member_of.get(ids[other])
            if joined is None:
                continue
            made = _pair(model, ids, joined, position[joined.centre_id], doc, idf)
            if made is not None:
                made.save()
                member_of[pk] = joined
                touched.add(joined.pk)
                placed = True
                break
        if placed:
            continue
        free = [
            other
            for _v, other in near
            if ids[other] not in member_of and ids[other] not in centre_of
        ]
        group = [doc, *free]
        centre = min(group, key=lambda k: (not model.docs[k].national, k != doc, k))
        cluster = OverlapCluster.objects.create(centre_id=ids[centre], size=1, top=0)
        centre_of[ids[centre]] = cluster
        for member in group:
            if member == centre:
                continue
            paired = _pair(model, ids, cluster, centre, member, idf)
            if paired is not None:
                paired.save()
                member_of[ids[member]] = cluster
        touched.add(cluster.pk)
    for cluster in OverlapCluster.objects.filter(pk__in=touched):
        scores = list(cluster.pairs.values_list("score", flat=True))
        if not scores:
            cluster.delete()
            continue
        cluster.size = 1 + len(scores)
        cluster.top = max(scores)
        cluster.save(update_fields=["size", "top"])
