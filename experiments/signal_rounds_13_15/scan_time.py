"""Seconds to scan 10,000 archive texts with the signal patterns (best of 9; throwaway).

Run from the root of a checkout of the patterns to time: python PATH/scan_time.py
"""
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.getcwd())
from classifiers.model_card import read_archive  # noqa: E402
from classifiers.signals import WARM_UP_TEXTS, pattern_evidence  # noqa: E402

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
texts = list(read_archive(DATA).values())[:10000]
pattern_evidence(list(WARM_UP_TEXTS))
pattern_evidence(texts)  # compiles the rescan regexes these texts need
timings = []
for _ in range(9):
    start = time.perf_counter()
    pattern_evidence(texts)
    timings.append(time.perf_counter() - start)
print(os.getcwd(), f"{min(timings):.3f} s")
