"""Demo accounts for every role in a handful of agencies (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from dxgov.accounts import actions as account_actions
from dxgov.accounts.models import User
from dxgov.accounts.twofactor import SECOND_FACTOR_ROLES
from dxgov.core.roles import Role
from dxgov.orgunits.agencies import commune_committee_code, province_committee_code
from dxgov.orgunits.models import Agency, OrgUnit

DEMO_PASSWORD = "dxgov-demo-2025"  # noqa: S105 (documented demo credential)
# The RFC 6238 test key, published so that demo leaders can sign in with any TOTP app.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"
DEMO_TOTP_KEY_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    agency_code: str
    role: Role


def _first_commune(province_code: str) -> str:
    commune = (
        OrgUnit.objects.filter(
            level="commune",
            valid_to__isnull=True,
            parent__code=province_code,
            parent__valid_to__isnull=True,
        )
        .order_by("code")
        .first()
    )
    if commune is None:
        raise RuntimeError("load the unit registry first: dxgov orgs load")
    return commune_committee_code(commune.code)


def demo_cast() -> list[DemoUser]:
    phu_tho, dien_bien, hcmc = (province_committee_code(c) for c in ("25", "11", "79"))
    return [
        DemoUser("quantri", "Quản trị hệ thống", "VPCP", Role.ADMIN),
        DemoUser("vpcp.dieuphoi", "Nguyễn Văn An (VPCP)", "VPCP", Role.COORDINATOR),
        DemoUser("bkhcn.dieuphoi", "Trần Thị Bình (BKHCN)", "BKHCN", Role.COORDINATOR),
        DemoUser("chinhphu.xem", "Lãnh đạo theo dõi", "CP", Role.VIEWER),
        DemoUser("bca.lanhdao", "Lê Minh Cường (Bộ Công an)", "BCA", Role.LEADER),
        DemoUser("bca.canbo", "Phạm Thu Dung (Bộ Công an)", "BCA", Role.OFFICER),
        DemoUser("phutho.lanhdao", "Hoàng Văn Em (UBND Phú Thọ)", phu_tho, Role.LEADER),
        DemoUser("phutho.canbo", "Vũ Thị Giang (UBND Phú Thọ)", phu_tho, Role.OFFICER),
        DemoUser("phutho.xem", "Đỗ Văn Hải (UBND Phú Thọ)", phu_tho, Role.VIEWER),
        DemoUser("phutho.skhcn", "Bùi Thị Hoa (Sở KH&CN Phú Thọ)", "SO-25-KHCN", Role.OFFICER),
        DemoUser("phutho.xa.canbo", "Ngô Văn Khánh (UBND xã)", _first_commune("25"), Role.OFFICER),
        DemoUser("dienbien.lanhdao", "Lò Văn Long (UBND Điện Biên)", dien_bien, Role.LEADER),
        DemoUser("dienbien.canbo", "Quàng Thị Mai (UBND Điện Biên)", dien_bien, Role.OFFICER),
        DemoUser("dienbien.xa.canbo", "Lò Thị Nga (UBND xã)", _first_commune("11"), Role.OFFICER),
        DemoUser("hcm.lanhdao", "Trương Văn Phúc (UBND TP.HCM)", hcmc, Role.LEADER),
        DemoUser("hcm.canbo", "Lý Thị Quỳnh (UBND TP.HCM)", hcmc, Role.OFFICER),
        DemoUser("hcm.xa.canbo", "Mai Văn Sơn (UBND phường)", _first_commune("79"), Role.OFFICER),
    ]


@transaction.atomic
def load_demo_users() -> list[tuple[DemoUser, bool]]:
    """Create the demo cast; existing accounts are left as they are."""
    created: list[tuple[DemoUser, bool]] = []
    for person in demo_cast():
        user = User.objects.filter(username=person.username).first()
        if user is not None:
            created.append((person, False))
            continue
        user = account_actions.create_user(
            acting_user=None,
            username=person.username,
            password=DEMO_PASSWORD,
            agency=Agency.objects.get(code=person.agency_code),
            role=person.role,
            full_name=person.full_name,
            email=f"{person.username}@demo.dxgov.local",
        )
        if person.role in SECOND_FACTOR_ROLES:
            account_actions.install_totp_key(
                acting_user=None, user=user, key_hex=DEMO_TOTP_KEY_HEX, name="demo"
            )
        created.append((person, True))
    return created
