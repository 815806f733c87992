"""What every dashboard page shares: templates, who is signed in, and CSRF protection."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

from fastapi import Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session

from service.ops import keys as key_ops

COOKIE = "ceasewatch_key"
_CSRF_CONTEXT = b"ceasewatch dashboard form"


def templates() -> Environment:
    folder = resources.files("service.dashboard").joinpath("templates")
    return Environment(loader=FileSystemLoader(str(folder)), autoescape=select_autoescape(["html"]))


@dataclass(frozen=True)
class SignedIn:
    key: str
    key_id: int
    role: str

    def may(self, role: str) -> bool:
        return key_ops.allows(self.role, role)

    @property
    def csrf(self) -> str:
        return csrf_token(self.key)


def signed_in(request: Request, session: Session) -> SignedIn | None:
    """The caller's key, from `Authorization: Bearer` or the sign-in cookie, if it may view."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    key = token.strip() if scheme.lower() == "bearer" else request.cookies.get(COOKIE, "")
    row = key_ops.authenticate(session, key) if key else None
    if row is None or row.id is None or not key_ops.allows(row.role, "viewer"):
        return None
    return SignedIn(key=key, key_id=row.id, role=row.role)


def csrf_token(key: str) -> str:
    """A form token bound to the signed-in key: an HMAC keyed with the key itself, so only a
    page rendered for that key can carry it, with nothing to store server-side. The cookie is
    also SameSite=Strict; the token guards older browsers and same-site attackers."""
    return hmac.new(key.encode("utf-8"), _CSRF_CONTEXT, hashlib.sha256).hexdigest()


def csrf_problem(request: Request, who: SignedIn, token: str) -> str | None:
    """Why a dashboard form POST must be refused, or None when it came from our own page."""
    origin = request.headers.get("origin")
    # Behind a reverse proxy the browser's host may arrive as X-Forwarded-Host; a cross-site
    # form cannot set that header, so accepting it loosens nothing.
    ours = {request.headers.get("host"), request.headers.get("x-forwarded-host")} - {None}
    if origin and origin != "null" and urlsplit(origin).netloc not in ours:
        return f"the form was sent from another site ({origin})"
    if request.headers.get("sec-fetch-site") == "cross-site":
        return "the form was sent from another site"
    if not token or not hmac.compare_digest(token, who.csrf):
        return "the form's security token is missing or stale"
    return None
