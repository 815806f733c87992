"""Countries from a real gazetteer: the issue's examples and the false positives to avoid."""

from __future__ import annotations

import pytest

from classifiers.gazetteer import countries_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Airstrikes hit Kabul", ["AF"]),
        ("Fighting reported in Kandahar and Paktia", ["AF"]),
        ("Afghan border guards returned fire", ["AF"]),
        ("The Taliban government said on Monday", ["AF"]),
        ("Islamabad summoned the envoy", ["PK"]),
        ("Pakistani jets struck Khost", ["PK", "AF"]),
        ("Pakistan's defence minister declared open war", ["PK"]),
        ("Hamas and the IDF traded fire", ["PS", "IL"]),
        ("Hezbollah fired rockets", ["LB"]),
        ("RSF fighters entered El Fasher as the SAF retreated", ["SD"]),
        ("M23 rebels advanced on Goma", ["CD"]),
        ("The Kremlin said", ["RU"]),
        ("TTP militants attacked a checkpoint", ["PK"]),
        ("Thailand and Cambodia exchanged fire", ["TH", "KH"]),
        ("Clashes in the Democratic Republic of the Congo", ["CD"]),
        ("South Sudan's army", ["SS"]),
    ],
)
def test_examples(text: str, expected: list[str]) -> None:
    assert countries_in(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Reading is a pleasure and the weather is nice.",
        "Nice weather. Reading glasses. Mobile phones. Of course.",
        "Mobile phone sales rose; the orange juice market split.",
        "a lowercase mention of kabul and paktia does not count",
        "",
    ],
)
def test_common_words_are_not_places(text: str) -> None:
    assert countries_in(text) == []
