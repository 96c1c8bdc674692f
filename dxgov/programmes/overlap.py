"""Overlapping work across agencies: which tasks describe the same piece of work (pure: no ORM).

Directive 34/CT-TTg asks for "a clear split between what the ministries do and what the
provinces do, to avoid overlap and waste". Given every programme task and directive task as
a `Doc` (its segmented words, `segment.segment`, and a few structural facts), this module

1. **vectorises** the words two ways with scikit-learn's TF-IDF (sublinear term frequency,
   smoothed IDF, rows normalised to length 1): the words themselves (a word is "cơ_sở" or
   "dữ_liệu"), and the syllable bigrams and trigrams ("sức khỏe điện", "khỏe điện tử"), which
   catch what segmentation split differently in two texts. The two are weighted and joined
   (`Settings.word_weight`), so one sparse product gives the weighted sum of both cosines;
2. **compares** the documents that can overlap — a programme's task against every other task,
   never two tasks of one agency, never two tasks one directive assigned (it gave the same
   duty to many agencies on purpose), never two directive tasks (the centre's assignments,
   not the agencies' own plans) — by sparse matrix products in row blocks, keeping pairs whose
   text similarity reaches `Settings.floor`;
3. **scores** each pair: the text similarity, plus structural signals — the same category of a
   system built once (a platform or a database: `SHARED_CATEGORIES`), the same Đề án 06
   utility, the same target indicator — and less when one task *builds* and the other
   *connects to* or *uses* (`role_of`: complementary work, not duplicated work), or when
   neither is of a category built once (each agency trains its own staff and digitises its
   own records: the same words are two pieces of work);
4. **clusters** the pairs at `Settings.threshold` around centres (`clusters`): the task with
   the most neighbours, a ministry's first, takes every unassigned neighbour, and so on. A
   ministry's national platform duplicated by twenty provinces is one cluster of 21 tasks
   (20 pairs to judge), not 190 pairs; each member is shown with its score against the
   centre and the terms they share (`shared_terms`).

Nothing here learns from a model downloaded at run time; the only model is pyvi's
segmenter, shipped inside its package. The threshold and weights were chosen on the `tune`
half of the labelled pairs (programmes/data/overlap_pairs.json) and are measured on the
`test` half (`quality.py`, docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from dxgov.programmes.segment import syllables

# Systems that should exist once: two agencies building one duplicate each other.
SHARED_CATEGORIES = frozenset({"platform", "database"})

# The verb that says what a task does with a system: builds it, or connects to / uses /
# feeds one that exists. The first of these words in a task decides (`role_of`).
BUILD_WORDS = frozenset({"xây_dựng", "đầu_tư", "phát_triển", "thiết_lập", "thiết_kế"})
CONNECT_WORDS = frozenset(
    {
        "kết_nối",
        "đồng_bộ",
        "cập_nhật",
        "sử_dụng",
        "khai_thác",
        "chuẩn_hóa",
        "hướng_dẫn",
        "vận_động",
        "chỉ_đạo",
        "tuyên_truyền",
        "số_hóa",
        "chi_trả",
        "phối_hợp",
        "tích_hợp",
    }
)

# Words too common in tasks to say what two tasks share (shown terms only).
STOP_WORDS = frozenset(
    {
        "và",
        "của",
        "các",
        "cho",
        "với",
        "để",
        "trong",
        "theo",
        "trên",
        "từ",
        "được",
        "những",
        "một",
        "là",
        "có",
        "về",
        "tại",
        "đến",
        "này",
        "đó",
        "như",
        "khi",
        "đã",
        "sẽ",
        "cũng",
        "thì",
        "mà",
        "hoặc",
        "nhằm",
        "bảo_đảm",
        "việc",
        "toàn",
        "tỉnh",
        "bộ",
        "ngành",
    }
)


UNKNOWN_ROLE = "?"


def role_of(words: str) -> str:
    """ "build", "connect" or "" from the first role word of a segmented task."""
    for word in words.split():
        if word in BUILD_WORDS:
            return "build"
        if word in CONNECT_WORDS:
            return "connect"
    return ""


@dataclass(slots=True)  # not frozen: an incremental run builds 50,000 of them, 3 times faster
class Doc:
    """A task as the detector sees it."""

    key: str  # "p:<programme task id>" or "t:<directive task id>"
    words: str  # segment.segment(text)
    agency: str  # the lead agency's code
    national: bool = False  # a ministry's (a central agency's) task
    group: str = ""  # tasks of one group never pair (one directive's assignments)
    programme: bool = True  # a programme's task: every pair has at least one
    category: str = ""
    de06: str = ""
    indicator: str = ""
    # `role_of(words)`, worked out when the document is made unless given (the index keeps
    # it: an incremental run does not read 50,000 texts again for it).
    role: str = UNKNOWN_ROLE

    def __post_init__(self) -> None:
        if self.role == UNKNOWN_ROLE:
            self.role = role_of(self.words)


@dataclass(frozen=True)
class Settings:
    # Chosen on the labelled pairs' `tune` half (best F1 there, a setting in the middle of
    # the plateau of equal F1); measured on the `test` half (docs/benchmarks.md).
    threshold: float = 0.425  # a pair at or above this is shown as a candidate overlap
    floor: float = 0.1  # text similarity below which a pair is no candidate at all
    word_weight: float = 0.5  # the words' share of the text similarity (the rest: n-grams)
    category_bonus: float = 0.2  # same category of a system built once
    de06_bonus: float = 0.1  # same Đề án 06 utility
    indicator_bonus: float = 0.05  # same target indicator
    role_penalty: float = 0.5  # one builds, the other connects or uses
    parallel_penalty: float = 0.3  # both connect to or use a system: each does its own part
    local_factor: float = 0.3  # neither task is of a category built once
    # Pairs are looked for through the words fewer than this share of the tasks hold (and
    # at least common_min tasks): "xây dựng", "hệ thống" alone make no candidate.
    common_share: float = 0.05
    common_min: int = 200
    block: int = 512  # rows compared at once
    workers: int = 2  # blocks compared at once (threads)


DEFAULT = Settings()


def _words(text: str) -> list[str]:
    return text.split()


def _ngrams(text: str) -> list[str]:
    parts = syllables(text)
    return [" ".join(parts[i : i + n]) for n in (2, 3) for i in range(len(parts) - n + 1)]


@dataclass
class Model:
    """The fitted vocabularies and weights, and the documents' vectors (one row each)."""

    words: TfidfVectorizer
    grams: TfidfVectorizer
    settings: Settings
    matrix: sparse.csr_matrix = field(default_factory=lambda: sparse.csr_matrix((0, 0)))
    docs: list[Doc] = field(default_factory=list)

    def transform(self, docs: Sequence[Doc]) -> sparse.csr_matrix:
        texts = [doc.words for doc in docs]
        weight = self.settings.word_weight
        return sparse.hstack(
            [
                self.words.transform(texts) * np.sqrt(weight),
                self.grams.transform(texts) * np.sqrt(1.0 - weight),
            ],
            format="csr",
            dtype=np.float32,
        )

    def idf(self) -> dict[str, float]:
        return dict(zip(self.words.get_feature_names_out(), self.words.idf_, strict=True))

    def add(self, docs: Sequence[Doc]) -> sparse.csr_matrix:
        """Vectorise new documents with the fitted vocabulary and append them."""
        rows = self.transform(docs)
        self.matrix = sparse.vstack([self.matrix, rows], format="csr") if self.docs else rows
        self.docs.extend(docs)
        return rows


def _vectorizer(analyzer: Any) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, dtype=np.float32)


# What a vectoriser learns from when no text holds a word (no task yet, or one-syllable texts
# for the n-grams): a vocabulary no task has, so every row is zero.
_NOTHING = "∅ ∅ ∅"


def _fitted(vectorizer: TfidfVectorizer, texts: list[str]) -> sparse.csr_matrix:
    try:
        return vectorizer.fit_transform(texts)
    except ValueError as exc:
        if "empty vocabulary" not in str(exc):
            raise
        vectorizer.fit([_NOTHING])
        if not texts:
            return sparse.csr_matrix((0, len(vectorizer.vocabulary_)), dtype=np.float32)
        return vectorizer.transform(texts)


def fit(docs: Sequence[Doc], settings: Settings = DEFAULT) -> Model:
    """Vocabularies and IDF from `docs`, and their vectors (one pass over the texts)."""
    texts = [doc.words for doc in docs]
    words, grams = _vectorizer(_words), _vectorizer(_ngrams)
    weight = settings.word_weight
    matrix = sparse.hstack(
        [
            _fitted(words, texts) * np.sqrt(weight),
            _fitted(grams, texts) * np.sqrt(1.0 - weight),
        ],
        format="csr",
        dtype=np.float32,
    )
    model = Model(words, grams, settings)
    if docs:
        model.matrix, model.docs = matrix, list(docs)
    return model


def may_pair(a: Doc, b: Doc) -> bool:
    """Whether two tasks can be overlapping work at all."""
    if a.key == b.key or a.agency == b.agency:
        return False
    if not (a.programme or b.programme):
        return False
    return not (a.group and a.group == b.group)


@dataclass(frozen=True)
class Pair:
    a: int  # indexes into the model's documents, a < b
    b: int
    text: float
    score: float
    signals: tuple[str, ...]


def score(
    text: float, a: Doc, b: Doc, settings: Settings = DEFAULT
) -> tuple[float, tuple[str, ...]]:
    """The pair's score from its text similarity and structural signals, with the signals.
    Below the floor, text too unlike is no candidate, whatever the structure says."""
    if text < settings.floor:
        return 0.0, ()
    signals: list[str] = []
    value = text
    shared = a.category in SHARED_CATEGORIES or b.category in SHARED_CATEGORIES
    if a.category and a.category == b.category and shared:
        value += settings.category_bonus
        signals.append("category")
    if a.de06 and a.de06 == b.de06:
        value += settings.de06_bonus
        signals.append("de06")
    if a.indicator and a.indicator == b.indicator:
        value += settings.indicator_bonus
        signals.append("indicator")
    roles = {a.role, b.role}
    if roles == {"build", "connect"}:
        value -= settings.role_penalty
        signals.append("roles")
    elif roles == {"connect"}:
        value -= settings.parallel_penalty
        signals.append("parallel")
    if not shared:
        value *= settings.local_factor
        signals.append("local")
    return max(0.0, min(1.0, value)), tuple(signals)


def _blocks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(n, start + size)


class _Facts:
    """The documents' structural facts as integer arrays (0 = none), for scoring in bulk."""

    def __init__(self, docs: Sequence[Doc]) -> None:
        def codes(values: Iterable[str]) -> np.ndarray:
            # One code per distinct value, sorted, so "" (none) is 0 when present.
            array = np.asarray(list(values), dtype=str)
            if not len(array):
                return np.zeros(0, dtype=np.int32)
            distinct, inverse = np.unique(array, return_inverse=True)
            coded: np.ndarray = (inverse.ravel() + (distinct[0] != "")).astype(np.int32)
            return coded

        self.agency = codes(d.agency for d in docs)
        self.group = codes(d.group for d in docs)
        self.programme = np.fromiter((d.programme for d in docs), bool, len(docs))
        self.category = codes(d.category for d in docs)
        self.shared = np.fromiter((d.category in SHARED_CATEGORIES for d in docs), bool, len(docs))
        self.de06 = codes(d.de06 for d in docs)
        self.indicator = codes(d.indicator for d in docs)
        roles = {"": 0, "build": 1, "connect": 2}
        self.role = np.fromiter((roles[d.role] for d in docs), np.int8, len(docs))


def _scores(f: _Facts, i: np.ndarray, j: np.ndarray, text: np.ndarray, s: Settings) -> np.ndarray:
    """`score` for arrays of pairs (a test holds the two equal)."""
    value = text.astype(np.float64)
    shared = f.shared[i] | f.shared[j]
    value += s.category_bonus * ((f.category[i] == f.category[j]) & (f.category[i] > 0) & shared)
    value += s.de06_bonus * ((f.de06[i] == f.de06[j]) & (f.de06[i] > 0))
    value += s.indicator_bonus * ((f.indicator[i] == f.indicator[j]) & (f.indicator[i] > 0))
    ri, rj = f.role[i], f.role[j]
    value -= s.role_penalty * (((ri == 1) & (rj == 2)) | ((ri == 2) & (rj == 1)))
    value -= s.parallel_penalty * ((ri == 2) & (rj == 2))
    value = np.where(shared, value, value * s.local_factor)
    value = np.where(text >= s.floor, value, 0.0)
    return np.clip(value, 0.0, 1.0)


@dataclass(frozen=True)
class _Split:
    """The matrix cut in two by how many documents hold each feature.

    Pairs are looked for through the rarer features (a pair sharing only words every other
    task has — "xây dựng", "hệ thống" — is generic wording, not the same work): `rare`, the
    matrix without the common features. A candidate's exact similarity is its rare part,
    from that product, plus its common part (`_common_dots`) from `common`, the common
    features alone (a few hundred columns, a couple of dozen non-zero in a row); `length`
    is each row's common part's length, which bounds that part before it is computed."""

    rare: sparse.csr_matrix
    common: sparse.csr_matrix
    length: np.ndarray


def _split(model: Model) -> _Split:
    matrix = model.matrix.tocsr()
    n = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    common = df > max(model.settings.common_min, model.settings.common_share * n)
    rare = (matrix @ sparse.diags((~common).astype(np.float32))).tocsr()
    rare.eliminate_zeros()
    part = matrix[:, np.flatnonzero(common)].tocsr()
    part.sort_indices()  # element-wise products of its rows need them sorted
    length = np.sqrt(np.asarray(part.multiply(part).sum(axis=1)).ravel())
    return _Split(rare, part, length.astype(np.float32))


def _common_dots(
    common: sparse.csr_matrix, i: np.ndarray, j: np.ndarray, chunk: int = 131072
) -> np.ndarray:
    """The common parts' dot products of the pairs (i, j): both sides' rows gathered sparse
    (a couple of dozen non-zero each) and multiplied element-wise, all in scipy's compiled
    code; a dense gather of both sides would move every common column of millions of
    candidates through memory."""
    out = np.zeros(len(i), dtype=np.float32)
    for start in range(0, len(i), chunk):
        a = common[i[start : start + chunk]]
        b = common[j[start : start + chunk]]
        out[start : start + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return out


@dataclass(frozen=True)
class Found:
    """Scored pairs as arrays (document indexes i < j where both are programme tasks)."""

    i: np.ndarray
    j: np.ndarray
    text: np.ndarray
    score: np.ndarray

    def pairs(self) -> list[Pair]:
        return [
            Pair(int(a), int(b), float(t), float(v), ())
            for a, b, t, v in zip(self.i, self.j, self.text, self.score, strict=True)
        ]


def similar(
    model: Model, rows: Sequence[int], settings: Settings | None = None, keep: float | None = None
) -> Found:
    """Pairs between the documents at `rows` and every document of the model whose score
    reaches `keep` (default: the threshold), each once."""
    settings = settings or model.settings
    keep = settings.threshold if keep is None else keep
    facts = _Facts(model.docs)
    split = _split(model)
    rare_t = split.rare.T.tocsr()
    bound = split.length
    order = np.asarray(sorted(set(rows)), dtype=np.int32)  # int32: half the memory traffic
    chosen = np.zeros(len(model.docs), dtype=bool)
    chosen[order] = True
    # Neither task of a category built once: scaled by local_factor, such a pair cannot
    # reach `keep` whatever its text (each agency trains its own staff).
    local_best = settings.local_factor * (1 + settings.de06_bonus + settings.indicator_bonus)

    def compare(block: np.ndarray) -> tuple[np.ndarray, ...] | None:
        found = (split.rare[block] @ rare_t).tocoo()
        i, j = block[found.row], found.col.astype(np.int32)
        part = found.data
        # Each pair once: from the lower index when both sides are asked about.
        mask = (i != j) & ((i < j) | ~chosen[j])
        mask &= facts.agency[i] != facts.agency[j]
        mask &= facts.programme[i] | facts.programme[j]
        mask &= (facts.group[i] == 0) | (facts.group[i] != facts.group[j])
        if local_best < keep:
            mask &= facts.shared[i] | facts.shared[j]
        i, j, part = i[mask], j[mask], part[mask]
        # The score is monotone in the text similarity, which is at most the rare part plus
        # the product of the common parts' lengths: pairs that cannot reach `keep` even so
        # (most pairs of each agency's own duties) go before the exact common part is read.
        upper = np.minimum(1.0, part + bound[i] * bound[j])
        hope = _scores(facts, i, j, upper, settings) >= keep
        i, j, part = i[hope], j[hope], part[hope]
        if not len(i):
            return None
        text = np.minimum(1.0, part + _common_dots(split.common, i, j))
        value = _scores(facts, i, j, text, settings)
        good = value >= keep
        i, j = i[good].astype(np.int64), j[good].astype(np.int64)
        return np.minimum(i, j), np.maximum(i, j), text[good], value[good]

    blocks = [order[start:end] for start, end in _blocks(len(order), settings.block)]
    # scipy's and numpy's loops release the GIL: two blocks at once use both cores. The
    # results are joined in block order, so a run's pairs do not depend on the threads.
    with ThreadPoolExecutor(max_workers=max(1, min(settings.workers, len(blocks)))) as pool:
        parts = [part for part in pool.map(compare, blocks) if part is not None]
    if not parts:
        empty = np.zeros(0)
        return Found(empty.astype(np.int64), empty.astype(np.int64), empty, empty)
    return Found(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def detect(model: Model, settings: Settings | None = None) -> Found:
    """Every pair of the model's documents that reaches the threshold (programme tasks
    against everything)."""
    rows = [i for i, doc in enumerate(model.docs) if doc.programme]
    return similar(model, rows, settings)


@dataclass
class Cluster:
    centre: int
    members: list[tuple[int, float]]  # (document, its score with the centre), best first

    @property
    def size(self) -> int:
        return 1 + len(self.members)

    @property
    def top(self) -> float:
        return max((value for _i, value in self.members), default=0.0)


def clusters(docs: Sequence[Doc], found: Found) -> list[Cluster]:
    """Star clusters of the pairs found (all at or above the threshold).

    The document with the most neighbours (a ministry's before a province's, then the
    stronger, then the first) is a centre and takes each neighbour not yet taken; repeat.
    Every member is similar to its centre (no chains of weak links)."""
    n = len(docs)
    if not len(found.i):
        return []
    rows = np.concatenate([found.i, found.j])
    cols = np.concatenate([found.j, found.i])
    values = np.concatenate([found.score, found.score])
    graph = sparse.csr_matrix((values, (rows, cols)), shape=(n, n))
    degree = np.diff(graph.indptr)
    strength = np.asarray(graph.sum(axis=1)).ravel()
    national = np.fromiter((d.national for d in docs), bool, n)
    order = np.lexsort((np.arange(n), -strength, -degree, ~national))
    taken = np.zeros(n, dtype=bool)
    result: list[Cluster] = []
    for centre in order:
        if degree[centre] == 0 or taken[centre]:
            continue
        start, end = graph.indptr[centre], graph.indptr[centre + 1]
        near, weight = graph.indices[start:end], graph.data[start:end]
        free = ~taken[near]
        if not free.any():
            continue
        near, weight = near[free], weight[free]
        taken[centre] = True
        taken[near] = True
        ranked = sorted(
            zip(near.tolist(), weight.tolist(), strict=True), key=lambda m: (-m[1], m[0])
        )
        result.append(Cluster(int(centre), [(int(j), float(v)) for j, v in ranked]))
    result.sort(key=lambda c: (-c.size, -c.top, c.centre))
    return result


def shared_terms(a: str, b: str, idf: dict[str, float], limit: int = 6) -> list[str]:
    """The words two segmented tasks share, rarest first, as people write them."""
    common = (set(a.split()) & set(b.split())) - STOP_WORDS
    ranked = sorted(common, key=lambda w: (-idf.get(w, 0.0), w))
    return [word.replace("_", " ") for word in ranked[:limit]]
