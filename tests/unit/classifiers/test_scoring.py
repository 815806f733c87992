"""The shipped model through the public scoring API (no shared data needed)."""

from __future__ import annotations

import json

from classifiers.scoring import (
    ESCALATION_ALERT_THRESHOLD,
    FUNCTION_WORDS,
    QUAD_CLASSES,
    SIGNALS_DEESCALATION,
    SIGNALS_ESCALATION,
    Scorer,
    TextItem,
)


def _one(scorer: Scorer, text: str, title: str | None = None) -> dict[str, object]:
    return scorer.score([TextItem(id="x", text=text, title=title)])[0].to_json()


def test_output_line_has_exactly_the_design_fields(scorer: Scorer) -> None:
    line = _one(scorer, "Pakistani airstrikes hit Kabul, Kandahar and Paktia.", "Open war")
    assert list(line) == [
        "id",
        "escalation",
        "deescalation",
        "quad",
        "signals",
        "countries",
        "explanation",
        "model_version",
    ]
    assert set(line["quad"]) == set(QUAD_CLASSES)  # type: ignore[arg-type]
    assert set(line["signals"]) == set(SIGNALS_ESCALATION + SIGNALS_DEESCALATION)  # type: ignore[arg-type]
    assert abs(sum(line["quad"].values()) - 1.0) < 1e-3  # type: ignore[union-attr]
    assert line["model_version"] == scorer.version
    json.dumps(line)  # serialisable as it is


def test_batch_keeps_order_and_ids_and_empty_batch_is_empty(scorer: Scorer) -> None:
    items = [TextItem(id=f"a{i}", text=text) for i, text in enumerate(["calm", "shelling", ""])]
    assert [score.id for score in scorer.score(items)] == ["a0", "a1", "a2"]
    assert scorer.score([]) == []


def test_the_motivating_case_scores_as_escalation_with_named_evidence(scorer: Scorer) -> None:
    line = scorer.score(
        [
            TextItem(
                id="pk-af",
                title="Pakistan declares 'open war' on Afghanistan's Taliban government",
                text="Pakistani airstrikes hit Kabul, Kandahar and Paktia after an Afghan "
                "cross-border attack, despite the Qatar-mediated ceasefire.",
            )
        ]
    )[0]
    assert line.escalation >= ESCALATION_ALERT_THRESHOLD
    assert line.signals["airstrike"] >= 0.5
    assert line.signals["war_rhetoric"] >= 0.5
    assert line.signals["cross_border_attack"] >= 0.5
    assert line.countries[:2] == ["PK", "AF"]
    assert line.explanation and all(isinstance(t, str) and t for t, _ in line.explanation)
    assert any(weight > 0 for _, weight in line.explanation)


def test_rhetoric_is_not_an_event(scorer: Scorer) -> None:
    rhetoric = _one(scorer, "The defence minister said: it is now open war between us.")
    event = _one(scorer, "Airstrikes hit Kabul overnight, officials said.")
    assert rhetoric["signals"]["war_rhetoric"] >= 0.5  # type: ignore[index]
    assert rhetoric["signals"]["armed_clash"] < 0.2  # type: ignore[index]
    assert rhetoric["signals"]["airstrike"] < 0.2  # type: ignore[index]
    assert event["signals"]["airstrike"] >= 0.5  # type: ignore[index]
    assert event["signals"]["war_rhetoric"] < 0.2  # type: ignore[index]


def test_threatened_strikes_are_rhetoric_not_strikes(scorer: Scorer) -> None:
    line = _one(scorer, "Islamabad threatened to launch airstrikes on Taliban hideouts.")
    assert line["signals"]["airstrike"] < 0.35  # type: ignore[index]
    assert line["signals"]["war_rhetoric"] >= 0.5  # type: ignore[index]


def test_negated_events_score_low(scorer: Scorer) -> None:
    denied = _one(scorer, "The army denied carrying out airstrikes in Khost province.")
    quiet = _one(scorer, "No shelling was reported along the border on Sunday.")
    asserted = _one(scorer, "Heavy shelling was reported along the border on Sunday.")
    assert denied["signals"]["airstrike"] < 0.2  # type: ignore[index]
    assert quiet["signals"]["shelling"] < 0.2  # type: ignore[index]
    assert asserted["signals"]["shelling"] >= 0.5  # type: ignore[index]


def test_refused_talks_and_truces_are_not_de_escalation(scorer: Scorer) -> None:
    """CAMEO codes a rejection as verbal conflict. Model 2026.12.3, before negation scopes were
    marked (classifiers.word_preprocessing), scored the first 0.97 de-escalation with talks at
    0.99, the second 0.65 de-escalation with a ceasefire signal at 0.8."""
    refused = [
        "Russia rules out peace talks with Ukraine until its conditions are met",
        "Israel rejects calls for a ceasefire in Gaza",
        "Hamas refuses ceasefire proposal as Israeli strikes pound Rafah",
    ]
    for text in refused:
        line = _one(scorer, text)
        assert line["escalation"] > line["deescalation"], (text, line)  # type: ignore[operator]
        assert line["deescalation"] < 0.5, (text, line)  # type: ignore[operator]
        for name in ("talks", "ceasefire_agreement"):
            assert line["signals"][name] < 0.5, (text, line)  # type: ignore[index]
    explanation = dict(_one(scorer, refused[0])["explanation"])  # type: ignore[call-overload]
    assert "not-talks" in explanation and "talks" not in explanation
    suspended = _one(scorer, "Israel suspends talks with Hamas after rocket fire")
    assert suspended["signals"]["talks"] < 0.5  # type: ignore[index]
    # Still cooperation when nothing is refused.
    agreed = _one(scorer, "Russia and Ukraine agree to hold peace talks next week")
    assert agreed["deescalation"] > 0.5  # type: ignore[operator]


def test_unrelated_news_scores_low(scorer: Scorer) -> None:
    calm = [
        "Manchester United beat Chelsea 2-1 in a Premier League clash at Old Trafford.",
        "Apple shares rose after the company reported record iPhone sales in China.",
        "Astronomers discover a new exoplanet orbiting a nearby red dwarf star.",
        "The central bank left interest rates unchanged as inflation eased.",
        "Rocket Lab launches a satellite for NASA from New Zealand.",
    ]
    scores = scorer.score([TextItem(id=str(i), text=text) for i, text in enumerate(calm)])
    for score in scores:
        assert score.escalation < ESCALATION_ALERT_THRESHOLD, score
        assert max(score.signals[name] for name in SIGNALS_ESCALATION) < 0.5, score


def test_ceasefire_news_scores_as_deescalation(scorer: Scorer) -> None:
    line = _one(
        scorer,
        "Israel and Hamas agreed to extend the truce by two days, and 30 "
        "hostages and prisoners were released in an exchange mediated by Qatar.",
    )
    assert line["deescalation"] > line["escalation"]  # type: ignore[operator]
    assert line["signals"]["ceasefire_agreement"] >= 0.5  # type: ignore[index]
    assert line["signals"]["prisoner_exchange"] >= 0.5  # type: ignore[index]


def test_scores_are_deterministic(scorer: Scorer) -> None:
    items = [TextItem(id="1", text="Shelling near Donetsk killed three civilians.")]
    assert scorer.score(items) == scorer.score(items)


def test_explanations_leave_out_terms_made_only_of_function_words(scorer: Scorer) -> None:
    texts = [
        "Fighting has resumed in the north and we are told that it is spreading",
        "It is now open war between us, the minister said of the border clashes",
        "Shelling of the city has continued in spite of the truce that was agreed",
    ]
    lines = scorer.score([TextItem(id=str(i), text=text) for i, text in enumerate(texts)])
    terms = [term for line in lines for term, _ in line.explanation]
    assert terms, "the texts have explainable conflict words"
    assert not [term for term in terms if FUNCTION_WORDS.issuperset(term.split())]
    # Bigrams with one content word stay ("the truce" would be readable).
    assert any(term in {"fighting", "shelling", "open war", "clashes"} for term in terms)
    # Content words on scikit-learn's stop list stay explainable.
    front = scorer.score([TextItem(id="f", text="Troops came under fire on the front line")])[0]
    assert {"fire", "front"} <= {term for term, _ in front.explanation}


def _signals(scorer: Scorer, text: str) -> dict[str, float]:
    return scorer.score([TextItem(id="x", text=text)])[0].signals


def test_a_strike_with_another_weapon_named_is_not_an_air_strike(scorer: Scorer) -> None:
    missile = _signals(scorer, "Russian strike on Dnipro kills six. The missile hit a "
                       "residential building overnight, the regional governor said.")
    bare = _signals(scorer, "Russian strikes on Dnipro kill six, the regional governor said.")
    gaza = _signals(scorer, "Israeli strikes hit Gaza City overnight as Hamas fired rockets.")
    assert missile["shelling"] >= 0.5 > missile["airstrike"]
    assert bare["airstrike"] >= 0.5
    # In Israel's wars "strikes" stay air strikes beside the other side's rockets.
    assert gaza["airstrike"] >= 0.5 and gaza["shelling"] >= 0.5


def test_a_pattern_outside_its_context_does_not_hide_another(scorer: Scorer) -> None:
    # The North Korean missile-test pattern matches "fired missiles" first; elsewhere the
    # same words are shelling.
    ukraine = _signals(scorer, "Russia fired missiles at targets across Ukraine overnight.")
    korea = _signals(scorer, "North Korea fired missiles into the sea on Sunday.")
    assert ukraine["shelling"] >= 0.5
    assert korea["shelling"] < 0.5 <= korea["mobilization"]


def test_plans_are_not_threats_and_threats_need_a_war(scorer: Scorer) -> None:
    plan = _signals(scorer, "Israel plans a ground offensive in Gaza, officials say.")
    threat = _signals(scorer, "Hezbollah vowed to launch rockets at Israel if the strikes go on.")
    politics = _signals(scorer, "The former prime minister's allies threatened colleagues who "
                        "back the inquiry, MPs say.")
    assert plan["war_rhetoric"] < 0.5 and plan["armed_clash"] < 0.5
    assert threat["war_rhetoric"] >= 0.5 and threat["shelling"] < 0.5
    assert politics["war_rhetoric"] < 0.5


def test_phrases_that_only_look_like_events(scorer: Scorer) -> None:
    # Each of these once scored as an event (a review of the round-6 and -7 patterns).
    calm = [
        "Teachers to strike on Tuesday in England",
        "New US sanctions hit Iran's oil exports",
        "Russia's charm offensive in Africa continues",
        "Army offensive coordinator resigns after loss to Navy",
        "US Air Force to buy 100 new bombers",
        "A think tank says the pound could fall",
        "Trump attacks Harris's positions on immigration",
        "Drones from Iran are being used by Russia",
        "The ups and downs of drone racing",
        "SpaceX launched two Falcon rockets",
    ]
    for text in calm:
        events = {name: p for name, p in _signals(scorer, text).items()
                  if p >= 0.5 and name in SIGNALS_ESCALATION}
        assert events == {}, text
    # ... while strikes named beside workers or staff are still strikes.
    for text in ("Seven aid workers killed in Israeli strike on convoy in Gaza",
                 "Nurses killed in Russian strike on hospital"):
        assert _signals(scorer, text)["airstrike"] >= 0.5, text


def _above(scorer: Scorer, texts: list[str], name: str) -> list[str]:
    """The texts whose `name` signal reaches 0.5."""
    scores = scorer.score([TextItem(id=str(i), text=text) for i, text in enumerate(texts)])
    return [text for text, score in zip(texts, scores, strict=True) if score.signals[name] >= 0.5]


def test_round_9_air_strike_phrasings(scorer: Scorer) -> None:
    # Phrasings of air attacks the round-9 review found missed (sentences written for the test).
    strikes = [
        "Aid groups condemn the Gaza bombing as the death toll climbs past 300.",
        "Families returned to their street in Gaza hours before the bombing resumed.",
        "A family escaped the rubble after their building was bombed in Khan Younis, Gaza.",
        "Russian attack kills four people in a village in Idlib, Syrian rescuers say.",
        "Russia launched fresh attacks across Kyiv overnight, damaging homes.",
        "Ukraine continues to battle Russian drones over its Danube ports.",
        "Bombs and shortages of fuel have made daily life impossible in Gaza's hospitals.",
    ]
    assert _above(scorer, strikes, "airstrike") == strikes
    # A Russian attack with a missile named is shelling, not an air strike.
    missile = _signals(scorer, "Russian attack on Zaporizhzhia kills two: the missile hit a "
                       "market at noon, officials said.")
    assert missile["shelling"] >= 0.5 > missile["airstrike"]
    # Arms sent and "review-bombing" are not bombing raids.
    calm = ["The US sends \u2018bunker buster\u2019 bombs to Israel for its war in Gaza.",
            "Review-bombing of shops over the Gaza war worries owners in Ohio."]
    assert _above(scorer, calm, "airstrike") == []


def test_drones_shot_down_are_still_read_for_where_they_came_from(scorer: Scorer) -> None:
    # The interception phrase no longer consumes "drones": "drones fired from Yemen" follows.
    line = _signals(scorer, "A US destroyer in the Red Sea shoots down attack drones fired "
                    "from Yemen toward Israel.")
    assert line["airstrike"] >= 0.5 and line["cross_border_attack"] >= 0.5


def test_round_9_cross_border_references(scorer: Scorer) -> None:
    attack = [
        "Rescuers recover bodies at kibbutz Nir Oz days after Hamas gunmen overran it.",
        "Republican lawmakers bicker over the speaker's race as Israel is attacked.",
        "Three injured as a drone crashes into flats in Russia's Kursk city.",
        "Mourners remember the 1,200 Israelis killed by Hamas gunmen.",
        "In south Lebanon, farmers say exchanges of fire have made the harvest near the border "
        "too dangerous.",
    ]
    assert _above(scorer, attack, "cross_border_attack") == attack
    # The killing the actor-only match leaves unconsumed is still casualties.
    killed = _signals(scorer, "Hamas gunmen killed a farmer and his wife in their home.")
    assert killed["cross_border_attack"] >= 0.5 and killed["casualties"] >= 0.5
    # October 7 used as the date the war began is not the attack.
    date = [
        "Aid has trickled into Gaza since the start of the war on October 7.",
        "Thousands have been displaced in Gaza in the war that began on October 7.",
    ]
    assert _above(scorer, date, "cross_border_attack") == []


def test_round_9_armed_clash_phrasings(scorer: Scorer) -> None:
    fighting = [
        "The army says the city is surrounded by its troops after a week of fighting.",
        "Ukrainian soldiers try to widen a breach in Russian lines near Robotyne.",
        "Russian forces fight to take Bakhmut as the invasion enters its second year.",
        "Russian forces are trying to encircle Avdiivka from the north.",
        "Azerbaijani forces took the region after a lightning offensive.",
        "Ukraine claims gains against Russian positions near the Dnipro river.",
        "The fighting has forced 50,000 people to flee Sudan, the UN says.",
    ]
    assert _above(scorer, fighting, "armed_clash") == fighting
    police = _signals(scorer, "Nine security personnel killed in a police station attack by "
                      "militants in Balochistan.")
    assert police["armed_clash"] >= 0.5 and police["casualties"] >= 0.5
    calm = [
        "Israel targets Hamas leaders with battlefield intelligence, officials say.",
        "Inquiry into the sinking of a migrant boat off Greece begins.",
        "The UN Security Council fails again to pass a resolution to stop the fighting in Gaza.",
        "A new skirmish in the culture war over gas stoves erupts in Congress.",
        "Allies pledge infantry fighting vehicles to Ukraine's army.",
        "Residents worry fighting will intensify in Khartoum as the army and RSF truce expires.",
        "Israel lays out its plans for Gaza as a ground offensive looms.",
    ]
    assert _above(scorer, calm, "armed_clash") == []
    # Soldiers killed in a missile attack: shelling, not a ground fight.
    missile = _signals(scorer, "Twenty soldiers killed in a Russian missile attack on a "
                       "brigade ceremony, Kyiv says.")
    assert missile["shelling"] >= 0.5 > missile["armed_clash"]


def test_round_9_review_cross_border_phrasings(scorer: Scorer) -> None:
    # Review of round 9 (sentences written for the test): the 7 October attack named by a verb
    # after "since" is still the attack; "Hamas gunmen killed..." needs the active voice.
    attack = [
        "Troops have fought in Gaza since Hamas attacked Israel on October 7.",
        "Families have waited for news since Hamas militants infiltrated Israel on October 7.",
        "Hamas gunmen killed at least 1,200 people in southern Israel.",
        "Families of hostages taken from the Supernova party rallied in Tel Aviv.",
        "Israel has come under attack from Iran and its proxies.",
    ]
    assert _above(scorer, attack, "cross_border_attack") == attack
    calm = [
        "The army says 9,000 Hamas fighters have been killed since the war began.",
        "Army: 12 Hamas militants were killed overnight in Khan Younis.",
        "Israel was attacked by the UN secretary-general over the aid blockade in Gaza.",
        "Israel is under attack at the UN, its ambassador told reporters on Tuesday.",
        "Police raids in Israel's Arab towns target crime families after a string of murders.",
        "Astronomers say the supernova was the explosion of a dead star far away.",
        "A film about the Bossa Nova festival in Rio honours musicians now dead.",
        "Texas and Washington are locked in a new skirmish over razor wire at the border.",
    ]
    assert _above(scorer, calm, "cross_border_attack") == []


def test_round_9_review_armed_clash_false_alarms(scorer: Scorer) -> None:
    # Review of round 9 (sentences written for the test): phrases the round added that also
    # read trading, football, politics, floods and protests as fighting.
    calm = [
        "Hedge funds booked gains on their short positions as oil rose.",
        "Arsenal found gaps in the defensive lines of a tired Chelsea side.",
        "The prime minister fights to hold onto power as the war with Hamas drags on.",
        "The senator fights to defend his Ukraine aid bill as troops train in Poland.",
        "The village is surrounded by floodwaters and soldiers are helping residents leave.",
        "The city is surrounded by mountains and was a military garrison in the 1800s.",
        "The far right made big gains in the election as voters fretted over troops abroad.",
        "Defence firms reported gains as demand for artillery from the military surged.",
    ]
    assert _above(scorer, calm, "armed_clash") == []
    assert _signals(scorer, "Rival fans clashed before the match; the clashes have left two "
                    "fans dead in Marseille.")["armed_clash"] < 0.5
    # Medical staff killed in an attack are no ground fight; security personnel still are.
    assert _signals(scorer, "Medical personnel killed in an attack on a hospital in Khartoum, "
                    "the army says.")["armed_clash"] < 0.5
    fighting = [
        "Ukrainians fight to defend their homes as Russian troops advance.",
        "The town is now surrounded, Ukrainian commanders say, as Russian troops press on.",
        "The Ukrainian military on Tuesday reported making small advances against Russian forces.",
    ]
    assert _above(scorer, fighting, "armed_clash") == fighting


def test_round_9_review_air_strike_false_alarms(scorer: Scorer) -> None:
    # Review of round 9 (sentences written for the test): drones in business and firefighting,
    # cyber and ground attacks, and unexploded bombs are no air strikes.
    calm = [
        "Firefighters battle the blaze using drones to find hot spots.",
        "Battlefield drones are changing how armies train, analysts say.",
        "Regulators shoot down plans for drones over the city.",
        "Russian cyber attacks damaged Ukraine's power grid, officials said.",
        "Russian ground assaults kill dozens of soldiers near Avdiivka.",
        "Russian hacker attacks on Ukraine's ports disrupted grain exports.",
        "Aid groups say unexploded bombs in Gaza will take years to clear.",
    ]
    assert _above(scorer, calm, "airstrike") == []
    strikes = [
        "Kyiv fends off a wave of Russian drones overnight.",
        "Air defences fought off dozens of attack drones over Odesa.",
    ]
    assert _above(scorer, strikes, "airstrike") == strikes


def test_round_9_review_modality_keeps_reported_events(scorer: Scorer) -> None:
    # Review of round 9 (sentences written for the test): an event "expected to continue",
    # "feared to have killed", "near the airport" or "worried by" is going on or done.
    fighting = [
        "Heavy fighting is expected to continue around Khartoum, the UN says.",
        "The fighting is near the airport, soldiers say.",
    ]
    assert _above(scorer, fighting, "armed_clash") == fighting
    strike = _signals(scorer, "An Israeli airstrike is feared to have killed 40 people in Rafah.")
    assert strike["airstrike"] >= 0.5
    shelled = _signals(scorer, "Residents, worried by nightly shelling, fled to the west of "
                       "the city as Russian troops advanced.")
    assert shelled["shelling"] >= 0.5
    # Still hypothetical: looming, imminent, near at the end of the clause.
    for text in ("A ground offensive is imminent, the army says.",
                 "An Israeli ground invasion is near."):
        assert _signals(scorer, text)["armed_clash"] < 0.5, text


def test_round_9_review_bombs_held_back_and_political_fighting(scorer: Scorer) -> None:
    # Review of round 9 (sentences written for the test): in news of Gaza "bombs" are air
    # strikes, but not bombs an ally ships, withholds or pauses, nor a film that bombs.
    calm = [
        "The US paused a shipment of 2,000-pound bombs to Israel over concerns about Gaza.",
        "The president withheld bombs from Israel over its plans for Rafah in Gaza.",
        "The film bombs at the box office despite a star turn from a Gaza-born actor.",
    ]
    assert _above(scorer, calm, "airstrike") == []
    assert _above(scorer, ["Israel dropped 2,000-pound bombs on a crowded area of Gaza."],
                  "airstrike") != []
    # "Fighting has forced..." is war, but not a party's internal fighting.
    assert _signals(scorer, "Internal fighting has forced the party leader to resign.")[
        "armed_clash"] < 0.5


def test_round_9_review_crime_near_a_border_is_not_cross_border(scorer: Scorer) -> None:
    # Review of round 9 (sentences written for the test): a gunfight with smugglers near a
    # border is no attack across it; an exchange of fire with an army across it still is.
    crime = [
        "Border guards killed two cattle smugglers in an exchange of fire near the border.",
        "Soldiers and cartel gunmen fought a gun battle near the US border.",
    ]
    assert _above(scorer, crime, "cross_border_attack") == []
    assert _above(scorer, ["Skirmishes broke out again on the border between Armenia and "
                           "Azerbaijan, both armies said."], "cross_border_attack") != []


def test_round_10_ground_incursions_sieges_and_soldiers_killing_armed_men(scorer: Scorer) -> None:
    # Round 10 (2004 wire news; sentences written for the test): ground incursions, sieges
    # and soldiers killing armed men are fighting, and "killed" stays casualties.
    fighting = [
        "Israeli tanks rolled into the refugee camp at dawn, witnesses said.",
        "Tanks and troops backed by helicopter gunships stormed the rebel stronghold.",
        "Government troops laid siege to the rebel-held town on Sunday.",
        "Army soldiers shot and killed three armed men near the outpost.",
        "Marines faced pockets of insurgent resistance in the old city.",
        "Troops attacked two suspected terrorist hideouts near the border.",
    ]
    assert _above(scorer, fighting, "armed_clash") == fighting
    killed = _signals(scorer, "Army soldiers shot and killed three armed men near the outpost.")
    assert killed["casualties"] >= 0.5
    calm = [
        "Police shot dead an armed robber outside a bank in the city centre.",
        "Troops stormed the houses of two families and arrested their sons, residents said.",
        "Fans laid siege to the box office for tickets to the final.",
        "Police laid siege to the house where gunmen held three hostages.",
        "Lawmakers faced pockets of resistance to the war funding bill.",
        "Troops poured into the flooded region to help with the relief effort.",
        "Opposition forces swept into parliament in Sunday's election.",
        "Border troops shot dead two armed smugglers near the river.",
        "Players can attack enemy bases in the new strategy game.",
    ]
    assert _above(scorer, calm, "armed_clash") == []
    # The soldiers are the victims, of a blast: not soldiers who killed militants.
    bombed = _signals(scorer, "Four soldiers were killed when militants blew up a tunnel under "
                      "an army post.")
    assert bombed["armed_clash"] < 0.5 <= bombed["casualties"]


def test_round_10_air_attacks_named_by_aircraft_and_storms_that_strike(scorer: Scorer) -> None:
    # Round 10 (sentences written for the test): aircraft that attacked, and troops that
    # attacked under air cover, are air strikes; air cover alone and a hurricane are not.
    strikes = [
        "A US gunship attacked militia positions in the holy city.",
        "Helicopters attacked militia positions outside the town overnight.",
        "Troops backed by helicopters and artillery attacked two militant hideouts.",
        "Israel launched lightning strikes on Hamas targets in Gaza.",
    ]
    assert _above(scorer, strikes, "airstrike") == strikes
    # Air cover does not hide the artillery named beside it; the positions are fought over.
    both = _signals(scorer, "Troops backed by artillery and aircraft attacked two hideouts "
                    "held by militants.")
    assert both["airstrike"] >= 0.5 and both["shelling"] >= 0.5
    positions = _signals(scorer, "A US gunship attacked militia positions in the holy city.")
    assert positions["armed_clash"] >= 0.5
    calm = [
        "Soldiers searched for fishermen missing after Hurricane Ivan's strike on the island.",
        "Troops backed by helicopters searched flooded villages for survivors.",
        "The Jets attacked the Patriots' secondary all afternoon.",
    ]
    assert _above(scorer, calm, "airstrike") == []


def test_round_10_rockets_at_an_israeli_town_cross_the_border(scorer: Scorer) -> None:
    texts = ["Militants fired a rocket at an Israeli town, wounding two children.",
             "A rocket attack on an Israeli border town killed two people."]
    assert _above(scorer, texts, "cross_border_attack") == texts


def test_reported_probabilities_are_sharpened_and_signals_are_not(scorer: Scorer) -> None:
    import numpy as np

    from classifiers.designs import SharpenedCalibratedClassifierCV, sharpen
    from classifiers.signals import combine_with_model, pattern_evidence

    classifier = scorer.pipeline.named_steps["classifier"]
    assert isinstance(classifier, SharpenedCalibratedClassifierCV)
    assert 0 < classifier.temperature < 1
    texts = ["Heavy fighting near Bakhmut as troops shell the town.",
             "The envoys met again and praised the constructive talks.",
             "Rebels clashed with the army, officials said."]
    features = scorer.features(texts)
    calibrated = classifier.calibrated_proba(features)
    sharpened = classifier.predict_proba(features)
    assert np.allclose(sharpened, sharpen(calibrated, classifier.temperature))
    assert (sharpened.argmax(axis=1) == calibrated.argmax(axis=1)).all()  # rankings kept
    assert (sharpened.max(axis=1) > calibrated.max(axis=1)).all()  # away from the middle
    scores = scorer.score([TextItem(id=str(i), text=text) for i, text in enumerate(texts)])
    order = [list(classifier.classes_).index(name) for name in QUAD_CLASSES]
    conflict = [QUAD_CLASSES.index("verbal_conflict"), QUAD_CLASSES.index("material_conflict")]
    for score, row in zip(scores, sharpened[:, order], strict=True):
        assert abs(score.escalation - row[conflict].sum()) < 1e-3
    # Signals are scaled by the probabilities before sharpening (their floors were tuned there).
    before = calibrated[:, order]
    expected = combine_with_model(pattern_evidence(texts), 1.0 - before[:, 0],
                                  before[:, conflict].sum(axis=1))
    for score, row in zip(scores, expected, strict=True):
        assert list(score.signals.values()) == row.tolist()


def test_rounds_11_and_12_ground_fighting_phrasings(scorer: Scorer) -> None:
    # Rounds 11 and 12 (sentences written for the test): ground advances, people fleeing the
    # fighting, deaths in battle, an armed group's attacks on posts, overrun bases.
    fighting = [
        "Israeli forces move further into Gaza as the prime minister declares time for war.",
        "Tanks rumbled into the north of the strip before dawn.",
        "Thousands of villagers flee the fighting in the east of the country.",
        "A student who died fighting for Russia in Ukraine was buried on Wednesday.",
        "Insurgents launched strikes on Saturday at U.S. and Iraqi outposts across the country.",
        "Rebels say they have overrun dozens of military bases in the north.",
        "Pakistani forces are driving militants out of the mountains near the border.",
        "Soldiers came under fire in the refugee camp, the army said.",
    ]
    assert _above(scorer, fighting, "armed_clash") == fighting
    died = _signals(scorer, "A student who died fighting for Russia in Ukraine was buried.")
    assert died["casualties"] >= 0.5
    overrun = _signals(scorer, "Rebels say they have overrun dozens of military bases.")
    assert overrun["territorial_seizure"] >= 0.5
    # An armed group's "strikes" on outposts are no air strikes.
    posts = _signals(scorer, fighting[4])
    assert posts["airstrike"] < 0.5
    calm = [
        "Police officers in riot gear clashed with dozens of demonstrators outside the office.",
        "Pension reform sparks violent clashes across France as protesters battle police.",
        "French troops clash with protesters in the main city.",
        "A former mercenary commander who fought in Ukraine is seeking asylum in Norway.",
        "Recruits from prisons were sent to fight in Ukraine, the fighters said.",
        "The EU chief battles to avert a veto in a crunch vote.",
        "A Kurdish-led militia that is battling the Islamic State holds the family.",
        "An aid convoy came under fire in the region, the charity said.",
    ]
    assert _above(scorer, calm, "armed_clash") == []
    toll = _signals(scorer, "Troops killed five people in clashes with protesters.")
    assert toll["casualties"] >= 0.5 > toll["armed_clash"]


def test_rounds_11_and_12_air_strike_and_shelling_phrasings(scorer: Scorer) -> None:
    # Sentences written for the test: aircraft firing missiles are air strikes, not shelling;
    # drones shot down are air strikes; shells as goods are not fire.
    air = [
        "An American jet fired a missile at a house where militants were meeting.",
        "Russian drones shot down over the south of Ukraine, the air force says.",
        "U.S. warplanes were pounding targets in three towns from the air.",
        "Israel's aerial and ground offensive has flattened whole districts of Gaza.",
        "A Russian jet accidentally fires on a Russian city near the border.",
    ]
    assert _above(scorer, air, "airstrike") == air
    assert _signals(scorer, air[0])["shelling"] < 0.5
    fire = [
        "A hospital in the disputed city has been shelled and one person died.",
        "Sirens warn of rockets launched towards Israel from Gaza.",
        "Ukraine says Russia shells flooded Kherson as rescuers run for cover.",
        "Israeli tank hits an Egyptian border post, wounding seven.",
    ]
    assert _above(scorer, fire, "shelling") == fire
    goods = [
        "Poland's prime minister says Ukraine needs South Korean artillery shells.",
        "The aid package includes air defence components and artillery rounds.",
        "The US will send Ukraine anti-tank weapons and an additional HIMARS system.",
    ]
    assert _above(scorer, goods, "shelling") == []
    terror = _signals(scorer, "Pakistan mosque bombing survivors recall the suicide attack.")
    assert terror["airstrike"] < 0.5


def test_a_call_to_end_a_bombing_reports_it_going_on(scorer: Scorer) -> None:
    # The call is modal, the bombing is not (round 11); a threat to bomb still is.
    going_on = ["Protesters call for an end to Israel's bombing of Gaza.",
                "France urges Israel to stop bombing civilians in Gaza."]
    assert _above(scorer, going_on, "airstrike") == going_on
    threat = _signals(scorer, "Iran could end its restraint and bomb the bases, it warned.")
    assert threat["airstrike"] < 0.5
    # "Planes" is no plan: "Israeli planes and drones struck the camp" is reported.
    assert _signals(scorer, "Israeli planes and drones struck the camp.")["airstrike"] >= 0.5
