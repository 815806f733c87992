"""Signal detection: CAMEO/PLOVER-style phrase patterns with negation and modality handling.

Why patterns: the corpora carry almost no signal labels (only SATP's "armed assault" and
"bombing"), so a learned multi-label model would be guesswork. Each pattern match is graded:

* asserted  ("airstrikes hit Kabul")             -> the pattern's strength (STRONG 1.0, WEAK 0.8)
* modal     ("threatened to launch airstrikes")  -> MODAL 0.3, and the text counts as rhetoric
* negated   ("denied carrying out airstrikes")   -> NEGATED 0.05

`combine_with_model` then scales the evidence by the model: by P(not neutral) for most signals
(so "Chelsea clash with Arsenal", calm per the model, stays low while "heavy clashes near
Bakhmut" goes high) and by P(escalation) for casualties (accidents and crime also kill people).
All patterns live in ONE compiled regex with a named group per pattern, and a whole batch of
texts is scanned in one call (joined by a character no pattern can match).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from classifiers.signal_patterns import PATTERNS, STRONG, WEAK
from classifiers.vocabulary import SIGNALS_DEESCALATION, SIGNALS_ESCALATION

SIGNALS = SIGNALS_ESCALATION + SIGNALS_DEESCALATION
MODAL, NEGATED = 0.3, 0.05
# p = evidence * (FLOOR + (1 - FLOOR) * model probability): how far the model can pull down.
# Strong, specific phrases ("open war", "artillery shelling") keep more of their weight when
# the model hesitates, e.g. on short quotes it reads as neutral. A weak phrase (0.8) reaches 0.5
# from P(not neutral) 0.27 up: at 0.35 (0.42 up) feature stories about a bombing ("as bombs
# fall") were lost; 0.45 was chosen on the tuning batches (airstrike recall 0.93 -> 0.95,
# precision unchanged); a calm text (P 0) still stays below 0.5.
MODEL_FLOOR = 0.45
STRONG_FLOOR = 0.5
CASUALTIES_FLOOR = 0.1
# Cue windows, in words before the match: a negation or modal further away governs
# something else ("in what would be one of the biggest ... air attacks" is not hypothetical).
NEGATION_WORDS = 6
MODALITY_WORDS = 5

# Cues that turn a following event mention into a denial or a non-event.
_NEGATION = re.compile(
    # "no respite from Israeli bombing" reports the bombing: not a negation.
    r"\b(?:no(?! (?:respite|let-?up|end|sign of (?:a )?(?:let-?up|end)))|not|never|without"
    r"|den(?:y|ies|ied|ying)|reject\w*|dismiss\w*|refut\w*|false\w*|refus(?:es?|ed|ing)"
    r"|rul(?:es?|ed|ing) out"
    # Stopping it: "suspends talks", "called off the strikes" ("halt" is left out: "calls to
    # halt the bombardment" report a bombardment going on).
    r"|suspend(?:s|ed|ing)?|call(?:s|ed|ing)? off|break(?:s|ing)? off|broke off"
    r"|walk(?:s|ed|ing)? out of|pull(?:s|ed|ing)? out of"
    r"|fake|baseless|unfounded|didn't|hasn't|haven't|wasn't|weren't|nor|neither"
    # "foiled an attack" did not happen ("thwarted drone attacks" were intercepted: they did).
    r"|foil\w*)\b"
)
# Up to four words, then "were denied", "is false"... Written without an optional separator
# between repeated \w+ (which let the engine split each word every possible way: the same
# matches, ten times slower).
_NEGATION_AFTER = re.compile(
    r"(?:\s*\w+(?:\s+\w+){0,3})?\s+(?:were|was|is|are|been)\s+(?:denied|false)"
)
# Right after the event: it has not happened yet ("as a ground offensive looms", "an
# invasion is expected"); round 9. Not an event going on or done ("fighting is expected to
# continue", "a strike is feared to have killed 40", "the fighting is near the airport").
_MODALITY_AFTER = re.compile(
    r"\s+(?:looms?|looming|(?:is|are|seems?|seemed|appears?|appeared) (?:(?:expected|planned"
    r"|feared|likely|possible)(?! to (?:have|continue|persist|go on|drag on|rage|intensify"
    r"|escalate|worsen|spread)\b)|imminent|looming|near(?! +\w))|(?:could|may|might) (?:begin"
    r"|start|come|follow|soon)"
    # Round 14: "as its ground forces prepared to move in".
    r"|prepar(?:e|es|ed|ing) to)\b"
)
# Cues that make a following event hypothetical: a threat, a plan, a fear, a future.
_MODALITY = re.compile(
    # (Round 12: "plan" but not "planes", "ultimatum" but not "ultimately".)
    r"\b(?:threat\w*|warn\w*|could|would|might|may|will|shall|if|plan(?:s|ned|ning)?|prepar\w*"
    r"|vow\w*"
    r"|pledg\w*|fears?|risk\w*|possible|potential|consider\w*|mull\w*|ready|intend\w*"
    r"|prospect|unless|seeks?|calls? for|urg\w*|demand\w*|brac\w*|expect\w*|loom\w*|simulat\w*"
    r"|rehears\w*|drills?|ahead of|delay\w*|imminent|impending|anticipat\w*"
    r"|hop(?:e|es|ed|ing) to|ultimat(?:um|ums|a)|worr(?:y|ies|ied)(?! by)"
    # Round 11: "talks to avert a military assault".
    r"|avert\w*|forestall\w*"
    # Round 13: "waiting for tanks for its coming counteroffensive" (not "coming under fire").
    r"|upcoming|forthcoming|(?:its|a|the|their) coming"
    # Round 14: "won't play a role in the latest counteroffensive push".
    r"|won't|wouldn't"
    # Round 15: "NATO readies for combat", "suggested a ground offensive was a certainty",
    # "determined to resume fighting".
    r"|read(?:ies|ied|ying)|suggest\w*|determin\w* to)\b"
)
# The modal cues that make a hypothetical event war rhetoric: threats and declarations of intent
# ("vowed to launch airstrikes", "Israel will continue its strikes"); plans, fears and
# forecasts ("Israel plans a ground offensive", "strikes could follow") are not.
_THREAT = re.compile(
    r"\b(?:threat\w*|warn\w*|vow\w*|pledg\w*|will|shall|ready|unless|ultimat(?:um|ums|a)"
    r"|demand\w*)\b"
)
# Where a cue's reach ends: punctuation, a dash, or a conjunction that starts a new clause
# ("Lebanon fears war as fighting intensifies": the fighting is reported, not feared).
_CLAUSE_END = re.compile(
    "[.;!?:|]|\\s[-\u2013\u2014]\\s|\\b(?:as|after|amid|while|since|when|because|but)\\s"
)
# Right before the event, a cue's object that makes the event one going on: "calls for an end
# to Israel's bombing of Gaza", "pauses in the bombardment" (round 11: the call is modal, the
# bombing is not).
_ONGOING = re.compile(
    # Round 13: "urging restraint on Gaza airstrikes".
    r"\b(?:end|halt|stop|pauses?|lull|let-?up|restraint)'? (?:to|in|of|on)(?: (?:the|an?))?"
    r"(?: [\w'-]+)?$"
    # Round 12: "urges Israel to stop bombing", "to end the bombardment".
    r"|\b(?:stop|end|halt)(?:s|ped|ping|ed|ing)?(?: (?:the|its|their))?$"
)
_SIGNAL_INDEX = {name: i for i, name in enumerate(SIGNALS)}
_RHETORIC = _SIGNAL_INDEX["war_rhetoric"]
_EVENTS = frozenset(SIGNALS_ESCALATION) - {"war_rhetoric", "mobilization"}


def _split_top_level(group: str) -> list[str]:
    """Split a regex on its top-level "|" (not inside parentheses or after a backslash)."""
    parts, depth, start, escaped = [], 0, 0, False
    for i, ch in enumerate(group):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(group[start:i])
            start = i + 1
    return [*parts, group[start:]]


def _literal_first(alternative: str) -> list[str]:
    """Rewrite an alternative into alternatives that each start with a literal letter or digit:
    "(?:air|drone) strike" -> ["air strike", "drone strike"] (leading \\b dropped: the
    whole regex starts with one)."""
    alternative = alternative.removeprefix("\\b")
    if not alternative.startswith("(?:"):
        if not alternative[:1].isalnum():
            raise ValueError(f"signal pattern must start with a letter or digit: {alternative!r}")
        return [alternative]
    depth, end = 0, 0
    for end, ch in enumerate(alternative):  # noqa: B007 - `end` is used after the loop
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            break
    rest = alternative[end + 1 :]
    if rest[:1] in ("?", "*", "+", "{"):
        raise ValueError(f"optional leading group in signal pattern: {alternative!r}")
    options = _split_top_level(alternative[3:end])
    return [expanded for option in options for expanded in _literal_first(option + rest)]


# Joins the texts of a batch. No pattern can match it (_compiled refuses ".", negated classes
# and \\W, \\S, \\D), so a match never spans two texts; it is a non-word character, so it
# starts the next text's first word like the beginning of a string does.
_SEPARATOR = "\x00"
_MAY_MATCH_SEPARATOR = re.compile(r"(?<!\\)(?:\\\\)*(?:\.|\[\^|\\[WSD])")
_CAPTURING_GROUP = re.compile(r"(?<!\\)(?:\\\\)*\((?!\?)|\(\?P<")


def _check(alternative: str) -> None:
    if _MAY_MATCH_SEPARATOR.search(alternative):
        raise ValueError(f"signal pattern may match the batch separator: {alternative!r}")
    if _CAPTURING_GROUP.search(alternative):  # it would hide the pattern's own group
        raise ValueError(f"signal pattern with a capturing group: {alternative!r}")


class _Group(NamedTuple):
    """What a match of one alternative means."""

    indices: tuple[int, ...]  # signals (SIGNALS order); empty for a non-event phrase
    strength: float
    threat_is_rhetoric: bool  # a hypothetical mention of an event is a threat
    end_short: int  # characters the match ends before the pattern's end (a final space)
    context: re.Pattern[str] | None  # Pattern.context, compiled


@lru_cache(maxsize=64)  # one per set of failed contexts met in a text (a handful in practice)
def _compiled(
    failed: frozenset[str] = frozenset(),
) -> tuple[re.Pattern[str], dict[str, _Group]]:
    """One regex for every pattern (but those whose context is in `failed`), dispatched on the
    first letter. Leaving patterns out keeps the others in the same order (the dispatch tree is
    laid out from every pattern), so each regex is the full one minus some alternatives.

    Why this shape (Python's regex engine has no literal-set search, so the shape decides the
    speed):
    * it starts with a non-word character, not \\b: with a character class first the engine
      skips in C to the next non-word character, so only word starts are tried; with \\b it
      tried the whole alternation at every character. Matches therefore begin one character
      before the word.
    * \\b(?:a(?:...)|b(?:...)|...): at each word start one literal test per letter, then only
      the few patterns starting with that letter (and second letter) are tried.
    * each alternative ENDS with an empty named group (lastgroup names the pattern): the
      engine skips an alternative in one step only when it starts with a literal, and a
      group in front made it enter every alternative of the letter.
    Returns the regex and, per named group, what its match means."""
    tree: dict[str, dict[str, list[str]]] = {}  # first letter -> second letter -> alternatives
    groups: dict[str, _Group] = {}
    for number, pattern in enumerate(PATTERNS):
        left_out = pattern.context in failed
        names = pattern.signals.split("+")
        indices = tuple(_SIGNAL_INDEX[name] for name in names if name != "none")
        rhetoric = any(name in _EVENTS for name in names)
        context = re.compile(pattern.context) if pattern.context else None
        expanded = [alt for source in pattern.alternatives for alt in _literal_first(source)]
        for index, alternative in enumerate(expanded):
            _check(alternative)
            group = f"p{number}_{index}"
            first, rest = alternative[0], alternative[1:]
            # Dispatch on the second letter too when it is a plain, unquantified letter.
            second = rest[0] if rest[:1].isalpha() and rest[1:2] not in ("?", "*", "+", "{") else ""
            tail = rest[1:] if second else rest
            # A final space is only looked at, not consumed: it is the delimiter the next
            # match starts with. The match end is then corrected by one.
            trailing_space = tail.endswith(" ") and not tail.endswith("\\ ")
            if trailing_space:
                tail = tail[:-1] + "(?= )"
            alternatives = tree.setdefault(first, {}).setdefault(second, [])
            if left_out:
                continue
            groups[group] = _Group(
                indices, pattern.strength, rhetoric, int(trailing_space), context
            )
            alternatives.append(f"{tail}(?P<{group}>)")
    buckets = []
    for first, by_second in sorted(tree.items()):
        # Order inside a letter is kept: more specific patterns were listed first.
        inner = [f"{second}(?:{'|'.join(alts)})" for second, alts in by_second.items() if alts]
        if inner:
            buckets.append(f"{first}(?:{'|'.join(inner)})")
    return re.compile(r"[^\w](?:" + "|".join(buckets) + ")"), groups


def _preceding_words(lowered: str, start: int, words: int) -> str:
    """The last `words` words before `start`, not reaching back past a clause boundary."""
    window = lowered[max(0, start - 12 * words) : start]
    cut = list(_CLAUSE_END.finditer(window))
    if cut:
        window = window[cut[-1].end() :]
    return " ".join(window.split()[-words:])


# Texts whose scans need the rescan regexes most rows need (each fails a different context:
# armed actors, war, clashes outside a riot, Gaza; 427 of the 484 rescanned rows of the 2023
# archive): scoring them at start compiles those regexes then, not during the first poll
# (~0.5-0.8 s each). The rarer ones are compiled when first met.
WARM_UP_TEXTS = (
    "The battle for the title went to the final day.",
    "Rival fans clashed in the city centre.",
    "The minister threatened to resign over the budget.",
    "The bombing of the hotel shocked the town.",
)


def pattern_scores(text: str) -> NDArray[np.float64]:
    """Graded pattern evidence per signal (SIGNALS order), before combining with the model."""
    row: NDArray[np.float64] = pattern_evidence([text])[0]
    return row


def pattern_evidence(texts: Sequence[str]) -> NDArray[np.float64]:
    """pattern_scores for a batch (rows in `texts` order), with one regex scan for all.

    A pattern whose context the text lacks must neither count nor hide the pattern it overlaps
    ("fired missiles" about Ukraine is shelling, though the North Korean missile-test pattern
    listed first matches it too): rows where that happened are scanned again, with a regex
    built without the patterns of the contexts that failed there, until no pattern matches out
    of its context. That gives the same matches as leaving out every context the text lacks
    (the regex is the full one minus alternatives, and the ones still left in never win), with
    far fewer distinct regexes to compile (~0.5 s each): usually one context fails where a
    text lacks several (35 combinations of the 9 contexts in the 2023 archive)."""
    # Typographic quotes folded: "sends \u2018bunker buster\u2019 bombs" reads as plain words.
    lowered = [text.lower().replace("\u2019", "'").replace("\u2018", "'") for text in texts]
    scores = np.zeros((len(texts), len(SIGNALS)))
    failed_in = _scan(lowered, list(range(len(lowered))), frozenset(), scores)
    while failed_in:
        again: dict[frozenset[str], list[int]] = {}
        for row, failed in failed_in.items():
            again.setdefault(failed, []).append(row)
        failed_in = {}
        for failed, rows in again.items():
            scores[rows] = 0.0
            for row, more in _scan(lowered, rows, failed, scores).items():
                failed_in[row] = failed | more  # grows each round: at most one per context
    return scores


def _scan(
    lowered: list[str], rows: list[int], failed: frozenset[str], scores: NDArray[np.float64]
) -> dict[int, frozenset[str]]:
    """Score `rows` of `lowered` into `scores` with one scan of the regex without the patterns
    of the `failed` contexts; return the rows where a pattern matched outside its context,
    with those contexts."""
    regex, groups = _compiled(failed)
    starts = [0] * (len(rows) + 1)  # where each text starts in `joined`, then a sentinel
    position = 1
    for index, row in enumerate(rows):
        starts[index] = position
        position += len(lowered[row]) + 1
    starts[-1] = position
    joined = _SEPARATOR + _SEPARATOR.join(lowered[row] for row in rows)
    in_context: dict[tuple[int, re.Pattern[str]], bool] = {}  # (row, context) -> found
    out_of_context: dict[int, frozenset[str]] = {}
    index = 0
    for match in regex.finditer(joined):
        group = groups[match.lastgroup or ""]
        if not group.indices:  # a non-event phrase: it only consumes text
            continue
        begin = match.start() + 1  # the word after the delimiter
        while begin >= starts[index + 1]:
            index += 1
        row, offset = rows[index], starts[index]
        text = lowered[row]
        if group.context is not None:
            key = (row, group.context)
            if key not in in_context:
                in_context[key] = group.context.search(text) is not None
            if not in_context[key]:
                out_of_context[row] = out_of_context.get(row, frozenset()) | {
                    group.context.pattern
                }
                continue
        before = _preceding_words(text, begin - offset, NEGATION_WORDS)
        end = match.end() + group.end_short - offset
        if _NEGATION.search(before) or _NEGATION_AFTER.match(text, end):
            grade = NEGATED
        elif (
            _MODALITY.search(cue := " ".join(before.split()[-MODALITY_WORDS:]))
            and not _ONGOING.search(before)
        ) or _MODALITY_AFTER.match(text, end):
            grade = MODAL
            # "threatened to launch airstrikes": a threat.
            if group.threat_is_rhetoric and _THREAT.search(cue):
                scores[row, _RHETORIC] = max(scores[row, _RHETORIC], WEAK)
        else:
            grade = group.strength
        for signal in group.indices:
            scores[row, signal] = max(scores[row, signal], grade)
    return out_of_context


def combine_with_model(
    evidence: NDArray[np.float64], relevance: NDArray[np.float64], escalation: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Scale pattern evidence (n x signals) by the model: P(not neutral) for every signal but
    casualties, which is scaled by P(escalation)."""
    floor = np.where(evidence >= STRONG, STRONG_FLOOR, MODEL_FLOOR)
    floor[:, _SIGNAL_INDEX["casualties"]] = CASUALTIES_FLOOR
    direction = np.repeat(relevance[:, None], len(SIGNALS), axis=1)
    direction[:, _SIGNAL_INDEX["casualties"]] = escalation
    return np.round(evidence * (floor + (1.0 - floor) * direction), 4)
