"""Demo indicator catalogue, cross-indicator rules and targets (idempotent).

Two kinds of indicators:

- national figures quoted in the seed documents (Vietnamese news reports kept in
  /work/shared/seeds/), each defined with the wording, year, basis and source file it comes
  from; their values are loaded by dxgov.demo.reporting on the Government ("CP"), the
  Ministry of Public Security or the State Bank, for the periods the sources give;
- the indicators of the demo reports provinces send to the Ministry of Science and
  Technology (monthly, quarterly, yearly) and that Phú Thọ's communes send to the province.
  Their generated values are illustrative (dxgov.demo.reports says how they are made).

Targets are those of vietnam-rules §4: Đề án 06 (QĐ 06/QĐ-TTg, 6/1/2022: 25 essential
online services) and QĐ 1565/QĐ-TTg (11/2025: 982 online services per province, averaging
1,000 dossiers per service per year; 82 TTHC groups fully online; 95 % satisfaction in 2026).
The DTI decisions (QĐ 922/QĐ-BTTTT, QĐ 405/QĐ-BKHCN) define the index and its 1,000 points
but set no numeric target: the DTI indicator gets its bounds, not an invented target.

Everything is written through dxgov.indicators.actions as the demo coordinator of the
Ministry of Science and Technology (bkhcn.dieuphoi); an indicator, rule or target that
exists already is left as it is, so loading again writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from dxgov.accounts.models import User
from dxgov.indicators import actions
from dxgov.indicators.actions import IndicatorInput
from dxgov.indicators.models import (
    Indicator,
    Periodicity,
    Source,
    Target,
    TargetBasis,
    TargetScope,
    ValidationRule,
    ValueType,
)
from dxgov.orgunits.models import Agency, AgencyKind, Level

COORDINATOR = "bkhcn.dieuphoi"

# The articles the national figures are quoted from, as a reader cites them: title (where the
# article gives one), outlet, date. The copies kept in /work/shared/seeds/ are named in comments.
# seeds/001_d8b8cb5217000424.txt (the copy carries no headline)
SOURCE_SESSION2 = (
    "bài tường thuật Phiên họp thứ hai của Ủy ban Quốc gia về chuyển đổi số, Cổng Thông tin "
    "điện tử Chính phủ (chinhphu.vn), tháng 4/2022"
)
# seeds/003_7e3050719bfa722f.txt
SOURCE_SESSION3 = (
    "“Thủ tướng: Chuyển đổi số cần thực chất, không được đánh trống bỏ dùi”, VietTimes, 8/8/2022"
)
# seeds/002_282976fb551c6596.txt
SOURCE_CONF_2024 = (
    "“Thành công của chuyển đổi số phụ thuộc vào sự chủ động các bộ, ngành, địa phương”, "
    "Báo Điện Biên Phủ, 19/7/2024"
)
GENERATED_NOTE = (
    "Số liệu của các tỉnh, thành phố và các xã trong bản trình diễn là số liệu minh họa do "
    "dxgov tạo tự động (không phải số liệu thật)."
)
PERCENT_NOTE = "Nguồn chỉ nêu tỷ lệ phần trăm: tử số ghi bằng tỷ lệ đó, mẫu số ghi 100."


# The short names charts and tables show (Indicator.label); the others are the name, cut short.
SHORT_NAMES = {
    "CD_TK_DINHDANH": "Tài khoản định danh điện tử",
    "DTI_TINH": "Chỉ số DTI cấp tỉnh",
    "DVC_HS_TIEPNHAN": "Hồ sơ TTHC tiếp nhận",
    "DVC_HS_TRUCTUYEN": "Hồ sơ tiếp nhận trực tuyến",
    "DVC_KETNOI_DVCQG": "Đồng bộ hồ sơ lên Cổng DVCQG",
    "DVC_NHOM_TTHC_06": "Nhóm TTHC Đề án 06 toàn trình",
    "DVC_SO_DVCTT": "Dịch vụ công trực tuyến",
    "DVC_THIETYEU_25": "25 dịch vụ công thiết yếu",
    "DVC_TL_HAILONG": "Mức độ hài lòng",
    "DVC_TL_HS_XLTT": "Hồ sơ xử lý trực tuyến",
    "DVC_TL_ND_SUDUNG": "Người dân dùng DVC trực tuyến",
    "DVC_TL_SOHOA": "Kết quả giải quyết được số hóa",
    "KTS_KINHPHI": "Kinh phí chuyển đổi số",
    "KTS_TYTRONG_GRDP": "Kinh tế số trong GRDP",
    "KTS_VON_DTC": "Vốn đầu tư công cho CĐS",
    "QG_CCCD_CHIP": "Thẻ CCCD gắn chíp",
    "QG_CKS_TL": "Người dân có chữ ký số",
    "QG_DVC_ND_NAM": "Người dân dùng DVC trực tuyến (năm)",
    "QG_DVC_ND_PH2": "Người dân dùng DVC trực tuyến (PH2)",
    "QG_HS_TRUCTUYEN": "Hồ sơ xử lý trực tuyến (toàn quốc)",
    "QG_KTS_DONGGOP": "Đóng góp của kinh tế số",
    "QG_KTS_TANGTRUONG": "Tăng trưởng kinh tế số",
    "QG_TKTT_TL": "Dân số có tài khoản thanh toán",
    "QG_TK_DINHDANH": "Tài khoản định danh (toàn quốc)",
    "QG_TK_DINHDANH_TL": "Tài khoản định danh đã kích hoạt",
    "XHS_CKS": "Người có chữ ký số",
    "XHS_NGUOI_TT": "Người trưởng thành",
}


class DemoNotReady(RuntimeError):
    """The reference data or the demo cast is missing: run `dxgov demo`."""


@dataclass(frozen=True)
class Spec:
    code: str
    name: str
    name_en: str
    value_type: str
    owner: str
    definition: str
    unit: str = ""
    factor: int = 1
    decimals: int = 0
    periodicity: str = Periodicity.MONTH
    source: str = Source.REPORTED
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    cumulative: bool = False


def _pct(code: str, name: str, name_en: str, owner: str, definition: str, **kw: Any) -> Spec:
    return Spec(
        code,
        name,
        name_en,
        ValueType.RATIO,
        owner,
        definition,
        unit="%",
        factor=100,
        decimals=kw.pop("decimals", 2),
        min_value=kw.pop("min_value", Decimal(0)),
        max_value=kw.pop("max_value", Decimal(100)),
        **kw,
    )


# --- national figures from the seed documents ---------------------------------------------------

NATIONAL: tuple[Spec, ...] = (
    _pct(
        "QG_DVC_ND_NAM",
        "Tỷ lệ người dân sử dụng dịch vụ công trực tuyến (toàn quốc, theo năm)",
        "Share of people using online public services (national, yearly)",
        "BKHCN",
        "Số liệu nêu tại Phiên họp thứ III của Ủy ban Quốc gia về chuyển đổi số (8/8/2022): "
        "“người dân sử dụng dịch vụ công trực tuyến năm 2020 chỉ đạt 1,78%, năm 2021 đạt "
        "9,51%; 7 tháng năm 2022 mới đạt gần 18%”. Giá trị năm 2022 là số liệu 7 tháng đầu năm. "
        "Nguồn không nói rõ mẫu số (dân số hay số người có nhu cầu); không so sánh trực tiếp "
        "với tỷ lệ “gần 54%” nêu tại Phiên họp thứ hai (chỉ tiêu QG_DVC_ND_PH2). "
        f"{PERCENT_NOTE} Nguồn: {SOURCE_SESSION3}.",
        periodicity=Periodicity.YEAR,
        source=Source.IMPORTED,
    ),
    _pct(
        "QG_DVC_ND_PH2",
        "Tỷ lệ người dân sử dụng dịch vụ công trực tuyến (như nêu tại Phiên họp thứ hai)",
        "Share of people using online public services (as quoted at the second session)",
        "BKHCN",
        "Số liệu nêu trong đánh giá tại Phiên họp thứ hai của Ủy ban Quốc gia về chuyển đổi số "
        "(tháng 4/2022): “Tỷ lệ người dân sử dụng dịch vụ công trực tuyến mới gần 54%”. Nguồn "
        "không nêu cách tính; con số khác hẳn tỷ lệ 9,51% năm 2021 nêu tại Phiên họp thứ III "
        "nên được coi là một cách đo khác (chỉ tiêu riêng). Ghi vào kỳ Quý I/2022. "
        f"{PERCENT_NOTE} Nguồn: {SOURCE_SESSION2}.",
        periodicity=Periodicity.QUARTER,
        source=Source.IMPORTED,
    ),
    _pct(
        "QG_HS_TRUCTUYEN",
        "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến (toàn quốc)",
        "Share of administrative dossiers processed online (national)",
        "VPCP",
        "Số liệu nêu tại Phiên họp thứ hai của Ủy ban Quốc gia về chuyển đổi số (tháng "
        "4/2022): “hồ sơ xử lý trực tuyến còn thấp, khoảng 9,4%”. Ghi vào kỳ Quý I/2022. "
        f"{PERCENT_NOTE} Nguồn: {SOURCE_SESSION2}.",
        periodicity=Periodicity.QUARTER,
        source=Source.IMPORTED,
    ),
    Spec(
        "QG_KTS_DONGGOP",
        "Đóng góp của kinh tế số (ước tính, toàn quốc)",
        "Contribution of the digital economy (estimate, national)",
        ValueType.COUNT,
        "BKHCN",
        "“Đóng góp của kinh tế số, theo ước tính của Bộ Thông tin và Truyền thông, trong quý "
        "I/2022 đạt khoảng 53 tỷ USD” (Phiên họp thứ hai của Ủy ban Quốc gia về chuyển đổi "
        f"số). Đơn vị tỷ USD như nguồn. Nguồn: {SOURCE_SESSION2}.",
        unit="tỷ USD",
        periodicity=Periodicity.QUARTER,
        source=Source.IMPORTED,
        min_value=Decimal(0),
    ),
    _pct(
        "QG_KTS_TANGTRUONG",
        "Tốc độ tăng trưởng kinh tế số Việt Nam (theo báo cáo của Google)",
        "Growth of Viet Nam's digital economy (Google's report)",
        "BKHCN",
        "Số liệu nêu tại Hội nghị Thường trực Chính phủ về chuyển đổi số ngày 19/7/2024: "
        "“Theo báo cáo của Google đánh giá tốc độ tăng trưởng kinh tế số Việt Nam nhanh nhất "
        "Đông Nam Á trong 2 năm liên tiếp (năm 2022 đạt 28%, năm 2023 đạt 19%)”; tốc độ phát "
        "triển kinh tế số khoảng 20%/năm, gấp 3 lần tốc độ tăng trưởng GDP. Đây là tốc độ tăng "
        "so với năm trước, không phải tỷ trọng trong GDP (nguồn không nêu tỷ trọng). "
        f"{PERCENT_NOTE} Nguồn: {SOURCE_CONF_2024}.",
        periodicity=Periodicity.YEAR,
        source=Source.IMPORTED,
        min_value=None,
        max_value=None,
    ),
    _pct(
        "QG_CKS_TL",
        "Tỷ lệ người dân trưởng thành có chữ ký số hoặc chữ ký điện tử (toàn quốc)",
        "Share of adults with a digital or electronic signature (national)",
        "BKHCN",
        "Số liệu nêu tại Hội nghị ngày 19/7/2024: “giai đoạn 2022 - 2024 … tỷ lệ người dân ở "
        "độ tuổi trưởng thành có chữ ký số hoặc chữ ký điện tử tăng từ mức 3% lên 13,5%”. "
        "3% ghi vào năm 2022; 13,5% là số liệu tại thời điểm hội nghị (tháng 7/2024), ghi vào "
        f"năm 2024. {PERCENT_NOTE} Nguồn: {SOURCE_CONF_2024}.",
        periodicity=Periodicity.YEAR,
        source=Source.IMPORTED,
    ),
    _pct(
        "QG_TKTT_TL",
        "Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản giao dịch thanh toán",
        "Share of people aged 15 and over with a payment account",
        "NHNN",
        "Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản giao dịch thanh toán tại ngân hàng hoặc "
        "tổ chức được phép khác: “đạt 87,08% (tăng thêm 20% so với năm 2020)”, nêu tại Hội "
        "nghị ngày 19/7/2024 (ghi vào năm 2024). "
        f"{PERCENT_NOTE} Nguồn: {SOURCE_CONF_2024}.",
        periodicity=Periodicity.YEAR,
        source=Source.IMPORTED,
    ),
    Spec(
        "QG_CCCD_CHIP",
        "Số thẻ căn cước công dân gắn chíp đã cấp (lũy kế, toàn quốc)",
        "Chip-based citizen ID cards issued (to date, national)",
        ValueType.COUNT,
        "BCA",
        "“Đến tháng 12/2023, Bộ Công an đã cấp trên 84,7 triệu thẻ CCCD gắn chip” (Hội nghị "
        f"ngày 19/7/2024); ghi vào năm 2023. Nguồn: {SOURCE_CONF_2024}.",
        unit="thẻ",
        periodicity=Periodicity.YEAR,
        source=Source.IMPORTED,
        min_value=Decimal(0),
        cumulative=True,
    ),
    Spec(
        "QG_TK_DINHDANH",
        "Số tài khoản định danh điện tử đã kích hoạt (lũy kế, toàn quốc)",
        "Electronic identity accounts activated (to date, national)",
        ValueType.COUNT,
        "BCA",
        "“kích hoạt 45,4 triệu tài khoản định danh (đạt 67,5%)” đến tháng 12/2023 (Hội nghị "
        f"ngày 19/7/2024); ghi vào năm 2023. Nguồn: {SOURCE_CONF_2024}.",
        unit="tài khoản",
        periodicity=Periodicity.YEAR,
        source=Source.IMPORTED,
        min_value=Decimal(0),
        cumulative=True,
    ),
    _pct(
        "QG_TK_DINHDANH_TL",
        "Tỷ lệ tài khoản định danh điện tử đã kích hoạt (toàn quốc)",
        "Share of electronic identity accounts activated (national)",
        "BCA",
        "“kích hoạt 45,4 triệu tài khoản định danh (đạt 67,5%)” đến tháng 12/2023. Nguồn không "
        "nêu mẫu số của tỷ lệ 67,5% (so với số tài khoản đã cấp hay chỉ tiêu giao). "
        f"{PERCENT_NOTE} Nguồn: {SOURCE_CONF_2024}.",
        periodicity=Periodicity.YEAR,
        source=Source.IMPORTED,
    ),
)

# --- the indicators of the demo reports ---------------------------------------------------------

MONTHLY: tuple[Spec, ...] = (
    Spec(
        "DVC_HS_TIEPNHAN",
        "Số hồ sơ thủ tục hành chính tiếp nhận trong kỳ",
        "Administrative dossiers received in the period",
        ValueType.COUNT,
        "VPCP",
        "Tổng số hồ sơ thủ tục hành chính tiếp nhận trong kỳ báo cáo (trực tiếp, trực tuyến, "
        f"bưu chính). {GENERATED_NOTE}",
        unit="hồ sơ",
        min_value=Decimal(0),
    ),
    Spec(
        "DVC_HS_TRUCTUYEN",
        "Số hồ sơ tiếp nhận trực tuyến trong kỳ",
        "Dossiers received online in the period",
        ValueType.COUNT,
        "VPCP",
        "Số hồ sơ thủ tục hành chính nộp trực tuyến trong kỳ; không vượt quá tổng số hồ sơ "
        f"tiếp nhận (DVC_HS_TIEPNHAN). {GENERATED_NOTE}",
        unit="hồ sơ",
        min_value=Decimal(0),
    ),
    _pct(
        "DVC_TL_HS_XLTT",
        "Tỷ lệ hồ sơ được xử lý trực tuyến",
        "Share of dossiers processed online",
        "VPCP",
        "Tử số: số hồ sơ được giải quyết trực tuyến toàn trình trong kỳ; mẫu số: tổng số hồ sơ "
        "đã giải quyết trong kỳ. Số liệu toàn quốc tham chiếu: khoảng 9,4% (tháng 4/2022, "
        f"chỉ tiêu QG_HS_TRUCTUYEN). {GENERATED_NOTE}",
        decimals=0,
    ),
    _pct(
        "DVC_TL_ND_SUDUNG",
        "Tỷ lệ người dân từ 15 tuổi trở lên đã sử dụng dịch vụ công trực tuyến",
        "Share of people aged 15 and over who used online public services",
        "BKHCN",
        "Tử số: số người từ 15 tuổi trở lên đã nộp ít nhất một hồ sơ trực tuyến trong 12 "
        "tháng gần nhất; mẫu số: dân số từ 15 tuổi trở lên. Toàn quốc = tổng tử số ÷ tổng mẫu "
        "số của các tỉnh. Số liệu toàn quốc tham chiếu (cách tính khác): 1,78% năm 2020, "
        f"9,51% năm 2021, gần 18% 7 tháng năm 2022 (QG_DVC_ND_NAM). {GENERATED_NOTE}",
        decimals=0,
    ),
    _pct(
        "DVC_TL_SOHOA",
        "Tỷ lệ hồ sơ có kết quả giải quyết được số hóa",
        "Share of dossiers whose result is digitised",
        "VPCP",
        "Tử số: số hồ sơ đã giải quyết có kết quả được số hóa, ký số; mẫu số: tổng số hồ sơ "
        f"đã giải quyết trong kỳ. {GENERATED_NOTE}",
        decimals=0,
    ),
    Spec(
        "CD_TK_DINHDANH",
        "Số tài khoản định danh điện tử đã kích hoạt trên địa bàn (lũy kế)",
        "Electronic identity accounts activated in the province (to date)",
        ValueType.COUNT,
        "BCA",
        "Số tài khoản định danh điện tử (VNeID) đã kích hoạt của người dân trên địa bàn, lũy "
        "kế đến hết kỳ; không giảm. Toàn quốc tham chiếu: 45,4 triệu đến tháng 12/2023 "
        f"(QG_TK_DINHDANH). {GENERATED_NOTE}",
        unit="tài khoản",
        min_value=Decimal(0),
        cumulative=True,
    ),
    Spec(
        "XHS_NGUOI_TT",
        "Số người trưởng thành (từ 18 tuổi) trên địa bàn",
        "Adults (aged 18 and over) in the province",
        ValueType.COUNT,
        "BKHCN",
        f"Dân số từ 18 tuổi trở lên trên địa bàn tại kỳ báo cáo. {GENERATED_NOTE}",
        unit="người",
        min_value=Decimal(0),
    ),
    Spec(
        "XHS_CKS",
        "Số người trưởng thành có chữ ký số hoặc chữ ký điện tử (lũy kế)",
        "Adults with a digital or electronic signature (to date)",
        ValueType.COUNT,
        "BKHCN",
        "Số người từ 18 tuổi trở lên có chữ ký số hoặc chữ ký điện tử, lũy kế; thường không "
        "vượt quá số người trưởng thành (XHS_NGUOI_TT). Toàn quốc tham chiếu: 3% (2022) lên "
        f"13,5% (7/2024) (QG_CKS_TL). {GENERATED_NOTE}",
        unit="người",
        min_value=Decimal(0),
        cumulative=True,
    ),
    Spec(
        "KTS_KINHPHI",
        "Kinh phí chi cho chuyển đổi số trong kỳ",
        "Spending on digital transformation in the period",
        ValueType.MONEY,
        "BTC",
        "Kinh phí đã chi cho chuyển đổi số trong kỳ (ngân sách nhà nước các cấp của tỉnh), "
        f"đơn vị đồng. {GENERATED_NOTE}",
        unit="đồng",
        min_value=Decimal(0),
    ),
    Spec(
        "DVC_KETNOI_DVCQG",
        "Hệ thống giải quyết TTHC của tỉnh đồng bộ đầy đủ hồ sơ lên Cổng Dịch vụ công quốc gia",
        "The province's dossier system synchronised every dossier to the national portal",
        ValueType.BOOLEAN,
        "VPCP",
        "Có: trong kỳ, hệ thống thông tin giải quyết TTHC của tỉnh kết nối ổn định và đồng bộ "
        "đầy đủ hồ sơ lên Cổng Dịch vụ công quốc gia. Bài viết về Hội nghị 19/7/2024 nêu vướng "
        "mắc của Điện Biên khi kết nối, chia sẻ hồ sơ với hệ thống của một số bộ, ngành "
        f"({SOURCE_CONF_2024}). {GENERATED_NOTE}",
    ),
)

QUARTERLY: tuple[Spec, ...] = (
    Spec(
        "DVC_SO_DVCTT",
        "Số dịch vụ công trực tuyến đang cung cấp",
        "Online public services provided",
        ValueType.COUNT,
        "VPCP",
        "Số dịch vụ công trực tuyến tỉnh đang cung cấp cuối kỳ. Mục tiêu QĐ 1565/QĐ-TTg "
        f"(11/2025): 982 dịch vụ mỗi tỉnh. {GENERATED_NOTE}",
        unit="dịch vụ",
        periodicity=Periodicity.QUARTER,
        min_value=Decimal(0),
    ),
    _pct(
        "DVC_TL_HAILONG",
        "Tỷ lệ người dân, doanh nghiệp hài lòng với dịch vụ công trực tuyến",
        "Satisfaction with online public services",
        "VPCP",
        "Tử số: số lượt đánh giá hài lòng; mẫu số: tổng số lượt đánh giá trong kỳ. Mục tiêu "
        f"QĐ 1565/QĐ-TTg: tối thiểu 95% năm 2026. {GENERATED_NOTE}",
        decimals=0,
        periodicity=Periodicity.QUARTER,
    ),
    Spec(
        "DVC_NHOM_TTHC_06",
        "Số nhóm thủ tục hành chính theo Đề án 06 cung cấp trực tuyến toàn trình",
        "Đề án 06 procedure groups provided fully online",
        ValueType.COUNT,
        "BCA",
        "Số nhóm TTHC theo Quyết định 06/QĐ-TTg được tỉnh cung cấp trực tuyến toàn trình cuối "
        f"kỳ. Mục tiêu QĐ 1565/QĐ-TTg: 82 nhóm. {GENERATED_NOTE}",
        unit="nhóm",
        periodicity=Periodicity.QUARTER,
        min_value=Decimal(0),
        max_value=Decimal(82),
    ),
    Spec(
        "DVC_THIETYEU_25",
        "Số dịch vụ công thiết yếu theo Đề án 06 duy trì trực tuyến toàn trình",
        "Đề án 06 essential services kept running fully online",
        ValueType.COUNT,
        "BCA",
        "Số trong 25 dịch vụ công thiết yếu (Phụ lục I, QĐ 06/QĐ-TTg ngày 6/1/2022) tỉnh duy "
        "trì cung cấp trực tuyến toàn trình cuối kỳ; QĐ 1565/QĐ-TTg yêu cầu duy trì đủ 25. "
        f"{GENERATED_NOTE}",
        unit="dịch vụ",
        periodicity=Periodicity.QUARTER,
        min_value=Decimal(0),
        max_value=Decimal(25),
    ),
)

YEARLY: tuple[Spec, ...] = (
    Spec(
        "DTI_TINH",
        "Chỉ số chuyển đổi số cấp tỉnh (DTI)",
        "Provincial Digital Transformation Index (DTI)",
        ValueType.RATIO,
        "BKHCN",
        "Tử số: tổng điểm DTI của tỉnh; mẫu số: điểm tối đa (1.000 điểm theo QĐ 922/QĐ-BTTTT "
        "và QĐ 405/QĐ-BKHCN); giá trị = điểm ÷ 1.000 (từ 0 đến 1), như cách công bố thường "
        "dùng. DTI 2024 công bố ngày 21/10/2025, dẫn đầu: Hà Nội, Huế, Hải Phòng, TP. Hồ Chí "
        "Minh (vietnam-rules §3); điểm trong bản trình diễn là minh họa, giữ đúng thứ tự bốn "
        "địa phương dẫn đầu năm 2024.",
        unit="điểm/1.000",
        decimals=2,
        periodicity=Periodicity.YEAR,
        min_value=Decimal(0),
        max_value=Decimal(1),
    ),
    _pct(
        "KTS_TYTRONG_GRDP",
        "Tỷ trọng kinh tế số trong GRDP",
        "Digital economy share of GRDP",
        "BTC",
        "Tử số: giá trị tăng thêm của kinh tế số (tỷ đồng); mẫu số: GRDP của tỉnh (tỷ đồng). "
        f"{GENERATED_NOTE}",
        decimals=1,
        periodicity=Periodicity.YEAR,
    ),
    Spec(
        "KTS_VON_DTC",
        "Vốn đầu tư công cho chuyển đổi số được giao trong năm",
        "Public investment allocated to digital transformation in the year",
        ValueType.MONEY,
        "BTC",
        f"Kế hoạch vốn đầu tư công cho các dự án chuyển đổi số được giao trong năm, đơn vị "
        f"đồng. {GENERATED_NOTE}",
        unit="đồng",
        periodicity=Periodicity.YEAR,
        min_value=Decimal(0),
    ),
)

ALL_SPECS: tuple[Spec, ...] = NATIONAL + MONTHLY + QUARTERLY + YEARLY


@dataclass(frozen=True)
class RuleSpec:
    name: str
    left: str
    operator: str
    right: str
    importance: str
    message: str


RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        "Hồ sơ trực tuyến không vượt quá hồ sơ tiếp nhận",
        "DVC_HS_TRUCTUYEN",
        "<=",
        "DVC_HS_TIEPNHAN",
        "hard",
        "Số hồ sơ tiếp nhận trực tuyến không thể lớn hơn tổng số hồ sơ tiếp nhận trong kỳ.",
    ),
    RuleSpec(
        "Người có chữ ký số không vượt quá số người trưởng thành",
        "XHS_CKS",
        "<=",
        "XHS_NGUOI_TT",
        "soft",
        "Số người trưởng thành có chữ ký số thường không lớn hơn số người trưởng thành trên địa "
        "bàn (có thể do người ngoài tỉnh đăng ký): kiểm tra lại hoặc giải thích.",
    ),
    RuleSpec(
        "Hồ sơ số hóa tính trên hồ sơ đã giải quyết",
        "DVC_TL_SOHOA.denominator",
        "<=",
        "DVC_HS_TIEPNHAN * 2",
        "soft",
        "Số hồ sơ đã giải quyết trong kỳ thường không vượt quá hai lần số hồ sơ tiếp nhận: kiểm "
        "tra mẫu số của tỷ lệ số hóa.",
    ),
)


@dataclass(frozen=True)
class TargetSpec:
    """A demo target, stating its basis (how the year's figure is made: TargetBasis) and its
    scope (TargetScope; for "each", the kind and level of the agencies it is for)."""

    indicator: str
    year: int
    value: Decimal
    basis: str  # the document it comes from
    aggregation: str
    scope: str
    agency_kind: str = ""
    agency_level: str = ""
    milestones: tuple[tuple[int, Decimal], ...] = ()
    # (new value, reason): revised after approval, so baseline ≠ current shows.
    revision: tuple[Decimal, str] | None = None


_QD1565 = "QĐ 1565/QĐ-TTg (11/2025)"


# The QĐ 1565 targets are set for each province: the provincial People's Committees, not the
# communes' (a commune's 451 dossiers a month are not measured against a province's 982.000).
def _each_province(
    indicator: str,
    value: Decimal,
    basis: str,
    aggregation: str,
    milestones: tuple[tuple[int, Decimal], ...] = (),
) -> TargetSpec:
    return TargetSpec(
        indicator,
        2026,
        value,
        basis,
        aggregation,
        TargetScope.EACH,
        agency_kind=AgencyKind.PEOPLE_COMMITTEE,
        agency_level=Level.PROVINCE,
        milestones=milestones,
    )


TARGETS: tuple[TargetSpec, ...] = (
    _each_province(
        "DVC_THIETYEU_25",
        Decimal(25),
        "QĐ 06/QĐ-TTg (6/1/2022), Phụ lục I; " + _QD1565 + ": duy trì 25 dịch vụ công thiết yếu "
        "toàn trình (mỗi tỉnh).",
        TargetBasis.END_OF_PERIOD,  # services kept online at the year's end
    ),
    _each_province(
        "DVC_SO_DVCTT",
        Decimal(982),
        _QD1565 + ": cung cấp 982 dịch vụ công trực tuyến (mỗi tỉnh).",
        TargetBasis.END_OF_PERIOD,  # services provided at the year's end
    ),
    _each_province(
        "DVC_NHOM_TTHC_06",
        Decimal(82),
        _QD1565 + ": 82 nhóm TTHC theo Đề án 06 trực tuyến toàn trình.",
        TargetBasis.END_OF_PERIOD,  # groups online at each quarter's end, 82 by the year's end
        milestones=((1, Decimal(40)), (2, Decimal(55)), (3, Decimal(70)), (4, Decimal(82))),
    ),
    _each_province(
        "DVC_HS_TRUCTUYEN",
        Decimal(982_000),
        _QD1565 + ": 982 dịch vụ công trực tuyến, bình quân 1.000 hồ sơ/dịch vụ/năm/tỉnh "
        "(tổng 12 tháng, mỗi tỉnh).",
        TargetBasis.SUM,  # the twelve months' dossiers added up, never one month's
    ),
    TargetSpec(
        "DVC_TL_HAILONG",
        2026,
        Decimal(90),
        _QD1565 + ": tỷ lệ hài lòng tối thiểu 95% năm 2026 (toàn quốc). Giá trị phê duyệt ban "
        "đầu 90% là minh họa cho bản trình diễn.",
        TargetBasis.RATIO_OF_SUMS,  # the year's satisfied ratings over all ratings
        TargetScope.NATIONAL,
        milestones=((2, Decimal(85)), (4, Decimal(90))),
        revision=(
            Decimal(95),
            "Điều chỉnh theo Quyết định 1565/QĐ-TTg (tháng 11/2025): tỷ lệ người dân hài lòng với "
            "dịch vụ công trực tuyến đạt tối thiểu 95% trong năm 2026.",
        ),
    ),
)


def _user(username: str) -> User:
    user = User.objects.select_related("agency").filter(username=username).first()
    if user is None:
        raise DemoNotReady(f"the demo user {username!r} is missing: run `dxgov demo`")
    return user


def _input(spec: Spec, owner: Agency) -> IndicatorInput:
    return IndicatorInput(
        code=spec.code,
        name=spec.name,
        value_type=spec.value_type,
        owner=owner,
        name_en=spec.name_en,
        short_name=SHORT_NAMES.get(spec.code, ""),
        definition=spec.definition,
        unit=spec.unit,
        factor=spec.factor,
        decimals=spec.decimals,
        periodicity=spec.periodicity,
        source=spec.source,
        min_value=spec.min_value,
        max_value=spec.max_value,
        cumulative=spec.cumulative,
    )


@transaction.atomic
def load_indicator_demo() -> dict[str, int]:
    """The demo catalogue, rules and targets; counts of what was created now."""
    coordinator = _user(COORDINATOR)
    owners = {a.code: a for a in Agency.objects.filter(code__in={s.owner for s in ALL_SPECS})}
    counts = {"indicators": 0, "rules": 0, "targets": 0, "revisions": 0}
    existing = set(Indicator.objects.values_list("code", flat=True))
    for spec in ALL_SPECS:
        if spec.code in existing:
            continue
        actions.create_indicator(acting_user=coordinator, data=_input(spec, owners[spec.owner]))
        counts["indicators"] += 1
    names = set(ValidationRule.objects.values_list("name", flat=True))
    for rule in RULES:
        if rule.name in names:
            continue
        actions.save_validation_rule(
            acting_user=coordinator,
            name=rule.name,
            left=rule.left,
            operator=rule.operator,
            right=rule.right,
            importance=rule.importance,
            message=rule.message,
        )
        counts["rules"] += 1
    indicators = {i.code: i for i in Indicator.objects.all()}
    for target_spec in TARGETS:
        indicator = indicators[target_spec.indicator]
        if Target.objects.filter(
            indicator=indicator,
            agency__isnull=True,
            agency_kind=target_spec.agency_kind,
            agency_level=target_spec.agency_level,
            year=target_spec.year,
        ).exists():
            continue
        target = actions.set_target(
            acting_user=coordinator,
            indicator=indicator,
            year=target_spec.year,
            value=target_spec.value,
            agency_kind=target_spec.agency_kind,
            agency_level=target_spec.agency_level,
            scope=target_spec.scope,
            aggregation=target_spec.aggregation,
            milestones=dict(target_spec.milestones),
            basis=target_spec.basis,
        )
        target = actions.approve_target(acting_user=coordinator, target=target)
        counts["targets"] += 1
        if target_spec.revision is not None:
            value, reason = target_spec.revision
            milestones = {q: v * value / target_spec.value for q, v in target_spec.milestones}
            actions.revise_target(
                acting_user=coordinator,
                target=target,
                value=value,
                reason=reason,
                milestones={q: v.quantize(Decimal(1)) for q, v in milestones.items()},
            )
            counts["revisions"] += 1
    return counts
