"""Text -> escalation scores. Pure: never imports `service` or `feeds`; nothing built at import."""
