"""What the word features read: the text lower-cased, accents stripped, and the words in the
scope of a negation or refusal marked ("Russia rules out not-peace not-talks").

Why the marking: a bag of word pairs adds up the weights of the words it sees, and "talks",
"peace" and "ceasefire" carry the strongest cooperation weights. So "Russia rules out peace
talks" read as talks and "Israel rejects calls for a ceasefire" as a ceasefire, while CAMEO codes
both as verbal conflict (a rejection), and a watch counted them as de-escalation. Marked, the
refused words become features of their own ("not-ceasefire"): rare, so they carry little
weight, and the refusal ("rejects", "rules out") decides the class. By the project's CV (5 folds,
fold seeds 0-2) this lifted ConfliBERT escalation F1 on every fold seed
(experiments/refusal_scope/).

The scope: up to MAX_SCOPE content words after the cue, ending early at punctuation or at a
word that starts a new clause ("Hamas refuses not-ceasefire not-proposal as Israeli strikes
pound Rafah"). Function words inside it stay as they are. Places and parties after a
preposition are marked too ("rejects not-calls for a not-ceasefire in not-gaza"): ending the
scope at "in" or "with" scored lower by CV and on every dev measure
(experiments/refusal_scope/). The signal patterns handle negation on their own
(classifiers.signals); this only shapes the classifier's features.
"""

from __future__ import annotations

import re
import unicodedata

_ASCII = frozenset(map(chr, range(128)))

# Negation, refusal, denial and stopping, as they appear after lower-casing and accent
# stripping (a curly apostrophe stays one: NFKD keeps it).
_CUE = re.compile(
    # "no end to the shelling", "no respite from bombing" report the shelling and the bombing
    # (the same exception as classifiers.signals' negation cues).
    r"\b(?:not|no(?! (?:respite|let-?up|end|sign of))|never|without|cannot"
    r"|(?:is|are|was|were|do|does|did|could|would|will|has|have|had|should)n['\u2019]t"
    r"|won['\u2019]t|can['\u2019]t|rul(?:es?|ed|ing) out"
    r"|refus(?:es?|ed|ing)|reject(?:s|ed|ing)?|den(?:y|ies|ied|ying)|dismiss(?:es|ed|ing)?"
    # Stopping something: "suspends talks", "halts aid" are not talks and aid.
    r"|halt(?:s|ed|ing)?|suspend(?:s|ed|ing)?|call(?:s|ed|ing)? off|break(?:s|ing)? off"
    r"|broke off|walk(?:s|ed|ing)? out of|pull(?:s|ed|ing)? out of|boycott(?:s|ed|ing)?"
    r"|abandon(?:s|ed|ing)?)\b"
    r"(?![-'])"  # "no-fly zone", "not-for-profit": one token, no cue
)
# The word vectorizer's tokens (designs.word_features). Lower-casing and unicode-stripping keep
# "Airstrikes" and "airstrikes" one feature.
WORD_TOKEN_PATTERN = r"(?u)\b[a-zA-Z][a-zA-Z'-]+\b"
# A token (a scope marks exactly the tokens the vectorizer will read) or a punctuation mark,
# which ends the scope; not the dots of "u.s." or "u.n." ("rejected u.s. calls for a truce").
_TOKEN_OR_STOP = re.compile(WORD_TOKEN_PATTERN + r"|(?<!\b[a-z])\.|[,;:!?()\"\u201c\u201d]")
# Words that start another clause: what follows is not what was refused.
_CLAUSE_WORDS = frozenset((
    "but", "and", "or", "as", "while", "after", "before", "because", "though", "although",
    "when", "where", "which", "who", "whom", "that", "amid", "despite", "since", "until",
    "unless", "so",
))
# Words carried through the scope unmarked and uncounted: they say nothing refused.
_FUNCTION_WORDS = frozenset((
    "a", "an", "the", "of", "for", "to", "in", "on", "at", "by", "with", "from", "into", "any",
    "its", "his", "her", "their", "our", "your", "this", "these", "those",
))
MAX_SCOPE = 4
NEGATED_PREFIX = "not-"


def strip_accents(text: str) -> str:
    """scikit-learn's strip_accents_unicode, same output: NFKD, then drop combining marks.
    Only the few distinct non-ASCII characters are inspected, not every character."""
    if text.isascii():
        return text
    normalized = unicodedata.normalize("NFKD", text)
    marks = [ch for ch in set(normalized).difference(_ASCII) if unicodedata.combining(ch)]
    if not marks:
        return normalized
    return normalized.translate(dict.fromkeys(map(ord, marks)))


def mark_negation_scope(text: str) -> str:
    """`text` with the content words in each negation's or refusal's scope prefixed by
    NEGATED_PREFIX. Expects lower-cased text."""
    cue = _CUE.search(text)
    if cue is None:
        return text
    parts: list[str] = []
    done = 0  # text[:done] is in `parts`
    while cue is not None:
        parts.append(text[done:cue.end()])
        done = cue.end()
        left = MAX_SCOPE
        while left:
            token = _TOKEN_OR_STOP.search(text, done)
            if token is None or not token.group()[0].isalpha():
                break
            word = token.group()
            if word in _CLAUSE_WORDS or _CUE.match(text, token.start()):
                break  # a cue opens its own scope when the outer loop reaches it
            parts.append(text[done:token.start()])
            if word in _FUNCTION_WORDS:
                parts.append(word)
            else:
                parts.append(NEGATED_PREFIX + word)
                left -= 1
            done = token.end()
        cue = _CUE.search(text, done)
    parts.append(text[done:])
    return "".join(parts)


def preprocess(text: str) -> str:
    """The word vectorizer's preprocessor (designs.word_features): lower-case, strip accents as
    scikit-learn's strip_accents="unicode" does, mark negation scopes."""
    return mark_negation_scope(strip_accents(text.lower()))
