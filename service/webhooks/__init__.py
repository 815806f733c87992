"""Webhook machinery without a database: signing, body formats, retry policy and the sender.

The delivery job (service.ops) owns outbox rows, claims and attempt records; this package only
turns an event into signed bytes on the wire and says what the receiver's answer means.
"""
