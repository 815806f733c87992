"""/api/v1/keys (admin) and /api/v1/labels (operators label articles for retraining)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response
from sqlmodel import col, select

from service.api.deps import STRICT_QUERY, Admin, Operator, SessionDep, Viewer, id_path
from service.api.errors import AUTH, problems
from service.clock import utcnow
from service.models import ApiKey, Label
from service.ops import keys as key_ops
from service.ops import labelling as label_ops
from service.ops.errors import InputError, NotFound
from service.schemas import KeyCreated, KeyIn, KeyOut, LabelIn, LabelOut

router = APIRouter(prefix="/api/v1", dependencies=STRICT_QUERY)
ArticleId = Annotated[int, id_path("article")]


@router.get("/keys", response_model=list[KeyOut], responses=problems(*AUTH), tags=["keys"])
def list_keys(session: SessionDep, _: Admin) -> list[KeyOut]:
    rows = session.exec(select(ApiKey).order_by(col(ApiKey.id))).all()
    return [KeyOut.model_validate(k.model_dump()) for k in rows]


@router.post(
    "/keys",
    response_model=KeyCreated,
    status_code=201,
    responses=problems(*AUTH, 422),
    tags=["keys"],
)
def create_key(body: KeyIn, session: SessionDep, _: Admin) -> KeyCreated:
    """The key is in this answer only; it is stored as a hash."""
    key = key_ops.create_key(session, role=body.role, name=body.name, now=utcnow())
    row = key_ops.authenticate(session, key)
    assert row is not None
    return KeyCreated(**KeyOut.model_validate(row.model_dump()).model_dump(), key=key)


@router.delete(
    "/keys/{key_id:int}", status_code=204, responses=problems(*AUTH, 404, 422), tags=["keys"]
)
def revoke_key(
    key_id: Annotated[int, id_path("key", example=2)], session: SessionDep, caller: Admin
) -> Response:
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFound(f"no key with id {key_id}")
    if row.id == caller.key_id:
        raise InputError("a key cannot revoke itself; use another admin key")
    row.revoked_at = row.revoked_at or utcnow()
    return Response(status_code=204)


@router.post(
    "/articles/{article_id:int}/labels",
    response_model=LabelOut,
    status_code=201,
    responses=problems(*AUTH, 404, 422),
    tags=["labels"],
)
def label_article(
    article_id: ArticleId, body: LabelIn, session: SessionDep, caller: Operator
) -> LabelOut:
    label = label_ops.add_label(
        session,
        article_id=article_id,
        quad=body.quad,
        signals=body.signals,
        author=f"key:{caller.key_id}",
        now=utcnow(),
    )
    return LabelOut.model_validate(label.model_dump())


@router.get("/labels", response_model=list[LabelOut], responses=problems(*AUTH), tags=["labels"])
def list_labels(session: SessionDep, _: Viewer) -> list[LabelOut]:
    rows = session.exec(select(Label).order_by(col(Label.id).desc()).limit(1000)).all()
    return [LabelOut.model_validate(r.model_dump()) for r in rows]
