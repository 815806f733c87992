"""The names DESIGN.md fixes: signals and QuadClass classes (in the ConfliBERT/CAMEO order)."""

SIGNALS_ESCALATION = (
    "airstrike",
    "shelling",
    "armed_clash",
    "bombing",
    "cross_border_attack",
    "ceasefire_violation",
    "war_rhetoric",
    "mobilization",
    "territorial_seizure",
    "casualties",
)
SIGNALS_DEESCALATION = (
    "ceasefire_agreement",
    "talks",
    "prisoner_exchange",
    "withdrawal",
    "humanitarian_access",
)
QUAD_CLASSES = (
    "neutral",
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
)
# The alert threshold the quality targets are stated against.
ESCALATION_ALERT_THRESHOLD = 0.5
