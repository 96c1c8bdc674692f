"""The demo's digital-transformation programmes (Directive 34/CT-TTg), as data (pure: no ORM).

Directive 34/CT-TTg (16/9/2024, in the seeds) asks every ministry and province to choose its
breakthrough and build a programme like Đề án 06, "tránh chồng chéo, lãng phí". The demo's
programmes are illustrative: five ministries and nine provinces, each with one breakthrough,
three to six goals on catalogue indicators and ten to twenty tasks.

Every task is a *piece of work* (`Topic`, one row below) done in a *role*:

- ``build``  — build the system, database or platform itself;
- ``connect`` — connect to, feed or use one that someone else builds;
- ``local``  — a duty each agency does for itself (train its staff, digitise its records,
  run its own operations centre): the same words in two provinces are two pieces of work.

A topic is ``shared`` when its system should exist once (a national platform, one shared
database): two agencies that both *build* it duplicate each other. That is the deliberate
overlap the demo plants for the detector: a ministry building a national platform while
provinces build their own (electronic health records, school records, land data,
traceability, tourism), and two ministries building the same database (civil status).
Each task's text is one of its topic-and-role's phrasings, chosen by the agency, so the
overlaps are paraphrases, not copies; near-misses share most words with different work
("cơ sở dữ liệu đất đai" and "cơ sở dữ liệu dân cư").

`label_of` is the rule that labels a pair of these tasks, written before the detector was
tuned (dxgov/programmes/data/overlap_pairs.json is built from it by
`dxgov generate overlap-pairs`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

BUILD, CONNECT, LOCAL = "build", "connect", "local"
OVERLAP, COMPLEMENTARY, NOT_RELATED = "overlap", "complementary", "not_related"


@dataclass(frozen=True)
class Topic:
    code: str
    shared: bool  # should exist once: two builders duplicate each other
    category: str  # programmes.models.TaskCategory
    de06: str = ""  # the Đề án 06 utility it relies on (programmes.de06)
    phrasings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    results: dict[str, str] = field(default_factory=dict)


def _t(code: str, shared: bool, category: str, de06: str = "", **roles: tuple[str, ...]) -> Topic:
    results = {role: texts[-1] for role, texts in roles.items() if role.endswith("_result")}
    phrasings = {role: texts for role, texts in roles.items() if not role.endswith("_result")}
    return Topic(code, shared, category, de06, phrasings, {k[:-7]: v for k, v in results.items()})


# {scope}: "của tỉnh" / "của Bộ" …; {place}: "trên địa bàn tỉnh" / "toàn ngành".
TOPICS: dict[str, Topic] = {
    t.code: t
    for t in (
        _t(
            "EHR",
            True,
            "platform",
            "health_insurance",
            build=(
                "Xây dựng nền tảng hồ sơ sức khỏe điện tử {scope}, quản lý thông tin khám "
                "chữa bệnh của người dân suốt đời",
                "Đầu tư hệ thống quản lý hồ sơ sức khỏe điện tử cho toàn bộ người dân {place}",
                "Phát triển phần mềm sổ sức khỏe điện tử {scope} để người dân tra cứu lịch sử "
                "khám, chữa bệnh",
                "Xây dựng kho dữ liệu hồ sơ sức khỏe cá nhân điện tử {scope}, lưu trữ tập "
                "trung kết quả khám chữa bệnh",
                "Triển khai hệ thống hồ sơ sức khỏe điện tử dùng riêng {scope}, cấp tài khoản "
                "cho người dân theo dõi sức khỏe",
            ),
            build_result=("Nền tảng hồ sơ sức khỏe điện tử được đưa vào vận hành",),
            connect=(
                "Kết nối phần mềm quản lý bệnh viện của các cơ sở khám chữa bệnh {place} với "
                "nền tảng hồ sơ sức khỏe điện tử quốc gia",
                "Đồng bộ dữ liệu khám chữa bệnh từ các bệnh viện {place} lên Sổ sức khỏe điện "
                "tử trên VNeID",
                "Chỉ đạo các cơ sở y tế {place} cập nhật dữ liệu vào hồ sơ sức khỏe điện tử "
                "theo chuẩn của Bộ Y tế",
            ),
            connect_result=("Các bệnh viện đồng bộ dữ liệu lên nền tảng quốc gia",),
        ),
        _t(
            "SCHOOL",
            True,
            "database",
            "population",
            build=(
                "Xây dựng hệ thống học bạ số {scope}, lưu trữ kết quả học tập của học sinh "
                "trên môi trường điện tử",
                "Đầu tư phần mềm học bạ điện tử dùng chung cho các trường phổ thông {place}",
                "Phát triển cơ sở dữ liệu học bạ số và văn bằng, chứng chỉ số {scope}",
                "Triển khai nền tảng quản lý học bạ điện tử riêng {scope} cho học sinh tiểu "
                "học và trung học",
            ),
            build_result=("Học bạ số được cấp cho học sinh",),
            connect=(
                "Chỉ đạo các trường học {place} cập nhật học bạ số lên cơ sở dữ liệu ngành "
                "giáo dục",
                "Kết nối phần mềm quản lý trường học {place} với cơ sở dữ liệu ngành giáo dục "
                "và đào tạo",
            ),
            connect_result=("Dữ liệu học bạ được cập nhật đầy đủ",),
        ),
        _t(
            "LAND",
            True,
            "database",
            "population",
            build=(
                "Xây dựng cơ sở dữ liệu đất đai quốc gia thống nhất, kết nối liên thông từ "
                "trung ương đến địa phương",
                "Đầu tư hệ thống thông tin đất đai riêng {scope}, quản lý hồ sơ địa chính và "
                "giao dịch đất đai",
                "Phát triển cơ sở dữ liệu đất đai dùng riêng {scope} phục vụ cấp giấy chứng "
                "nhận quyền sử dụng đất",
                "Xây dựng phần mềm quản lý cơ sở dữ liệu địa chính {scope} vận hành độc lập",
            ),
            build_result=("Cơ sở dữ liệu đất đai được đưa vào khai thác",),
            connect=(
                "Số hóa hồ sơ địa chính {place}, đồng bộ vào cơ sở dữ liệu đất đai quốc gia",
                "Chuẩn hóa, làm sạch dữ liệu đất đai {place} để kết nối với hệ thống thông "
                "tin đất đai quốc gia",
            ),
            connect_result=("Dữ liệu địa chính được đồng bộ lên hệ thống quốc gia",),
        ),
        _t(
            "CIVIL",
            True,
            "database",
            "civil_status",
            build=(
                "Xây dựng cơ sở dữ liệu hộ tịch điện tử toàn quốc, dùng chung cho đăng ký và "
                "quản lý hộ tịch",
                "Xây dựng cơ sở dữ liệu hộ tịch điện tử dùng chung, thu thập dữ liệu khai "
                "sinh, kết hôn, khai tử của công dân",
                "Phát triển hệ thống cơ sở dữ liệu đăng ký hộ tịch điện tử tập trung phục vụ "
                "cấp bản sao trích lục",
            ),
            build_result=("Cơ sở dữ liệu hộ tịch điện tử được vận hành",),
            connect=(
                "Số hóa sổ hộ tịch giấy {place}, cập nhật vào cơ sở dữ liệu hộ tịch điện tử",
                "Kết nối phần mềm đăng ký hộ tịch của cấp xã {place} với cơ sở dữ liệu hộ tịch "
                "điện tử toàn quốc",
            ),
            connect_result=("Dữ liệu hộ tịch được số hóa và cập nhật",),
        ),
        _t(
            "TRACE",
            True,
            "platform",
            "",
            build=(
                "Xây dựng cổng thông tin truy xuất nguồn gốc nông sản, thực phẩm quốc gia",
                "Đầu tư hệ thống truy xuất nguồn gốc sản phẩm nông nghiệp riêng {scope}, cấp "
                "mã QR cho sản phẩm",
                "Phát triển nền tảng truy xuất nguồn gốc nông sản {scope} cho hợp tác xã và "
                "doanh nghiệp",
            ),
            build_result=("Nền tảng truy xuất nguồn gốc được vận hành",),
            connect=(
                "Hướng dẫn hợp tác xã, doanh nghiệp {place} đăng ký mã truy xuất trên cổng "
                "truy xuất nguồn gốc quốc gia",
            ),
            connect_result=("Sản phẩm được gắn mã truy xuất",),
        ),
        _t(
            "TOURISM",
            True,
            "platform",
            "",
            build=(
                "Xây dựng nền tảng du lịch thông minh quốc gia, ứng dụng du lịch Việt Nam an "
                "toàn cho du khách",
                "Đầu tư ứng dụng du lịch thông minh riêng {scope}, cung cấp thông tin điểm đến "
                "và đặt dịch vụ",
                "Phát triển ứng dụng di động du lịch thông minh {scope} cho khách du lịch",
            ),
            build_result=("Ứng dụng du lịch thông minh được phát hành",),
            connect=(
                "Cập nhật dữ liệu điểm đến, cơ sở lưu trú {place} lên nền tảng du lịch thông "
                "minh quốc gia",
            ),
            connect_result=("Dữ liệu du lịch được cập nhật",),
        ),
        _t(
            "SOCIAL",
            True,
            "database",
            "social_security",
            build=(
                "Xây dựng cơ sở dữ liệu quốc gia về an sinh xã hội, quản lý đối tượng hưởng "
                "trợ cấp",
                "Đầu tư phần mềm quản lý đối tượng bảo trợ xã hội riêng {scope}",
                "Phát triển cơ sở dữ liệu người hưởng chính sách an sinh xã hội {scope}",
            ),
            build_result=("Cơ sở dữ liệu an sinh xã hội được vận hành",),
            connect=(
                "Chi trả trợ cấp an sinh xã hội qua tài khoản {place}, sử dụng dữ liệu từ cơ "
                "sở dữ liệu quốc gia về an sinh xã hội",
            ),
            connect_result=("Trợ cấp được chi trả không dùng tiền mặt",),
        ),
        _t(
            "CAMERA",
            True,
            "platform",
            "security_order",
            build=(
                "Xây dựng hệ thống giám sát camera an ninh trật tự tập trung toàn quốc",
                "Đầu tư hệ thống camera giám sát an ninh trật tự riêng {scope} với trung tâm "
                "lưu trữ hình ảnh",
            ),
            build_result=("Hệ thống camera được vận hành",),
            connect=(
                "Kết nối camera giám sát giao thông, an ninh {place} về hệ thống giám sát "
                "của Bộ Công an",
            ),
            connect_result=("Camera được kết nối",),
        ),
        _t(
            "EINVOICE",
            True,
            "platform",
            "",
            build=(
                "Nâng cấp hệ thống hóa đơn điện tử của ngành thuế, hóa đơn khởi tạo từ máy "
                "tính tiền",
            ),
            build_result=("Hệ thống hóa đơn điện tử được nâng cấp",),
            connect=(
                "Vận động hộ kinh doanh {place} sử dụng hóa đơn điện tử khởi tạo từ máy tính tiền",
                "Phối hợp cơ quan thuế triển khai hóa đơn điện tử cho hộ kinh doanh {place}",
            ),
            connect_result=("Hộ kinh doanh sử dụng hóa đơn điện tử",),
        ),
        _t(
            "JUDICIAL",
            True,
            "service",
            "judicial_record",
            build=("Cấp phiếu lý lịch tư pháp trực tuyến trên ứng dụng VNeID trên toàn quốc",),
            build_result=("Phiếu lý lịch tư pháp được cấp trực tuyến",),
            connect=("Tuyên truyền người dân {place} đề nghị cấp phiếu lý lịch tư pháp qua VNeID",),
            connect_result=("Người dân sử dụng dịch vụ",),
        ),
        # Each agency's own duties: the same words in two places are two pieces of work.
        _t(
            "IOC",
            False,
            "infrastructure",
            "",
            local=(
                "Vận hành Trung tâm giám sát, điều hành đô thị thông minh (IOC) {scope}",
                "Nâng cấp Trung tâm điều hành thông minh {scope}, tích hợp dữ liệu chỉ đạo "
                "điều hành",
            ),
            local_result=("Trung tâm điều hành hoạt động ổn định",),
        ),
        _t(
            "LGSP",
            False,
            "infrastructure",
            "population",
            local=(
                "Nâng cấp nền tảng tích hợp, chia sẻ dữ liệu (LGSP) {scope}, kết nối với "
                "nền tảng NDXP",
                "Hoàn thiện nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh để kết nối các hệ "
                "thống thông tin {place}",
            ),
            local_result=("LGSP kết nối đầy đủ các hệ thống",),
        ),
        _t(
            "SKILLS",
            False,
            "skills",
            "",
            local=(
                "Bồi dưỡng kỹ năng số cho cán bộ, công chức, viên chức {place}",
                "Tập huấn kỹ năng số, an toàn thông tin cho cán bộ, công chức {scope}",
                "Phổ cập kỹ năng số cho người dân thông qua tổ công nghệ số cộng đồng {place}",
            ),
            local_result=("Cán bộ được bồi dưỡng kỹ năng số",),
        ),
        _t(
            "DIGITISE",
            False,
            "service",
            "population",
            local=(
                "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính {place}",
                "Hoàn thành số hóa kết quả giải quyết thủ tục hành chính còn hiệu lực {scope}",
            ),
            local_result=("Kết quả giải quyết TTHC được số hóa",),
        ),
        _t(
            "SOC",
            False,
            "security",
            "",
            local=(
                "Triển khai giám sát an toàn thông tin (SOC) cho các hệ thống thông tin {scope}",
                "Bảo đảm an toàn thông tin theo cấp độ, mô hình 4 lớp cho hệ thống thông tin "
                "{scope}",
            ),
            local_result=("Hệ thống thông tin được bảo đảm an toàn theo cấp độ",),
        ),
        _t(
            "OPENDATA",
            False,
            "data",
            "",
            local=(
                "Công bố dữ liệu mở {scope} trên cổng dữ liệu mở, phục vụ người dân và doanh "
                "nghiệp",
            ),
            local_result=("Danh mục dữ liệu mở được công bố",),
        ),
        _t(
            "PORTAL",
            False,
            "service",
            "population",
            local=(
                "Cung cấp dịch vụ công trực tuyến toàn trình {scope} trên Cổng Dịch vụ công "
                "quốc gia",
                "Nâng cấp Hệ thống thông tin giải quyết thủ tục hành chính {scope}, tái sử "
                "dụng dữ liệu dân cư",
            ),
            local_result=("Dịch vụ công trực tuyến toàn trình được cung cấp",),
        ),
        _t(
            "CASHLESS",
            False,
            "service",
            "",
            local=("Thúc đẩy thanh toán không dùng tiền mặt trong trường học, bệnh viện {place}",),
            local_result=("Tỷ lệ thanh toán không dùng tiền mặt tăng",),
        ),
        _t(
            "REPORTING",
            False,
            "data",
            "",
            local=(
                "Đưa hệ thống báo cáo chỉ tiêu kinh tế - xã hội {scope} lên môi trường số, kết "
                "nối Hệ thống thông tin báo cáo Chính phủ",
            ),
            local_result=("Báo cáo được thực hiện trên môi trường số",),
        ),
        _t(
            "ECOMMERCE",
            False,
            "economy",
            "",
            local=(
                "Hỗ trợ hộ sản xuất, hợp tác xã {place} đưa sản phẩm lên sàn thương mại điện tử",
            ),
            local_result=("Sản phẩm địa phương được bán trên sàn thương mại điện tử",),
        ),
        _t(
            "TELEHEALTH",
            False,
            "service",
            "health_insurance",
            local=(
                "Triển khai khám chữa bệnh từ xa giữa bệnh viện tuyến tỉnh và trạm y tế xã {place}",
            ),
            local_result=("Trạm y tế xã được hỗ trợ khám từ xa",),
        ),
        _t(
            "INFRA",
            False,
            "infrastructure",
            "",
            local=("Phủ sóng di động 4G, 5G và cáp quang đến các thôn, bản {place}",),
            local_result=("Thôn, bản được phủ sóng",),
        ),
    )
}

# "" or a topic's role label for the ministries' national-scope phrasing.
SCOPE = {"ministry": ("toàn ngành", "của Bộ"), "province": ("trên địa bàn tỉnh", "của tỉnh")}


@dataclass(frozen=True)
class TaskSpec:
    topic: str
    role: str
    variant: int = 0
    lead: str = ""  # a department suffix for a province ("YT"), "" for the owner itself
    person: str = ""
    months: int = 12  # deadline: months after the programme's start
    goal: int | None = None  # index of the goal the task serves


@dataclass(frozen=True)
class GoalSpec:
    indicator: str
    baseline: Decimal
    targets: tuple[tuple[int, Decimal], ...]
    source: str


@dataclass(frozen=True)
class ProgrammeSpec:
    owner: str
    kind: str  # "ministry" | "province"
    title: str
    breakthrough: str
    problem: str
    area: str  # programmes.models.Area
    de06: tuple[str, ...]
    goals: tuple[GoalSpec, ...]
    tasks: tuple[TaskSpec, ...]
    budget: tuple[tuple[int, str, int], ...]  # (year, source, đồng)
    state: str = "approved"  # approved | submitted | returned | draft
    start: date = date(2025, 1, 1)


def task_text(spec: TaskSpec, kind: str) -> str:
    place, scope = SCOPE[kind]
    texts = TOPICS[spec.topic].phrasings[spec.role]
    return texts[spec.variant % len(texts)].format(place=place, scope=scope)


def task_result(spec: TaskSpec) -> str:
    return TOPICS[spec.topic].results[spec.role]


def label_of(a: tuple[str, str], b: tuple[str, str]) -> tuple[str, str]:
    """The label of two tasks of different agencies, from their (topic, role), and why.

    Same topic: both building a shared system → overlap; one building what the other
    connects to → complementary; two agencies each doing their own part (connecting, or a
    local duty) → not related. Different topics → not related, however alike the words."""
    (topic_a, role_a), (topic_b, role_b) = a, b
    if topic_a != topic_b:
        return NOT_RELATED, "different work"
    shared = TOPICS[topic_a].shared if topic_a in TOPICS else False
    if role_a == role_b == BUILD and shared:
        return OVERLAP, "both build the same shared system"
    if {role_a, role_b} == {BUILD, CONNECT}:
        return COMPLEMENTARY, "one builds what the other connects to"
    return NOT_RELATED, "each does its own part"


# --- the programmes ---------------------------------------------------------------------------

_SOURCE = "Hệ thống báo cáo của bộ, ngành, địa phương (số liệu minh họa)"


def _g(indicator: str, baseline: str, *targets: tuple[int, str], source: str = _SOURCE) -> GoalSpec:
    return GoalSpec(
        indicator, Decimal(baseline), tuple((y, Decimal(v)) for y, v in targets), source
    )


_PROVINCE_GOALS = (
    _g("DVC_TL_HS_XLTT", "45", (2025, "60"), (2026, "70"), (2027, "80")),
    _g("DVC_TL_SOHOA", "60", (2025, "80"), (2026, "90"), (2027, "100")),
    _g("DVC_TL_ND_SUDUNG", "30", (2025, "45"), (2026, "55"), (2027, "65")),
    _g("DVC_TL_HAILONG", "85", (2025, "90"), (2026, "95")),
)


def _province(
    code: str,
    name: str,
    breakthrough: str,
    problem: str,
    area: str,
    tasks: tuple[TaskSpec, ...],
    goals: int = 4,
    state: str = "approved",
    de06: tuple[str, ...] = ("population", "vneid"),
) -> ProgrammeSpec:
    return ProgrammeSpec(
        owner=code,
        kind="province",
        title=f"Đề án chuyển đổi số tỉnh {name} giai đoạn 2025 - 2030 (mũi đột phá: "
        f"{breakthrough.lower()})",
        breakthrough=breakthrough,
        problem=problem,
        area=area,
        de06=de06,
        goals=_PROVINCE_GOALS[:goals],
        tasks=tasks,
        budget=((2025, "local_budget", 45_000_000_000), (2026, "local_budget", 60_000_000_000)),
        state=state,
    )


def _common(offset: int) -> tuple[TaskSpec, ...]:
    """Every province's own duties (each does its own part), phrased by its offset."""
    return (
        TaskSpec("DIGITISE", LOCAL, offset, "VP", "Chánh Văn phòng UBND tỉnh", 9, 1),
        TaskSpec("PORTAL", LOCAL, offset, "VP", "Chánh Văn phòng UBND tỉnh", 12, 0),
        TaskSpec("SKILLS", LOCAL, offset, "NV", "Giám đốc Sở Nội vụ", 18),
        TaskSpec("SOC", LOCAL, offset, "KHCN", "Giám đốc Sở Khoa học và Công nghệ", 12),
        TaskSpec("LGSP", LOCAL, offset, "KHCN", "Giám đốc Sở Khoa học và Công nghệ", 10),
        TaskSpec("REPORTING", LOCAL, 0, "VP", "Chánh Văn phòng UBND tỉnh", 6),
        TaskSpec("INFRA", LOCAL, 0, "KHCN", "Giám đốc Sở Khoa học và Công nghệ", 24),
    )


PROGRAMMES: tuple[ProgrammeSpec, ...] = (
    ProgrammeSpec(
        owner="BYT",
        kind="ministry",
        title="Đề án chuyển đổi số ngành y tế: hồ sơ sức khỏe điện tử toàn dân",
        breakthrough="Hồ sơ sức khỏe điện tử cho mọi người dân",
        problem="Dữ liệu khám chữa bệnh phân tán ở từng bệnh viện; người dân phải mang sổ "
        "giấy, xét nghiệm lặp lại khi chuyển tuyến. Đo bằng tỷ lệ người dân có hồ sơ sức khỏe "
        "điện tử trên VNeID.",
        area="sector_economy",
        de06=("health_insurance", "vneid", "population"),
        goals=(
            _g("DVC_TL_HS_XLTT", "50", (2025, "70"), (2026, "80")),
            _g("DVC_TL_ND_SUDUNG", "35", (2025, "50"), (2026, "65")),
            _g("DVC_TL_HAILONG", "88", (2025, "92"), (2026, "95")),
        ),
        tasks=(
            TaskSpec("EHR", BUILD, 0, "", "Cục trưởng Cục Công nghệ thông tin", 12, 0),
            TaskSpec("TELEHEALTH", LOCAL, 0, "", "Cục trưởng Cục Quản lý khám, chữa bệnh", 18),
            TaskSpec("SKILLS", LOCAL, 1, "", "Vụ trưởng Vụ Tổ chức cán bộ", 12),
            TaskSpec("SOC", LOCAL, 0, "", "Cục trưởng Cục Công nghệ thông tin", 12),
            TaskSpec("DIGITISE", LOCAL, 1, "", "Chánh Văn phòng Bộ", 9, 0),
            TaskSpec("PORTAL", LOCAL, 1, "", "Chánh Văn phòng Bộ", 12, 0),
            TaskSpec("CASHLESS", LOCAL, 0, "", "Vụ trưởng Vụ Kế hoạch - Tài chính", 12),
            TaskSpec("REPORTING", LOCAL, 0, "", "Vụ trưởng Vụ Kế hoạch - Tài chính", 6),
            TaskSpec("OPENDATA", LOCAL, 0, "", "Cục trưởng Cục Công nghệ thông tin", 15),
            TaskSpec("SOCIAL", CONNECT, 0, "", "Vụ trưởng Vụ Bảo hiểm y tế", 18),
        ),
        budget=(
            (2025, "central_budget", 120_000_000_000),
            (2026, "central_budget", 150_000_000_000),
        ),
    ),
    ProgrammeSpec(
        owner="BGDDT",
        kind="ministry",
        title="Đề án chuyển đổi số ngành giáo dục: học bạ số và văn bằng số",
        breakthrough="Học bạ số, văn bằng số cho mọi học sinh",
        problem="Học bạ giấy dễ thất lạc, khó xác thực; tuyển sinh phải nộp bản sao chứng "
        "thực. Đo bằng số học sinh có học bạ số và tỷ lệ hồ sơ tuyển sinh trực tuyến.",
        area="digital_data",
        de06=("population", "vneid"),
        goals=(
            _g("DVC_TL_SOHOA", "40", (2025, "70"), (2026, "90")),
            _g("DVC_TL_HS_XLTT", "55", (2025, "70"), (2026, "85")),
            _g("DVC_TL_ND_SUDUNG", "30", (2025, "45"), (2026, "60")),
        ),
        tasks=(
            TaskSpec(
                "SCHOOL", BUILD, 2, "", "Cục trưởng Cục Khoa học, Công nghệ và Thông tin", 12, 0
            ),
            TaskSpec("SKILLS", LOCAL, 0, "", "Vụ trưởng Vụ Tổ chức cán bộ", 12),
            TaskSpec("DIGITISE", LOCAL, 0, "", "Chánh Văn phòng Bộ", 9, 0),
            TaskSpec("PORTAL", LOCAL, 0, "", "Chánh Văn phòng Bộ", 12, 1),
            TaskSpec("SOC", LOCAL, 1, "", "Cục trưởng Cục Khoa học, Công nghệ và Thông tin", 12),
            TaskSpec(
                "OPENDATA", LOCAL, 0, "", "Cục trưởng Cục Khoa học, Công nghệ và Thông tin", 18
            ),
            TaskSpec("CASHLESS", LOCAL, 0, "", "Vụ trưởng Vụ Kế hoạch - Tài chính", 12),
            TaskSpec("REPORTING", LOCAL, 0, "", "Vụ trưởng Vụ Kế hoạch - Tài chính", 6),
            TaskSpec(
                "CIVIL", CONNECT, 1, "", "Cục trưởng Cục Khoa học, Công nghệ và Thông tin", 18
            ),
            TaskSpec("EHR", CONNECT, 2, "", "Cục trưởng Cục Khoa học, Công nghệ và Thông tin", 24),
        ),
        budget=((2025, "central_budget", 80_000_000_000), (2026, "central_budget", 95_000_000_000)),
    ),
    ProgrammeSpec(
        owner="BTP",
        kind="ministry",
        title="Đề án chuyển đổi số ngành tư pháp: hộ tịch và lý lịch tư pháp số",
        breakthrough="Hộ tịch điện tử và lý lịch tư pháp trực tuyến",
        problem="Sổ hộ tịch giấy ở cấp xã chưa số hóa hết; cấp phiếu lý lịch tư pháp còn mất "
        "nhiều ngày. Đo bằng tỷ lệ hồ sơ xử lý trực tuyến và tỷ lệ kết quả được số hóa.",
        area="digital_government",
        de06=("civil_status", "judicial_record", "vneid"),
        goals=(
            _g("DVC_TL_HS_XLTT", "60", (2025, "75"), (2026, "85")),
            _g("DVC_TL_SOHOA", "50", (2025, "75"), (2026, "95")),
            _g("DVC_TL_HAILONG", "86", (2025, "90"), (2026, "95")),
        ),
        tasks=(
            TaskSpec("CIVIL", BUILD, 0, "", "Cục trưởng Cục Hộ tịch, quốc tịch, chứng thực", 12, 1),
            TaskSpec("JUDICIAL", BUILD, 0, "", "Cục trưởng Cục Hành chính tư pháp", 9, 0),
            TaskSpec("DIGITISE", LOCAL, 0, "", "Chánh Văn phòng Bộ", 9, 1),
            TaskSpec("PORTAL", LOCAL, 1, "", "Chánh Văn phòng Bộ", 12, 0),
            TaskSpec("SKILLS", LOCAL, 1, "", "Vụ trưởng Vụ Tổ chức cán bộ", 12),
            TaskSpec("SOC", LOCAL, 0, "", "Cục trưởng Cục Công nghệ thông tin", 12),
            TaskSpec("OPENDATA", LOCAL, 0, "", "Cục trưởng Cục Công nghệ thông tin", 18),
            TaskSpec("REPORTING", LOCAL, 0, "", "Chánh Văn phòng Bộ", 6),
            TaskSpec("CASHLESS", LOCAL, 0, "", "Vụ trưởng Vụ Kế hoạch - Tài chính", 12),
            TaskSpec("LAND", CONNECT, 1, "", "Cục trưởng Cục Công nghệ thông tin", 18),
        ),
        budget=((2025, "central_budget", 60_000_000_000), (2026, "central_budget", 70_000_000_000)),
    ),
    ProgrammeSpec(
        owner="BCA",
        kind="ministry",
        title="Đề án dữ liệu dân cư phục vụ an ninh trật tự và dịch vụ công (mở rộng Đề án 06)",
        breakthrough="Dữ liệu dân cư làm nền cho an ninh trật tự và dịch vụ công",
        problem="Dữ liệu hộ tịch, cư trú và hình ảnh giám sát chưa liên thông; người dân vẫn "
        "khai lại thông tin đã có. Đo bằng tỷ lệ hồ sơ tái sử dụng dữ liệu dân cư.",
        area="digital_data",
        de06=("population", "vneid", "security_order", "civil_status"),
        goals=(
            _g("DVC_TL_HS_XLTT", "55", (2025, "70"), (2026, "85")),
            _g("DVC_TL_ND_SUDUNG", "40", (2025, "55"), (2026, "70")),
            _g("DVC_TL_HAILONG", "87", (2025, "92"), (2026, "95")),
            _g("DVC_TL_SOHOA", "55", (2025, "75"), (2026, "90")),
        ),
        tasks=(
            # Planted: the Ministry of Justice builds the same database (two ministries).
            TaskSpec(
                "CIVIL",
                BUILD,
                1,
                "",
                "Cục trưởng Cục Cảnh sát quản lý hành chính về trật tự xã hội",
                12,
                0,
            ),
            TaskSpec(
                "CAMERA",
                BUILD,
                0,
                "",
                "Cục trưởng Cục Cảnh sát quản lý hành chính về trật tự xã hội",
                18,
            ),
            TaskSpec("JUDICIAL", CONNECT, 0, "", "Cục trưởng Cục Hồ sơ nghiệp vụ", 9, 1),
            TaskSpec("SKILLS", LOCAL, 1, "", "Cục trưởng Cục Tổ chức cán bộ", 12),
            TaskSpec(
                "SOC",
                LOCAL,
                1,
                "",
                "Cục trưởng Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao",
                6,
            ),
            TaskSpec("DIGITISE", LOCAL, 1, "", "Chánh Văn phòng Bộ", 9, 3),
            TaskSpec("PORTAL", LOCAL, 0, "", "Chánh Văn phòng Bộ", 12, 0),
            TaskSpec("REPORTING", LOCAL, 0, "", "Chánh Văn phòng Bộ", 6),
            TaskSpec(
                "OPENDATA",
                LOCAL,
                0,
                "",
                "Cục trưởng Cục Cảnh sát quản lý hành chính về trật tự xã hội",
                18,
            ),
            TaskSpec("EINVOICE", CONNECT, 1, "", "Cục trưởng Cục Cảnh sát kinh tế", 12),
        ),
        budget=(
            (2025, "central_budget", 200_000_000_000),
            (2026, "central_budget", 240_000_000_000),
        ),
    ),
    ProgrammeSpec(
        owner="BNNMT",
        kind="ministry",
        title="Đề án chuyển đổi số ngành nông nghiệp và môi trường: dữ liệu đất đai và truy "
        "xuất nguồn gốc",
        breakthrough="Dữ liệu đất đai thống nhất và nông sản truy xuất được nguồn gốc",
        problem="Dữ liệu đất đai mới được xây dựng ở một phần các huyện cũ, chưa thống nhất; "
        "nông sản xuất khẩu thiếu mã truy xuất. Đo bằng tỷ lệ hồ sơ đất đai xử lý trực tuyến.",
        area="sector_economy",
        de06=("population", "vneid"),
        goals=(
            _g("DVC_TL_HS_XLTT", "40", (2025, "60"), (2026, "80")),
            _g("DVC_TL_SOHOA", "45", (2025, "70"), (2026, "90")),
            _g("DVC_TL_HAILONG", "84", (2025, "90"), (2026, "93")),
        ),
        tasks=(
            TaskSpec("LAND", BUILD, 0, "", "Cục trưởng Cục Quản lý đất đai", 18, 0),
            TaskSpec(
                "TRACE",
                BUILD,
                0,
                "",
                "Cục trưởng Cục Chất lượng, Chế biến và Phát triển thị trường",
                12,
            ),
            TaskSpec("DIGITISE", LOCAL, 0, "", "Chánh Văn phòng Bộ", 9, 1),
            TaskSpec("PORTAL", LOCAL, 1, "", "Chánh Văn phòng Bộ", 12, 0),
            TaskSpec("SKILLS", LOCAL, 1, "", "Vụ trưởng Vụ Tổ chức cán bộ", 12),
            TaskSpec("SOC", LOCAL, 0, "", "Cục trưởng Cục Chuyển đổi số", 12),
            TaskSpec("OPENDATA", LOCAL, 0, "", "Cục trưởng Cục Chuyển đổi số", 18),
            TaskSpec("REPORTING", LOCAL, 0, "", "Chánh Văn phòng Bộ", 6),
            TaskSpec(
                "ECOMMERCE",
                LOCAL,
                0,
                "",
                "Cục trưởng Cục Chất lượng, Chế biến và Phát triển thị trường",
                18,
            ),
            TaskSpec("EINVOICE", CONNECT, 0, "", "Vụ trưởng Vụ Tài chính", 12),
        ),
        budget=(
            (2025, "central_budget", 150_000_000_000),
            (2026, "central_budget", 180_000_000_000),
        ),
    ),
    _province(
        "UBND-T25",
        "Phú Thọ",
        "Y tế số và học bạ số cho người dân",
        "Người dân vùng núi phải đi xa để khám bệnh và làm thủ tục; kết quả khám, học tập "
        "chưa được lưu điện tử. Đo bằng tỷ lệ hồ sơ xử lý trực tuyến và tỷ lệ số hóa.",
        "digital_government",
        (
            *_common(0),
            TaskSpec("EHR", BUILD, 1, "YT", "Giám đốc Sở Y tế", 18, 2),
            TaskSpec("SCHOOL", BUILD, 1, "GDDT", "Giám đốc Sở Giáo dục và Đào tạo", 12, 1),
            TaskSpec("TRACE", BUILD, 1, "NNMT", "Giám đốc Sở Nông nghiệp và Môi trường", 18),
            TaskSpec("TELEHEALTH", LOCAL, 0, "YT", "Giám đốc Sở Y tế", 12),
            TaskSpec("IOC", LOCAL, 0, "KHCN", "Giám đốc Sở Khoa học và Công nghệ", 12),
            TaskSpec("CIVIL", CONNECT, 0, "TP", "Giám đốc Sở Tư pháp", 12, 1),
        ),
        state="returned",
    ),
    _province(
        "UBND-T11",
        "Điện Biên",
        "Dịch vụ công trực tuyến cho đồng bào vùng cao",
        "Tỷ lệ người dân dùng dịch vụ công trực tuyến thấp do hạ tầng và kỹ năng số; nhiều "
        "thôn, bản chưa có sóng di động. Đo bằng tỷ lệ người dân sử dụng dịch vụ công.",
        "digital_government",
        (
            *_common(1),
            TaskSpec("EHR", BUILD, 2, "YT", "Giám đốc Sở Y tế", 24),
            TaskSpec("ECOMMERCE", LOCAL, 0, "CT", "Giám đốc Sở Công Thương", 12),
            TaskSpec("TELEHEALTH", LOCAL, 0, "YT", "Giám đốc Sở Y tế", 18),
            TaskSpec("LAND", CONNECT, 0, "NNMT", "Giám đốc Sở Nông nghiệp và Môi trường", 18, 1),
            TaskSpec("TOURISM", BUILD, 1, "VHTTDL", "Giám đốc Sở Văn hóa, Thể thao và Du lịch", 18),
        ),
        goals=3,
        state="submitted",
    ),
    _province(
        "UBND-T79",
        "Thành phố Hồ Chí Minh",
        "Đô thị thông minh lấy người dân làm trung tâm",
        "Mật độ dân cư cao, thủ tục đất đai và y tế quá tải. Đo bằng tỷ lệ hồ sơ xử lý trực "
        "tuyến và mức độ hài lòng của người dân.",
        "smart_city",
        (
            *_common(0),
            TaskSpec("EHR", BUILD, 3, "YT", "Giám đốc Sở Y tế", 12, 0),
            TaskSpec("SCHOOL", BUILD, 3, "GDDT", "Giám đốc Sở Giáo dục và Đào tạo", 12, 1),
            TaskSpec("LAND", BUILD, 1, "NNMT", "Giám đốc Sở Nông nghiệp và Môi trường", 18, 0),
            TaskSpec("CAMERA", BUILD, 1, "", "Giám đốc Công an Thành phố", 18),
            TaskSpec("IOC", LOCAL, 1, "KHCN", "Giám đốc Sở Khoa học và Công nghệ", 12),
            TaskSpec("OPENDATA", LOCAL, 0, "KHCN", "Giám đốc Sở Khoa học và Công nghệ", 12),
            TaskSpec("CASHLESS", LOCAL, 0, "TC", "Giám đốc Sở Tài chính", 12),
            TaskSpec("EINVOICE", CONNECT, 0, "TC", "Giám đốc Sở Tài chính", 12),
            TaskSpec("TOURISM", BUILD, 2, "VHTTDL", "Giám đốc Sở Văn hóa, Thể thao và Du lịch", 12),
        ),
    ),
    _province(
        "UBND-T01",
        "Hà Nội",
        "Dữ liệu số phục vụ chính quyền đô thị",
        "Dữ liệu chuyên ngành phân tán ở từng sở, thiếu liên thông; người dân khai lại thông "
        "tin. Đo bằng tỷ lệ kết quả giải quyết TTHC được số hóa và tái sử dụng.",
        "digital_data",
        (
            *_common(1),
            TaskSpec("EHR", BUILD, 4, "YT", "Giám đốc Sở Y tế", 18, 0),
            TaskSpec("SCHOOL", BUILD, 0, "GDDT", "Giám đốc Sở Giáo dục và Đào tạo", 12, 1),
            TaskSpec("SOCIAL", BUILD, 1, "NV", "Giám đốc Sở Nội vụ", 18),
            TaskSpec("IOC", LOCAL, 0, "KHCN", "Giám đốc Sở Khoa học và Công nghệ", 12),
            TaskSpec("LAND", CONNECT, 1, "NNMT", "Giám đốc Sở Nông nghiệp và Môi trường", 12),
            TaskSpec("JUDICIAL", CONNECT, 0, "TP", "Giám đốc Sở Tư pháp", 6),
            TaskSpec("EINVOICE", CONNECT, 1, "TC", "Giám đốc Sở Tài chính", 12),
        ),
    ),
    _province(
        "UBND-T48",
        "Đà Nẵng",
        "Du lịch thông minh và đô thị thông minh",
        "Du lịch là ngành kinh tế chính nhưng dữ liệu du khách, điểm đến chưa được khai "
        "thác. Đo bằng mức độ hài lòng và tỷ lệ hồ sơ xử lý trực tuyến.",
        "smart_city",
        (
            *_common(0),
            TaskSpec(
                "TOURISM", BUILD, 1, "VHTTDL", "Giám đốc Sở Văn hóa, Thể thao và Du lịch", 12, 3
            ),
            TaskSpec("EHR", BUILD, 0, "YT", "Giám đốc Sở Y tế", 18),
            TaskSpec("IOC", LOCAL, 1, "KHCN", "Giám đốc Sở Khoa học và Công nghệ", 12),
            TaskSpec("CAMERA", CONNECT, 0, "", "Giám đốc Công an Thành phố", 12),
            TaskSpec("CASHLESS", LOCAL, 0, "TC", "Giám đốc Sở Tài chính", 12),
        ),
    ),
    _province(
        "UBND-T22",
        "Quảng Ninh",
        "Nông sản OCOP truy xuất nguồn gốc và thương mại điện tử",
        "Sản phẩm OCOP khó tiếp cận thị trường lớn do thiếu truy xuất nguồn gốc. Đo bằng tỷ lệ "
        "hồ sơ xử lý trực tuyến và tỷ lệ người dân sử dụng dịch vụ công.",
        "sector_economy",
        (
            *_common(1),
            TaskSpec("TRACE", BUILD, 2, "NNMT", "Giám đốc Sở Nông nghiệp và Môi trường", 12),
            TaskSpec("ECOMMERCE", LOCAL, 0, "CT", "Giám đốc Sở Công Thương", 12),
            TaskSpec("EHR", BUILD, 1, "YT", "Giám đốc Sở Y tế", 24),
            TaskSpec(
                "TOURISM", CONNECT, 0, "VHTTDL", "Giám đốc Sở Văn hóa, Thể thao và Du lịch", 12
            ),
        ),
        goals=3,
    ),
    _province(
        "UBND-T38",
        "Thanh Hóa",
        "Chính quyền số cấp xã",
        "Sau sắp xếp đơn vị hành chính, cấp xã tiếp nhận nhiều thủ tục hơn nhưng thiếu công cụ "
        "số. Đo bằng tỷ lệ hồ sơ xử lý trực tuyến ở cấp xã.",
        "digital_government",
        (
            *_common(0),
            TaskSpec("EHR", BUILD, 3, "YT", "Giám đốc Sở Y tế", 18),
            TaskSpec("SOCIAL", BUILD, 2, "NV", "Giám đốc Sở Nội vụ", 12),
            TaskSpec("CIVIL", CONNECT, 1, "TP", "Giám đốc Sở Tư pháp", 12, 1),
            TaskSpec("SCHOOL", CONNECT, 0, "GDDT", "Giám đốc Sở Giáo dục và Đào tạo", 12),
        ),
        state="draft",
    ),
    _province(
        "UBND-T92",
        "Cần Thơ",
        "Nông nghiệp số vùng Đồng bằng sông Cửu Long",
        "Nông dân thiếu thông tin thị trường và truy xuất nguồn gốc; dữ liệu đất đai chưa "
        "đồng bộ. Đo bằng tỷ lệ hồ sơ xử lý trực tuyến và tỷ lệ số hóa.",
        "sector_economy",
        (
            *_common(1),
            TaskSpec("TRACE", BUILD, 1, "NNMT", "Giám đốc Sở Nông nghiệp và Môi trường", 12),
            TaskSpec("LAND", BUILD, 2, "NNMT", "Giám đốc Sở Nông nghiệp và Môi trường", 18, 1),
            TaskSpec("EHR", CONNECT, 0, "YT", "Giám đốc Sở Y tế", 12),
            TaskSpec("ECOMMERCE", LOCAL, 0, "CT", "Giám đốc Sở Công Thương", 12),
        ),
        goals=3,
    ),
    _province(
        "UBND-T46",
        "Huế",
        "Di sản số và du lịch thông minh",
        "Di sản văn hóa chưa được số hóa để quảng bá; du khách thiếu thông tin. Đo bằng mức "
        "độ hài lòng và tỷ lệ người dân sử dụng dịch vụ công.",
        "smart_city",
        (
            *_common(0),
            TaskSpec("TOURISM", BUILD, 2, "VHTTDL", "Giám đốc Sở Văn hóa, Thể thao và Du lịch", 12),
            TaskSpec("EHR", CONNECT, 1, "YT", "Giám đốc Sở Y tế", 12),
            TaskSpec("SCHOOL", BUILD, 2, "GDDT", "Giám đốc Sở Giáo dục và Đào tạo", 18),
            TaskSpec("IOC", LOCAL, 0, "KHCN", "Giám đốc Sở Khoa học và Công nghệ", 12),
        ),
    ),
)
