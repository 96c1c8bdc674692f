"""A deterministic national-scale corpus of tasks for the overlap benchmark (pure: no ORM).

50,000 tasks is about what every ministry's and province's programme (each department's
plan included) and a few years of directive tasks add up to. Texts are composed the way the
documents write them — a verb, a kind of system or document, a domain, a scope, one to three
qualifying clauses — with domains drawn by a Zipf law (some work is everywhere, most is
rare). Planted in it: national platforms that a ministry builds and 2 to 25 provinces also
build, each in its own words (`Planted`), which the detector must find as clusters.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from dxgov.programmes.overlap import Doc
from dxgov.programmes.segment import segment

BUILD = ("Xây dựng", "Đầu tư", "Phát triển", "Thiết lập", "Xây dựng mới")
OTHER = (
    "Nâng cấp",
    "Kết nối",
    "Số hóa",
    "Cập nhật",
    "Chuẩn hóa",
    "Tập huấn sử dụng",
    "Rà soát",
    "Ban hành quy chế vận hành",
    "Tuyên truyền, hướng dẫn sử dụng",
    "Đánh giá hiệu quả",
    "Khảo sát hiện trạng",
    "Vận hành",
    "Duy trì",
    "Thí điểm",
    "Bảo đảm an toàn thông tin cho",
)
KINDS = (
    ("hệ thống thông tin", "platform"),
    ("cơ sở dữ liệu", "database"),
    ("nền tảng số", "platform"),
    ("phần mềm", "platform"),
    ("cổng thông tin", "platform"),
    ("ứng dụng di động", "platform"),
    ("kho dữ liệu", "database"),
    ("bộ chỉ số", "data"),
    ("quy trình điện tử", "service"),
    ("dịch vụ công trực tuyến", "service"),
    ("chương trình bồi dưỡng", "skills"),
    ("kế hoạch", "regulation"),
)
DOMAINS = tuple(
    """quản lý đất đai|hồ sơ sức khỏe|học bạ|hộ tịch|an sinh xã hội|quản lý thuế|hóa đơn
    điện tử|quản lý văn bản|một cửa điện tử|giám sát môi trường|quan trắc nước|quản lý rừng|
    phòng chống thiên tai|quản lý cán bộ công chức|thi đua khen thưởng|thanh tra|khiếu nại
    tố cáo|quản lý xây dựng|cấp phép xây dựng|quy hoạch đô thị|giao thông thông minh|bãi đỗ
    xe|chiếu sáng công cộng|cấp nước sạch|thu gom rác thải|du lịch|di sản văn hóa|thư viện
    số|bảo tàng số|thể dục thể thao|nông sản|truy xuất nguồn gốc|phân bón|thú y|thủy sản|
    khuyến nông|thương mại điện tử|xúc tiến đầu tư|hỗ trợ doanh nghiệp|hợp tác xã|lao động
    việc làm|bảo hiểm xã hội|người có công|bảo vệ trẻ em|bình đẳng giới|dân tộc thiểu số|
    tín ngưỡng tôn giáo|lý lịch tư pháp|công chứng|trợ giúp pháp lý|thi hành án dân sự|an
    ninh trật tự|phòng cháy chữa cháy|quản lý cư trú|xuất nhập cảnh|y tế cơ sở|tiêm chủng|
    dược phẩm|khám chữa bệnh|giáo dục mầm non|tuyển sinh đầu cấp|thi tốt nghiệp|giáo dục
    nghề nghiệp|khoa học công nghệ|sở hữu trí tuệ|tiêu chuẩn đo lường|tiết kiệm năng lượng|
    điện lực|khoáng sản|tài nguyên nước|biển và hải đảo|khí tượng thủy văn|ngân sách nhà
    nước|đầu tư công|mua sắm công|tài sản công|kho bạc|hải quan|thống kê|báo cáo kinh tế -
    xã hội|chỉ đạo điều hành|họp trực tuyến|chữ ký số|định danh điện tử|thanh toán trực
    tuyến|phản ánh kiến nghị|tổng đài hỗ trợ|camera giám sát|chính quyền số cấp xã|văn hóa
    cơ sở|gia đình|phòng chống ma túy|quốc phòng địa phương|đối ngoại|kiều bào|báo chí|
    phát thanh truyền hình|bưu chính|viễn thông|tần số vô tuyến|an toàn thực phẩm|quản lý
    thị trường|giá cả|doanh nghiệp nhà nước|nợ công|chứng khoán|bảo hiểm|ngân hàng|tín dụng
    chính sách|nhà ở xã hội|bất động sản|hạ tầng kỹ thuật|cảng biển|đường thủy nội địa|
    đăng kiểm|giấy phép lái xe|vận tải|logistics|hàng không|đường sắt|cửa khẩu|biên giới|
    địa giới hành chính|lưu trữ lịch sử|tài liệu lưu trữ|thi tuyển công chức|đào tạo cán
    bộ|chấm điểm cải cách hành chính|kiểm soát thủ tục hành chính|pháp điển|phổ biến
    pháp luật|hòa giải ở cơ sở|đất trồng lúa|thủy lợi|đê điều|giống cây trồng|chăn nuôi|
    lâm nghiệp|làng nghề|sản phẩm OCOP|khu công nghiệp|cụm công nghiệp|khởi nghiệp sáng
    tạo|chuyển giao công nghệ|phòng thí nghiệm|an toàn bức xạ|bệnh viện thông minh|y tế
    dự phòng|dân số kế hoạch hóa gia đình|người cao tuổi|người khuyết tật|giảm nghèo|nông
    thôn mới|đô thị thông minh|trung tâm điều hành|dữ liệu mở|dữ liệu dân cư|dữ liệu doanh
    nghiệp|dữ liệu đất đai|dữ liệu y tế|dữ liệu giáo dục""".replace("\n    ", " ").split("|")
)
DOMAINS = tuple(" ".join(d.split()) for d in DOMAINS)
PROVINCES = (
    "Hà Nội",
    "Cao Bằng",
    "Tuyên Quang",
    "Điện Biên",
    "Lai Châu",
    "Sơn La",
    "Lào Cai",
    "Thái Nguyên",
    "Lạng Sơn",
    "Quảng Ninh",
    "Bắc Ninh",
    "Phú Thọ",
    "Hải Phòng",
    "Hưng Yên",
    "Ninh Bình",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Trị",
    "Huế",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Đắk Lắk",
    "Lâm Đồng",
    "Đồng Nai",
    "Thành phố Hồ Chí Minh",
    "Tây Ninh",
    "Đồng Tháp",
    "Vĩnh Long",
    "An Giang",
    "Cần Thơ",
    "Cà Mau",
)
DEPARTMENTS = ("VP", "NV", "TP", "TC", "CT", "NNMT", "XD", "VHTTDL", "KHCN", "GDDT", "YT")
MINISTRIES = tuple(f"B{n:02d}" for n in range(17))
QUALIFIERS = (
    "giai đoạn 2025 - 2026",
    "giai đoạn 2026 - 2030",
    "theo Kế hoạch số {n}/KH-UBND",
    "bảo đảm kết nối với Đề án 06",
    "phục vụ người dân và doanh nghiệp",
    "tại {n} xã, phường",
    "ưu tiên vùng đồng bào dân tộc thiểu số",
    "gắn với cải cách thủ tục hành chính",
    "bảo đảm an toàn thông tin theo cấp độ",
    "hoàn thành trước quý {q}/{y}",
    "với kinh phí {n} tỷ đồng",
    "thí điểm tại {n} đơn vị",
    "kết nối, chia sẻ dữ liệu với các bộ, ngành",
    "đáp ứng yêu cầu chỉ đạo, điều hành",
    "theo hướng dẫn của bộ quản lý chuyên ngành",
)
# Paraphrases of "the province's own system of <domain>" for the planted duplicates.
OWN = (
    "{verb} {kind} {domain} riêng của tỉnh {province}",
    "{verb} {kind} {domain} dùng riêng cho tỉnh {province}",
    "{verb} {kind} phục vụ {domain} trên địa bàn tỉnh {province}",
    "Tỉnh {province} {verb_lower} {kind} {domain} của tỉnh",
)
NATIONAL = "{verb} {kind} {domain} quốc gia, dùng chung toàn quốc"


@dataclass(frozen=True)
class Planted:
    """A national platform and the provinces that build their own (document indexes)."""

    centre: int
    members: tuple[int, ...]


def _zipf(rng: random.Random, n: int, s: float = 0.6) -> int:
    weights = _WEIGHTS.setdefault((n, s), [1.0 / (k + 1) ** s for k in range(n)])
    return rng.choices(range(n), weights=weights)[0]


_WEIGHTS: dict[tuple[int, float], list[float]] = {}


def _clause(rng: random.Random) -> str:
    template = rng.choice(QUALIFIERS)
    return template.format(n=rng.randint(2, 400), q=rng.randint(1, 4), y=rng.randint(2025, 2030))


def _ordinary(rng: random.Random) -> tuple[str, str]:
    verb = rng.choice(BUILD) if rng.random() < 0.12 else rng.choice(OTHER)
    kind, category = KINDS[_zipf(rng, len(KINDS), 0.5)]
    domain = DOMAINS[_zipf(rng, len(DOMAINS))]
    scope = rng.choice(("của tỉnh " + rng.choice(PROVINCES), "toàn ngành", "của Bộ", "cấp xã"))
    clauses = "".join(f", {_clause(rng)}" for _ in range(rng.choice((0, 0, 1, 1, 2))))
    return f"{verb} {kind} {domain} {scope}{clauses}", category


@dataclass(frozen=True)
class Row:
    text: str
    agency: str
    national: bool
    group: str
    programme: bool
    category: str


def rows(count: int, seed: int = 21, platforms: int = 300) -> tuple[list[Row], list[Planted]]:
    """`count` tasks, the first ones the planted national platforms and their duplicates."""
    rng = random.Random(seed)
    out: list[Row] = []
    planted: list[Planted] = []
    domains = rng.sample(DOMAINS, min(platforms, len(DOMAINS)))
    for number in range(platforms):
        if len(out) >= count // 5:
            break
        domain = domains[number % len(domains)]
        kind, category = rng.choice(KINDS[:7])
        ministry = rng.choice(MINISTRIES)
        centre = len(out)
        text = NATIONAL.format(verb=rng.choice(BUILD), kind=kind, domain=domain)
        out.append(Row(f"{text}, {_clause(rng)}", ministry, True, "", True, category))
        members = []
        for province in rng.sample(range(len(PROVINCES)), min(34, 2 + _zipf(rng, 24, 0.7))):
            verb = rng.choice(BUILD)
            own = rng.choice(OWN).format(
                verb=verb,
                verb_lower=verb.lower(),
                kind=rng.choice((kind, rng.choice(KINDS[:7])[0])),
                domain=domain,
                province=PROVINCES[province],
            )
            members.append(len(out))
            agency = f"SO-{province:02d}-{rng.choice(DEPARTMENTS)}"
            out.append(Row(f"{own}, {_clause(rng)}", agency, False, "", True, category))
        planted.append(Planted(centre, tuple(members)))
    directives = max(1, count // 25)
    while len(out) < count:
        text, category = _ordinary(rng)
        programme = rng.random() < 0.5
        national = rng.random() < 0.2
        agency = (
            rng.choice(MINISTRIES)
            if national
            else f"SO-{rng.randrange(len(PROVINCES)):02d}-{rng.choice(DEPARTMENTS)}"
        )
        group = "" if programme else f"d{rng.randrange(directives)}"
        out.append(Row(text, agency, national, group, programme, category))
    return out, planted


def docs(rows_: list[Row]) -> Iterator[Doc]:
    for index, row in enumerate(rows_):
        yield Doc(
            key=f"x:{index}",
            words=segment(row.text),
            agency=row.agency,
            national=row.national,
            group=row.group,
            programme=row.programme,
            category=row.category,
        )
