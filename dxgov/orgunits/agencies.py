"""The agencies that act, as plain records (pure: no ORM).

Central agencies follow Resolution 176/2025/QH15 (in force 1 March 2025): 14 ministries
and 3 ministerial-level agencies, with the predecessors they absorbed. Provincial and
commune People's Committees and a standard set of provincial departments are derived
from the unit registry, so they follow it when it changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from dxgov.orgunits.registry import (
    CURRENT_VALID_FROM,
    LEGACY_VALID_TO,
    SuccessionRecord,
    UnitKey,
    UnitRecord,
)

GOVERNMENT = "CP"
RESTRUCTURE_2025 = date(2025, 3, 1)
BEFORE_RESTRUCTURE = date(2025, 2, 28)


@dataclass(frozen=True)
class AgencyRecord:
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    orgunit: UnitKey | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successor: str | None = None
    short_name: str = ""  # as charts and tables write it ("TP Hồ Chí Minh", "Bộ KH&CN")


# Short names the press and official tables use, where the rule below does not give them.
SHORT_NAMES = {
    "CP": "Chính phủ",
    "NHNN": "NHNN",
    "TTCP": "TTCP",
    "VPCP": "VPCP",
    "UBDT": "UBDT",
}

# The usual abbreviations of the longer field names in agencies' names ("Bộ KH&CN").
_FIELDS_SHORT = (
    ("Khoa học và Công nghệ", "KH&CN"),
    ("Giáo dục và Đào tạo", "GD&ĐT"),
    ("Nông nghiệp và Môi trường", "NN&MT"),
    ("Nông nghiệp và Phát triển nông thôn", "NN&PTNT"),
    ("Văn hóa, Thể thao và Du lịch", "VHTTDL"),
    ("Dân tộc và Tôn giáo", "DT&TG"),
    ("Lao động - Thương binh và Xã hội", "LĐ-TB&XH"),
    ("Kế hoạch và Đầu tư", "KH&ĐT"),
    ("Tài nguyên và Môi trường", "TN&MT"),
    ("Thông tin và Truyền thông", "TT&TT"),
    ("Giao thông vận tải", "GTVT"),
)
_COMMITTEE = "Ủy ban nhân dân "
# How a unit's kind is written in a short name: a province by its name alone, a city as "TP".
_PLACE_KINDS = (
    ("tỉnh ", ""),
    ("thành phố ", "TP "),
    ("xã ", "Xã "),
    ("phường ", "Phường "),
    ("đặc khu ", "Đặc khu "),
)


def _place(text: str) -> str:
    """ "tỉnh Phú Thọ" → "Phú Thọ", "thành phố Hồ Chí Minh" → "TP Hồ Chí Minh"."""
    lowered = text[:1].lower() + text[1:]
    for prefix, shown in _PLACE_KINDS:
        if lowered.startswith(prefix):
            return shown + lowered[len(prefix) :]
    return text


def short_agency_name(name: str, code: str = "") -> str:
    """An agency's short name by rule, as charts and tables write it: a People's Committee by
    its place ("Phú Thọ", "TP Hồ Chí Minh", "Xã Hy Cương"), a ministry or department with the
    usual abbreviation of its field ("Bộ KH&CN", "Sở KH&CN Phú Thọ"); a name the rule does not
    know is returned as it is."""
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    if name.startswith(_COMMITTEE):
        return _place(name[len(_COMMITTEE) :])
    short = name
    for field_name, abbreviation in _FIELDS_SHORT:
        short = short.replace(field_name, abbreviation)
    short = short.replace("Văn phòng Ủy ban nhân dân", "VP UBND")
    for prefix, shown in _PLACE_KINDS[:2]:
        marker = f" {prefix}"
        if marker in short:
            head, _sep, place = short.partition(marker)
            return f"{head} {shown}{place}".replace("  ", " ")
    return short


# code, Vietnamese name, English name, formed on 1 Mar 2025 (True) or continuing (False)
_MINISTRIES: tuple[tuple[str, str, str, bool], ...] = (
    ("BQP", "Bộ Quốc phòng", "Ministry of National Defence", False),
    ("BCA", "Bộ Công an", "Ministry of Public Security", False),
    ("BNG", "Bộ Ngoại giao", "Ministry of Foreign Affairs", False),
    ("BNV", "Bộ Nội vụ", "Ministry of Home Affairs", False),
    ("BTP", "Bộ Tư pháp", "Ministry of Justice", False),
    ("BTC", "Bộ Tài chính", "Ministry of Finance", False),
    ("BCT", "Bộ Công Thương", "Ministry of Industry and Trade", False),
    ("BNNMT", "Bộ Nông nghiệp và Môi trường", "Ministry of Agriculture and Environment", True),
    ("BXD", "Bộ Xây dựng", "Ministry of Construction", False),
    (
        "BVHTTDL",
        "Bộ Văn hóa, Thể thao và Du lịch",
        "Ministry of Culture, Sports and Tourism",
        False,
    ),
    ("BKHCN", "Bộ Khoa học và Công nghệ", "Ministry of Science and Technology", False),
    ("BGDDT", "Bộ Giáo dục và Đào tạo", "Ministry of Education and Training", False),
    ("BYT", "Bộ Y tế", "Ministry of Health", False),
    ("BDTTG", "Bộ Dân tộc và Tôn giáo", "Ministry of Ethnic and Religious Affairs", True),
    ("NHNN", "Ngân hàng Nhà nước Việt Nam", "State Bank of Vietnam", False),
    ("TTCP", "Thanh tra Chính phủ", "Government Inspectorate", False),
    ("VPCP", "Văn phòng Chính phủ", "Government Office", False),
)

# Predecessors that ended on 28 February 2025, with the agency that absorbed them.
_FORMER_MINISTRIES: tuple[tuple[str, str, str, str], ...] = (
    (
        "BTTTT",
        "Bộ Thông tin và Truyền thông",
        "Ministry of Information and Communications",
        "BKHCN",
    ),
    ("BKHDT", "Bộ Kế hoạch và Đầu tư", "Ministry of Planning and Investment", "BTC"),
    (
        "BLDTBXH",
        "Bộ Lao động - Thương binh và Xã hội",
        "Ministry of Labour, Invalids and Social Affairs",
        "BNV",
    ),
    (
        "BTNMT",
        "Bộ Tài nguyên và Môi trường",
        "Ministry of Natural Resources and Environment",
        "BNNMT",
    ),
    (
        "BNNPTNT",
        "Bộ Nông nghiệp và Phát triển nông thôn",
        "Ministry of Agriculture and Rural Development",
        "BNNMT",
    ),
    ("BGTVT", "Bộ Giao thông vận tải", "Ministry of Transport", "BXD"),
    ("UBDT", "Ủy ban Dân tộc", "Committee for Ethnic Minority Affairs", "BDTTG"),
)

# The standard specialised agencies of a provincial People's Committee after 2025.
_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("VP", "Văn phòng Ủy ban nhân dân", "Office of the People's Committee"),
    ("NV", "Sở Nội vụ", "Department of Home Affairs"),
    ("TP", "Sở Tư pháp", "Department of Justice"),
    ("TC", "Sở Tài chính", "Department of Finance"),
    ("CT", "Sở Công Thương", "Department of Industry and Trade"),
    ("NNMT", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment"),
    ("XD", "Sở Xây dựng", "Department of Construction"),
    ("VHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism"),
    ("KHCN", "Sở Khoa học và Công nghệ", "Department of Science and Technology"),
    ("GDDT", "Sở Giáo dục và Đào tạo", "Department of Education and Training"),
    ("YT", "Sở Y tế", "Department of Health"),
    ("DTTG", "Sở Dân tộc và Tôn giáo", "Department of Ethnic and Religious Affairs"),
    ("TTR", "Thanh tra tỉnh", "Provincial Inspectorate"),
)


def province_committee_code(code: str, *, legacy: bool = False) -> str:
    return f"UBND-T{code}-CU" if legacy else f"UBND-T{code}"


def department_code(province_code: str, suffix: str) -> str:
    return f"SO-{province_code}-{suffix}"


def commune_committee_code(code: str) -> str:
    return f"UBND-X{code}"


def central_agencies() -> list[AgencyRecord]:
    records = [AgencyRecord(GOVERNMENT, "Chính phủ", "The Government", "government", None)]
    for code, name, name_en, is_new in _MINISTRIES:
        start = RESTRUCTURE_2025 if is_new else None
        records.append(
            AgencyRecord(
                code,
                name,
                name_en,
                "ministry",
                GOVERNMENT,
                valid_from=start,
                short_name=short_agency_name(name, code),
            )
        )
    for code, name, name_en, successor in _FORMER_MINISTRIES:
        records.append(
            AgencyRecord(
                code,
                name,
                name_en,
                "ministry",
                GOVERNMENT,
                valid_to=BEFORE_RESTRUCTURE,
                successor=successor,
            )
        )
    return records


def territorial_agencies(
    units: Iterable[UnitRecord], links: Iterable[SuccessionRecord]
) -> list[AgencyRecord]:
    records: list[AgencyRecord] = []
    by_key = {unit.key: unit for unit in units}
    for unit in by_key.values():
        if unit.level == "province" and unit.valid_to is None:
            records.extend(_current_province_agencies(unit))
        elif unit.level == "commune" and unit.valid_to is None and unit.parent is not None:
            parent_code = province_committee_code(unit.parent[1])
            records.append(
                AgencyRecord(
                    commune_committee_code(unit.code),
                    f"Ủy ban nhân dân {_of(unit)}",
                    f"People's Committee of {unit.name}",
                    "people_committee",
                    parent_code,
                    orgunit=unit.key,
                    valid_from=CURRENT_VALID_FROM,
                )
            )
    province_successor = {
        link.predecessor: link.successor for link in links if link.predecessor[0] == "province"
    }
    for unit in by_key.values():
        if unit.level == "province" and unit.valid_to == LEGACY_VALID_TO:
            successor = province_successor[unit.key]
            records.append(
                AgencyRecord(
                    province_committee_code(unit.code, legacy=True),
                    f"Ủy ban nhân dân {_of(unit)}",
                    f"People's Committee of {unit.name}",
                    "people_committee",
                    GOVERNMENT,
                    orgunit=unit.key,
                    valid_to=LEGACY_VALID_TO,
                    successor=province_committee_code(successor[1]),
                )
            )
    return [replace(r, short_name=short_agency_name(r.name, r.code)) for r in records]


def _of(unit: UnitRecord) -> str:
    """ "Tỉnh Phú Thọ" → "tỉnh Phú Thọ", as it reads after an agency's name."""
    return unit.name[:1].lower() + unit.name[1:]


def _current_province_agencies(unit: UnitRecord) -> list[AgencyRecord]:
    committee = province_committee_code(unit.code)
    records = [
        AgencyRecord(
            committee,
            f"Ủy ban nhân dân {_of(unit)}",
            f"People's Committee of {unit.name}",
            "people_committee",
            GOVERNMENT,
            orgunit=unit.key,
            valid_from=CURRENT_VALID_FROM,
        )
    ]
    for suffix, name, name_en in _DEPARTMENTS:
        records.append(
            AgencyRecord(
                department_code(unit.code, suffix),
                f"{name} {_of(unit)}",
                f"{name_en}, {unit.short_name}",
                "department",
                committee,
                orgunit=unit.key,
                valid_from=CURRENT_VALID_FROM,
            )
        )
    return records


def with_paths(records: Iterable[AgencyRecord]) -> dict[str, str]:
    """Materialised path for each agency code, following parents to the root."""
    parents = {record.code: record.parent for record in records}
    paths: dict[str, str] = {}

    def path_of(code: str) -> str:
        if code not in paths:
            parent = parents[code]
            paths[code] = (path_of(parent) if parent else "/") + code + "/"
        return paths[code]

    for code in parents:
        path_of(code)
    return paths
