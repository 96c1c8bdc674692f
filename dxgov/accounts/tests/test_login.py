"""Signing in: Vietnamese page, Argon2 hashes, a refusal that does not say which part was wrong."""

from __future__ import annotations

import pytest
from django.test import Client

from dxgov.accounts import actions
from dxgov.accounts.models import User

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese_by_default() -> None:
    page = Client().get("/accounts/login/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="vi"' in html and "Đăng nhập" in html


def test_vietnamese_even_when_the_browser_prefers_english() -> None:
    html = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in html and "Đăng nhập" in html


def test_english_switch() -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in html and "Sign in" in html


def test_wrong_password_and_unknown_user_get_the_same_answer(password: str) -> None:
    wrong_password = Client().post(
        "/accounts/login/", {"username": "phutho.canbo", "password": "sai-mat-khau"}
    )
    unknown_user = Client().post(
        "/accounts/login/", {"username": "khong.ton.tai", "password": "sai-mat-khau"}
    )
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors
    assert 'role="alert"' in wrong_password.content.decode()


def test_login_then_reach_the_unit_tree(password: str) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "phutho.canbo", "password": password}, follow=True
    )
    assert response.status_code == 200 and response.context["user"].username == "phutho.canbo"
    tree = client.get("/units/")
    assert tree.status_code == 200
    assert "Tỉnh Phú Thọ" in tree.content.decode()


def test_pages_require_login() -> None:
    response = Client().get("/units/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_passwords_are_hashed_with_argon2(phutho_officer: User) -> None:
    assert phutho_officer.password.startswith("argon2")


def test_weak_password_is_refused_and_nothing_changes(phutho_officer: User) -> None:
    from django.core.exceptions import ValidationError

    old_hash = phutho_officer.password
    with pytest.raises(ValidationError):
        actions.change_password(
            acting_user=phutho_officer, user=phutho_officer, new_password="12345678"
        )
    phutho_officer.refresh_from_db()
    assert phutho_officer.password == old_hash


def test_password_change_page(phutho_officer: User, password: str) -> None:
    client = Client()
    client.force_login(phutho_officer)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": password,
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    phutho_officer.refresh_from_db()
    assert phutho_officer.check_password("Mat-khau-moi-2026")
