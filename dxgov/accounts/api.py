from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from dxgov.accounts.models import User

router = Router(tags=["accounts"])


class AgencyRef(Schema):
    code: str
    name: str


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    role: str
    agency: AgencyRef | None


@router.get("/me", response=MeOut, summary="The signed-in user, their role and agency")
def me(request: HttpRequest) -> MeOut:
    # Both authenticators guarantee a signed-in dxgov user here.
    user = cast(User, request.user)
    agency = user.agency
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        role=user.role,
        agency=AgencyRef(code=agency.code, name=agency.name) if agency else None,
    )
