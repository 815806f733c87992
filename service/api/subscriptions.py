"""/api/v1/subscriptions and /api/v1/deliveries: a subscriber key sees only its own."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from service.api.deps import Caller, ContextDep, SessionDep, require
from service.clock import utcnow
from service.models import Delivery, OutboxEvent, Subscription
from service.ops import subscriptions as sub_ops
from service.ops.errors import NotFound
from service.schemas import (
    AttemptOut,
    DeliveryOut,
    Problem,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
    TestSendOut,
)
from service.store import deliveries as delivery_store

router = APIRouter(prefix="/api/v1", tags=["subscriptions"])
Subscriber = Annotated[Caller, Depends(require("subscriber"))]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem},
    403: {"model": Problem},
    404: {"model": Problem},
    422: {"model": Problem},
}


def owned(session: SessionDep, subscription_id: int, caller: Caller) -> Subscription:
    return sub_ops.get_owned(
        session, subscription_id, key_id=caller.key_id, is_admin=caller.role == "admin"
    )


def out(subscription: Subscription) -> SubscriptionOut:
    return SubscriptionOut.model_validate(subscription.model_dump())


def delivery_out(session: SessionDep, delivery: Delivery) -> DeliveryOut:
    event = session.get(OutboxEvent, delivery.event_id)
    attempts = delivery_store.attempts_of(session, delivery.id or 0)
    return DeliveryOut.model_validate(
        {
            **delivery.model_dump(),
            "webhook_id": event.event_id if event else "",
            "type": event.type if event else "",
            "attempt_log": [AttemptOut.model_validate(a.model_dump()) for a in attempts],
        }
    )


@router.post("/subscriptions", response_model=SubscriptionOut, status_code=201, responses=ERRORS)
def create(
    body: SubscriptionIn, session: SessionDep, ctx: ContextDep, caller: Subscriber
) -> SubscriptionOut:
    subscription = sub_ops.create(
        session,
        body.model_dump(),
        owner_key_id=caller.key_id,
        settings=ctx.settings,
        now=utcnow(),
    )
    return out(subscription)


@router.get("/subscriptions", response_model=list[SubscriptionOut], responses=ERRORS)
def list_(session: SessionDep, caller: Subscriber) -> list[SubscriptionOut]:
    owner = None if caller.role == "admin" else caller.key_id
    return [out(s) for s in delivery_store.subscriptions(session, owner_key_id=owner)]


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionOut, responses=ERRORS)
def get(subscription_id: int, session: SessionDep, caller: Subscriber) -> SubscriptionOut:
    return out(owned(session, subscription_id, caller))


@router.patch("/subscriptions/{subscription_id}", response_model=SubscriptionOut, responses=ERRORS)
def patch(
    subscription_id: int,
    body: SubscriptionPatch,
    session: SessionDep,
    ctx: ContextDep,
    caller: Subscriber,
) -> SubscriptionOut:
    subscription = owned(session, subscription_id, caller)
    changes = body.model_dump(exclude_none=True)
    return out(sub_ops.update(session, subscription, changes, settings=ctx.settings))


@router.delete("/subscriptions/{subscription_id}", status_code=204, responses=ERRORS)
def delete(subscription_id: int, session: SessionDep, caller: Subscriber) -> Response:
    session.delete(owned(session, subscription_id, caller))
    return Response(status_code=204)


@router.post(
    "/subscriptions/{subscription_id}/rotate-secret",
    response_model=SubscriptionOut,
    responses=ERRORS,
)
def rotate(subscription_id: int, session: SessionDep, caller: Subscriber) -> SubscriptionOut:
    subscription = owned(session, subscription_id, caller)
    return out(sub_ops.rotate_secret(subscription, now=utcnow()))


@router.post("/subscriptions/{subscription_id}/test", response_model=TestSendOut, responses=ERRORS)
def test(
    subscription_id: int, session: SessionDep, ctx: ContextDep, caller: Subscriber
) -> TestSendOut:
    """Sends a signed test event now and reports what the receiver answered."""
    subscription = owned(session, subscription_id, caller)
    result = sub_ops.send_test(subscription, settings=ctx.settings, now=utcnow())
    return TestSendOut(
        outcome=result.outcome,
        status=result.status,
        latency_s=result.latency_s,
        response_excerpt=result.response_excerpt,
        error=result.error,
    )


@router.get(
    "/subscriptions/{subscription_id}/deliveries",
    response_model=list[DeliveryOut],
    responses=ERRORS,
)
def deliveries(
    subscription_id: int,
    session: SessionDep,
    caller: Subscriber,
    status: str | None = Query(None, description="pending | delivered | failed | rejected"),
    limit: int = Query(100, ge=1, le=1000),
) -> list[DeliveryOut]:
    owned(session, subscription_id, caller)
    rows = delivery_store.for_subscription(session, subscription_id, status=status, limit=limit)
    return [delivery_out(session, d) for d in rows]


@router.post("/deliveries/{delivery_id}/replay", response_model=DeliveryOut, responses=ERRORS)
def replay(delivery_id: int, session: SessionDep, caller: Subscriber) -> DeliveryOut:
    delivery = session.get(Delivery, delivery_id)
    if delivery is None:
        raise NotFound(f"no delivery with id {delivery_id}")
    owned(session, delivery.subscription_id, caller)
    return delivery_out(session, sub_ops.replay(session, delivery, now=utcnow()))
