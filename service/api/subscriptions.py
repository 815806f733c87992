"""/api/v1/subscriptions and /api/v1/deliveries: a subscriber key sees only its own."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from service.api.deps import STRICT_QUERY, Caller, ContextDep, SessionDep, Subscriber, id_path
from service.api.errors import AUTH, problems
from service.clock import utcnow
from service.models import Delivery, OutboxEvent, Subscription
from service.ops import subscriptions as sub_ops
from service.ops.errors import NotFound
from service.schemas import (
    AttemptOut,
    DeliveryOut,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
    TestSendOut,
)
from service.store import deliveries as delivery_store

router = APIRouter(prefix="/api/v1", tags=["subscriptions"], dependencies=STRICT_QUERY)
SubId = Annotated[int, id_path("subscription")]
DeliveryId = Annotated[int, id_path("delivery")]
# Each route below names one subscription or delivery by id.
BY_ID = problems(*AUTH, 404, 422)


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


@router.post(
    "/subscriptions",
    response_model=SubscriptionOut,
    status_code=201,
    responses=problems(*AUTH, 422),
)
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


@router.get("/subscriptions", response_model=list[SubscriptionOut], responses=problems(*AUTH))
def list_(session: SessionDep, caller: Subscriber) -> list[SubscriptionOut]:
    owner = None if caller.role == "admin" else caller.key_id
    return [out(s) for s in delivery_store.subscriptions(session, owner_key_id=owner)]


ONE = "/subscriptions/{subscription_id:int}"


@router.get(ONE, response_model=SubscriptionOut, responses=BY_ID)
def get(subscription_id: SubId, session: SessionDep, caller: Subscriber) -> SubscriptionOut:
    return out(owned(session, subscription_id, caller))


@router.patch(ONE, response_model=SubscriptionOut, responses=BY_ID)
def patch(
    subscription_id: SubId,
    body: SubscriptionPatch,
    session: SessionDep,
    ctx: ContextDep,
    caller: Subscriber,
) -> SubscriptionOut:
    subscription = owned(session, subscription_id, caller)
    changes = body.model_dump(exclude_none=True)
    return out(sub_ops.update(session, subscription, changes, settings=ctx.settings))


@router.delete(ONE, status_code=204, responses=BY_ID)
def delete(
    subscription_id: Annotated[int, id_path("subscription", example=2)],
    session: SessionDep,
    caller: Subscriber,
) -> Response:
    session.delete(owned(session, subscription_id, caller))
    return Response(status_code=204)


@router.post(
    f"{ONE}/rotate-secret", response_model=SubscriptionOut, responses=BY_ID
)
def rotate(
    subscription_id: SubId, session: SessionDep, caller: Subscriber
) -> SubscriptionOut:
    subscription = owned(session, subscription_id, caller)
    return out(sub_ops.rotate_secret(subscription, now=utcnow()))


@router.post(f"{ONE}/test", response_model=TestSendOut, responses=BY_ID)
def test(
    subscription_id: SubId, session: SessionDep, ctx: ContextDep, caller: Subscriber
) -> TestSendOut:
    """Sends a signed test event now and reports what the receiver answered."""
    subscription = owned(session, subscription_id, caller)
    # Nothing to store: end the transaction so none stays open across the network call.
    session.commit()
    result = sub_ops.send_test(subscription, settings=ctx.settings, now=utcnow())
    return TestSendOut(
        outcome=result.outcome,
        status=result.status,
        latency_s=result.latency_s,
        response_excerpt=result.response_excerpt,
        error=result.error,
    )


@router.get(
    f"{ONE}/deliveries",
    response_model=list[DeliveryOut],
    responses=BY_ID,
)
def deliveries(
    subscription_id: SubId,
    session: SessionDep,
    caller: Subscriber,
    status: Literal["pending", "delivered", "failed", "rejected"] | None = Query(
        None, description="only deliveries in this state"
    ),
    limit: int = Query(100, ge=1, le=1000),
) -> list[DeliveryOut]:
    owned(session, subscription_id, caller)
    rows = delivery_store.for_subscription(session, subscription_id, status=status, limit=limit)
    return [delivery_out(session, d) for d in rows]


@router.post("/deliveries/{delivery_id:int}/replay", response_model=DeliveryOut, responses=BY_ID)
def replay(delivery_id: DeliveryId, session: SessionDep, caller: Subscriber) -> DeliveryOut:
    delivery = session.get(Delivery, delivery_id)
    try:
        if delivery is None:
            raise NotFound
        owned(session, delivery.subscription_id, caller)
    except NotFound:
        # Someone else's delivery answers exactly like one that does not exist.
        raise NotFound(f"no delivery with id {delivery_id}") from None
    return delivery_out(session, sub_ops.replay(session, delivery, now=utcnow()))
