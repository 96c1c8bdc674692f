"""The overlap detector (pure): Vietnamese text in one normal form, the candidate rules, the
score's signals (the bulk scoring held to the one-pair rule), and clusters, not pairs."""

from __future__ import annotations

import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dxgov.demo.programme_catalogue import TOPICS
from dxgov.programmes import overlap, segment
from dxgov.programmes.overlap import Doc

EHR = "Xây dựng nền tảng hồ sơ sức khỏe điện tử quốc gia, quản lý thông tin khám chữa bệnh"
PROVINCE_EHR = (
    "Xây dựng nền tảng hồ sơ sức khỏe điện tử của tỉnh {n}, quản lý thông tin khám chữa bệnh "
    "của người dân"
)
LAND = "Xây dựng cơ sở dữ liệu đất đai của tỉnh, quản lý hồ sơ địa chính"
TRAINING = "Bồi dưỡng kỹ năng số cho cán bộ, công chức, viên chức trên địa bàn tỉnh"


def doc(key: str, text: str, agency: str, **kw: object) -> Doc:
    return Doc(key=key, words=segment.segment(text), agency=agency, **kw)  # type: ignore[arg-type]


def test_nfd_and_mixed_case_read_as_their_nfc_twin() -> None:
    nfd = unicodedata.normalize("NFD", EHR)
    assert nfd != EHR
    assert segment.segment(nfd) == segment.segment(EHR) == segment.segment(EHR.upper())
    # Diacritics are kept: "đất" (land) is not "đắt" (costly).
    assert segment.segment("giá đất") != segment.segment("giá đắt")


def test_an_nfd_twin_in_another_agency_is_an_overlap_of_score_one() -> None:
    docs = [
        doc("p:1", EHR, "BYT", category="platform", national=True),
        doc("p:2", unicodedata.normalize("NFD", EHR).upper(), "UBND-T25", category="platform"),
        doc("p:3", TRAINING, "UBND-T11", category="skills"),
    ]
    found = overlap.detect(overlap.fit(docs))
    assert [(int(i), int(j)) for i, j in zip(found.i, found.j, strict=True)] == [(0, 1)]
    assert found.text[0] > 0.999


def test_who_can_pair() -> None:
    a = Doc("p:1", "x", "A", group="p1")
    assert not overlap.may_pair(a, Doc("p:2", "x", "A"))  # one agency
    assert not overlap.may_pair(a, Doc("p:3", "x", "B", group="p1"))  # one programme
    assert not overlap.may_pair(
        Doc("t:1", "x", "A", group="d1", programme=False),
        Doc("t:2", "x", "B", group="d2", programme=False),
    )  # two directive tasks: the centre's own assignments
    assert overlap.may_pair(a, Doc("t:4", "x", "B", group="d1", programme=False))


def test_one_directives_assignments_never_pair_and_local_duties_stay_below_the_threshold() -> None:
    docs = [
        doc("t:1", TRAINING, "UBND-T25", group="d1", programme=False, category="skills"),
        doc("t:2", TRAINING, "UBND-T11", group="d1", programme=False, category="skills"),
        doc("p:3", TRAINING, "UBND-T79", category="skills"),
        doc("p:4", TRAINING, "UBND-T01", category="skills"),
    ]
    found = overlap.detect(overlap.fit(docs))
    assert len(found.i) == 0  # each province trains its own staff: not the same work


def test_building_versus_connecting_is_complementary_not_overlap() -> None:
    connect = (
        "Kết nối phần mềm quản lý bệnh viện của tỉnh với nền tảng hồ sơ sức khỏe điện tử quốc gia"
    )
    a = doc("p:1", EHR, "BYT", category="platform")
    b = doc("p:2", connect, "UBND-T25", category="platform")
    built = doc("p:3", PROVINCE_EHR.format(n="Phú Thọ"), "UBND-T11", category="platform")
    model = overlap.fit([a, b, built])
    found = overlap.similar(model, range(3), keep=0.0)
    scores = {
        (int(i), int(j)): float(s) for i, j, s in zip(found.i, found.j, found.score, strict=True)
    }
    assert scores.get((0, 2), 0) >= overlap.DEFAULT.threshold
    assert scores.get((0, 1), 0) < overlap.DEFAULT.threshold
    assert overlap.role_of(b.words) == "connect" and overlap.role_of(a.words) == "build"


def test_a_ministrys_platform_duplicated_by_20_provinces_is_one_cluster_of_20_pairs() -> None:
    docs = [doc("p:0", EHR, "BYT", category="platform", national=True, de06="health_insurance")]
    provinces = [
        "Phú Thọ",
        "Điện Biên",
        "Lào Cai",
        "Sơn La",
        "Lai Châu",
        "Hà Nội",
        "Huế",
        "Cần Thơ",
        "Đà Nẵng",
        "Gia Lai",
        "Nghệ An",
        "Hà Tĩnh",
        "Quảng Trị",
        "Ninh Bình",
        "Hưng Yên",
        "Bắc Ninh",
        "Lạng Sơn",
        "Cao Bằng",
        "Tuyên Quang",
        "Cà Mau",
    ]
    for number, name in enumerate(provinces, start=1):
        docs.append(
            doc(
                f"p:{number}",
                PROVINCE_EHR.format(n=name),
                f"UBND-{number}",
                category="platform",
                de06="health_insurance",
            )
        )
    # The rest of a national corpus: other work, so that what the health-record tasks share
    # is rare in it (as it is among all agencies' tasks).
    others = [
        text.format(place="trên địa bàn tỉnh", scope="của tỉnh")
        for topic in TOPICS.values()
        if topic.code != "EHR"
        for texts in topic.phrasings.values()
        for text in texts
    ]
    for number, text in enumerate(others):
        docs.append(doc(f"t:{number}", text, f"CQ-{number}", group="d1", programme=False))
    found = overlap.detect(overlap.fit(docs))
    assert len(found.i) >= 20  # the provinces resemble one another as well
    clusters = overlap.clusters(docs, found)
    assert len(clusters) == 1
    (cluster,) = clusters
    assert cluster.centre == 0 and cluster.size == 21 and len(cluster.members) == 20


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=8),
    st.lists(st.sampled_from(["platform", "database", "skills", ""]), min_size=2, max_size=2),
    st.lists(st.sampled_from(["xây_dựng", "kết_nối", "bồi_dưỡng"]), min_size=2, max_size=2),
    st.booleans(),
)
def test_bulk_scores_equal_the_one_pair_rule(
    texts: list[float], categories: list[str], verbs: list[str], same_de06: bool
) -> None:
    a = Doc("p:1", f"{verbs[0]} hệ_thống", "A", category=categories[0], de06="vneid", indicator="X")
    b = Doc(
        "p:2",
        f"{verbs[1]} hệ_thống",
        "B",
        category=categories[1],
        de06="vneid" if same_de06 else "population",
        indicator="X",
    )
    facts = overlap._Facts([a, b])
    bulk = overlap._scores(
        facts,
        np.zeros(len(texts), np.int64),
        np.ones(len(texts), np.int64),
        np.asarray(texts),
        overlap.DEFAULT,
    )
    for text, value in zip(texts, bulk, strict=True):
        assert abs(overlap.score(text, a, b)[0] - value) < 1e-9


def test_shared_terms_are_the_rarest_first_without_stop_words() -> None:
    a, b = segment.segment(EHR), segment.segment(PROVINCE_EHR.format(n="Huế"))
    model = overlap.fit([doc("p:1", EHR, "A"), doc("p:2", LAND, "B"), doc("p:3", TRAINING, "C")])
    terms = overlap.shared_terms(a, b, model.idf())
    assert "sức khỏe" in terms and "của" not in terms and "và" not in terms


def test_no_task_yet_or_texts_without_words_make_an_empty_model_not_an_error() -> None:
    # The platform's first full run has nothing to compare; one-syllable texts have no n-gram.
    assert len(overlap.detect(overlap.fit([])).i) == 0
    model = overlap.fit([doc("p:1", "Số", "A", category="platform"), doc("p:2", "", "B")])
    assert model.matrix.shape[0] == 2
    assert len(overlap.detect(model).i) == 0


def _corpus(count: int) -> list[Doc]:
    """Tasks in the documents' words, many alike (so that common features exist)."""
    import random

    rng = random.Random(21)
    verbs = ("Xây dựng", "Nâng cấp", "Kết nối", "Phát triển", "Số hóa", "Tập huấn sử dụng")
    kinds = (
        ("hệ thống thông tin", "platform"),
        ("cơ sở dữ liệu", "database"),
        ("nền tảng số", "platform"),
        ("chương trình bồi dưỡng", "skills"),
    )
    domains = ("đất đai", "hộ tịch", "học bạ", "hồ sơ sức khỏe", "an sinh xã hội", "thuế", "rừng")
    places = ("Phú Thọ", "Điện Biên", "Huế", "Cần Thơ", "Lào Cai", "toàn quốc")
    docs = []
    for n in range(count):
        kind, category = rng.choice(kinds)
        text = f"{rng.choice(verbs)} {kind} {rng.choice(domains)} của {rng.choice(places)}"
        directive = rng.random() < 0.3
        docs.append(
            doc(
                f"x:{n}",
                text,
                f"A{rng.randrange(12)}",
                national=rng.random() < 0.2,
                group=f"d{rng.randrange(5)}" if directive else "",
                programme=not directive,
                category=category,
                de06=rng.choice(("", "", "vneid")),
            )
        )
    return docs


def test_blocks_threads_and_the_common_features_split_find_exactly_the_brute_force_pairs() -> None:
    # common_min 1: the split into rare and common features (which a large corpus makes) is
    # used here too; small blocks on two threads. A candidate shares a rare feature (sharing
    # only words most tasks have is generic wording); its score must be the plain product's.
    settings_ = overlap.Settings(common_min=1, common_share=0.05, block=64, workers=2)
    docs = _corpus(500)
    model = overlap.fit(docs, settings_)
    split = overlap._split(model)
    assert split.common.shape[1] > 0  # the split is really exercised
    found = overlap.detect(model)
    full = (model.matrix @ model.matrix.T).toarray()
    rare = (split.rare @ split.rare.T).toarray()
    i, j = np.triu_indices(len(docs), k=1)
    facts = overlap._Facts(docs)
    allowed = np.fromiter(
        (overlap.may_pair(docs[a], docs[b]) for a, b in zip(i, j, strict=True)), bool, len(i)
    )
    allowed &= rare[i, j] > 0
    i, j = i[allowed], j[allowed]
    text = np.minimum(1.0, full[i, j])
    value = overlap._scores(facts, i, j, text, settings_)
    keep = value >= settings_.threshold
    expected = {
        (int(a), int(b)): float(v) for a, b, v in zip(i[keep], j[keep], value[keep], strict=True)
    }
    got = {
        (int(a), int(b)): float(v) for a, b, v in zip(found.i, found.j, found.score, strict=True)
    }
    assert expected and set(got) == set(expected)
    assert max(abs(got[key] - expected[key]) for key in got) < 1e-5
    # One thread gives the same pairs in the same order.
    alone = overlap.detect(model, overlap.Settings(common_min=1, block=64, workers=1))
    assert np.array_equal(alone.i, found.i) and np.array_equal(alone.j, found.j)
