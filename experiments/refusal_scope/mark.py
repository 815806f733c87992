"""Draft of the refusal-scope marker (experiment copy)."""
import os
import re
import unicodedata

_VARIANT = os.environ.get("CUESET", "base")
_NEG = (r"not|no|never|without|cannot|(?:is|are|was|were|do|does|did|could|would|will|has|have"
        r"|had)n't|won't|can't|")
_REF = r"rul(?:es?|ed|ing) out|refus(?:es?|ed|ing)|reject(?:s|ed|ing)?|den(?:y|ies|ied|ying)|dismiss(?:es|ed|ing)?"
_STOP = (r"|halt(?:s|ed|ing)?|suspend(?:s|ed|ing)?|call(?:s|ed|ing)? off|break(?:s|ing)? off|broke off"
         r"|walk(?:s|ed|ing)? out of|pull(?:s|ed|ing)? out of|boycott(?:s|ed|ing)?|abandon(?:s|ed|ing)?")
CUES = re.compile(r"\b(?:" + ("" if _VARIANT == "refusal" else _NEG) + _REF
                  + (_STOP if _VARIANT == "stop" else "") + r")\b")
# A scope ends at punctuation or a word that starts a new clause.
STOPS = frozenset("but and as while after before because though although when where which who"
                  " that amid despite since until".split())
SKIP = frozenset("a an the of for to in on at by with any its his her their".split())
WORD = re.compile(r"[a-zA-Z][a-zA-Z'-]+|[.,;:!?]")
import os
MAX_SCOPE = int(os.environ.get("SCOPE", "4"))


def strip_accents(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def mark(text):
    text = strip_accents(text.lower())
    out = []
    last = 0
    for cue in CUES.finditer(text):
        if cue.start() < last:
            continue
        out.append(text[last:cue.end()])
        pos = cue.end()
        left = MAX_SCOPE
        while left:
            m = WORD.search(text, pos)
            if m is None:
                break
            token = m.group()
            if not token[0].isalpha() or token in STOPS or CUES.match(text, m.start()):
                break
            out.append(text[pos:m.start()])
            out.append(token if token in SKIP else "not-" + token)
            if token not in SKIP:
                left -= 1
            pos = m.end()
        last = pos
    out.append(text[last:])
    return "".join(out)


if __name__ == "__main__":
    for t in ["Russia rules out peace talks with Ukraine until its conditions are met",
              "Hamas refuses ceasefire proposal as Israeli strikes pound Rafah",
              "Israel rejects calls for a ceasefire in Gaza",
              "India denies shelling villages across the Line of Control",
              "There is no ceasefire, and the army did not withdraw from the town."]:
        print(mark(t))
