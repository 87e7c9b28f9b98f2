from __future__ import annotations

from ninja import Schema
from pydantic import Field

from servicetickets.accounts.models import User
from servicetickets.core.schemas import InSchema


class UserOut(Schema):
    username: str
    name: str
    email: str
    site_admin: bool
    active: bool

    @staticmethod
    def resolve_active(obj: User) -> bool:
        return bool(obj.is_active)


class UserIn(InSchema):
    username: str = Field(max_length=150)
    name: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    password: str | None = Field(default=None, max_length=128)
    site_admin: bool = False
