from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dxgov.accounts import actions
from dxgov.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "API tokens: create (prints the token once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for a user; printed once only.")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="cli")
        create.add_argument("--days", type=int, default=None)
        listing = sub.add_parser("list", help="List a user's tokens (prefixes only).")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument("--prefix", required=True)
        revoke.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        return user

    def _create(self, options: dict[str, Any]) -> None:
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        _, raw = actions.create_token(
            acting_user=None, user=self._user(options["user"]), name=options["name"], days=days
        )
        self.stdout.write(raw)

    def _list(self, options: dict[str, Any]) -> None:
        for token in self._user(options["user"]).api_tokens.order_by("created_at"):
            state = "revoked" if token.revoked_at else ("usable" if token.is_usable else "expired")
            self.stdout.write(
                f"{token.prefix}…  {token.name}  {state}  expires {token.expires_at:%Y-%m-%d}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        matches = list(ApiToken.objects.filter(prefix=options["prefix"]))
        if len(matches) != 1:
            raise CommandError(f"{len(matches)} tokens have prefix {options['prefix']!r}; need 1")
        actions.revoke_token(acting_user=None, token=matches[0], reason=options["reason"])
        self.stdout.write(f"revoked {matches[0].prefix}…")
