"""The phrase patterns behind the signals (CAMEO/PLOVER-style), as data.

Each entry: (signal names joined by "+", strength, alternatives). Alternatives are regexes over
lower-cased text (typographic apostrophes folded to "'"); each must start with a letter or a
leading (?:a|b) group, so signals.py can dispatch on first letters. Written by reading the
CAMEO codebook's verb lists and news headlines; tuned on the "tuning" batches of
annotations/signals_sample.jsonl, never on the "heldout" batch.
"""

STRONG, WEAK = 1.0, 0.8

CEASEFIRE = r"(?:cease-?fire|truce|armistice)"
ACTORS = (
    r"(?:israel|israeli|russia|russian|ukraine|ukrainian|us|u\.s\.|american|nato|coalition"
    r"|saudi|saudi-led|pakistan|pakistani|afghan|turkish|turkey|syrian|iraqi|iranian|iran"
    r"|sudanese|indian|india|azerbaijani|armenian|thai|cambodian|military|army|jets?|planes?"
    r"|forces)(?:'s)?"
)
AIRSTRIKE_VERBS = r"(?:struck|strike|strikes|hit|hits|bombed|bomb|bombs|pounded|pound|targeted)"

# (signals joined by "+", strength, alternatives). Patterns run on lower-cased text. A pattern
# may name two signals: "border clashes" is a cross-border attack AND an armed clash.
PATTERNS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    # Non-events listed first: they consume phrases that would otherwise look like events.
    ("none", 0.0, (
        r"\bclash(?:es|ed)? with (?:riot )?police\b", r"\bin-fighting\b",
        r"\bfight(?:s|ing)? (?:against )?(?:antisemitism|islamophobia|corruption|crime|climate"
        r"|inflation|poverty|disease|cancer|fires?|wildfires?|blazes?|addiction|for (?:life"
        r"|survival|justice|their lives))\b",
        r"\b(?:send\w*|sent|suppl\w*|deliver\w*|giv\w*|given|provid\w*|sale of|sell\w*|stock\w*"
        r"|produc\w*|promis\w*|pledg\w*) (?:[\w'-]+ ){0,6}(?:artillery|shells|missiles?|rockets?"
        r"|bombs?|munitions|drones?)(?: and (?:[\w'-]+ ){0,2}(?:artillery shells|shells|missiles"
        r"|rockets|munitions|bombs|drones))?\b",
    )),
    ("airstrike", STRONG, (
        r"\b(?:air|drone)[- ]?(?:strike|raid|attack|bombardment)s?\b"
        r"(?! sirens?| alerts?| defen[cs]e| shelters?)",
        r"\bairstrik\w*", r"\baerial (?:bombardment|attacks?|strikes?|bombing)",
        r"\b(?:warplanes?|fighter jets?|jets|drones?|helicopter gunships?) (?:[\w'-]+ )?"
        + AIRSTRIKE_VERBS + r"\b",
        r"\b" + ACTORS + r" (?:[\w'-]+ )?(?:bomb(?:s|ed|ing|ings)?|strikes?|struck)\b"
        r"(?! (?:workers|action|deal|a deal))",
        r"\b(?:under|by) " + ACTORS + r" (?:bombs|bombing|bombings|strikes)\b",
        r"\b(?:intense|heavy) bombings?\b",
    )),
    ("airstrike", WEAK, (
        r"\b(?:bombing|bomb) raids?\b", r"\bkamikaze drones?\b", r"\bshahed\b",
        r"\b(?:hit|struck|attacked|targeted|shot down|downed|intercepted|repel\w*|with) (?:by )?"
        r"(?:[\w'-]+ ){0,3}drones?\b",
        r"\bdrones? (?:[\w'-]+ ){0,3}(?:attacks?|strikes?|hit|struck|target\w*)\b",
        r"\bstrikes? (?:on|hit|hits|kill\w*|flatten\w*|target\w*|pound\w*) ",
        r"\bbombs (?:are |were )?(?:still )?(?:dropping|falling|fell|rain\w*)\b",
        r"\bcontinu\w* to bomb\b", r"\b(?:drop\w*|using) bombs\b",
    )),
    # "Bombardment" is counted as air attack: in the news we annotated it nearly always
    # describes an air campaign (Gaza); artillery is usually named as such.
    ("airstrike", WEAK, (
        r"\bbombard(?:ment|ments|ed|s|ing)?\b", r"\bpummel\w*",
        r"\bbomb(?:s|ed|ing) (?:the |a )?(?:[\w'-]+ )?(?:gaza|city|cities|camps?|towns?|villages?"
        r"|houses?|homes?|hospitals?|schools?|neighbou?rhoods?|areas?|targets?|positions?)\b",
        r"\b(?:camps?|city|town|village|house|home|hospital|school)s? (?:was |were )?bombed\b",
        r"\b(?:gov't|government|regime) bombs\b",
    )),
    ("shelling", STRONG, (
        r"\bshell(?:ing|ed|s)\b", r"\bartillery\b", r"\bmortars?\b", r"\bhowitzers?\b",
        r"\bkatyusha", r"\bbarrages? of (?:rockets|missiles|fire|shells|artillery)\b",
        r"\btanks? (?:[\w'-]+ )?(?:fired|shelled)",
        r"\b(?:rocket|missile)s? (?:fire|attacks?|strikes?|barrages?|salvos?|hit|hits|struck"
        r"|slammed|landed|rained|fired at|fired from|fired into|fired towards?|launched at"
        r"|heading for)\b", r"\b(?:rockets|missiles) (?:were |have been )?fired\b",
    )),
    # Missile TESTS are a show of force, not fire at a target.
    ("mobilization", WEAK, (
        r"\bnorth korea(?:n)? (?:[\w'-]+ ){0,2}(?:fires?|fired|launch\w*|test\w*) (?:[\w'-]+ ){0,3}"
        r"missiles?\b",
        r"\b(?:launch\w*|fir\w*) (?:[\w'-]+ ){0,3}missiles? into the (?:sea|waters)\b",
        r"\b(?:launch\w*|test\w*|test-fir\w*|fir\w*) (?:[\w'-]+ ){0,3}(?:short-range |long-range "
        r"|intercontinental )?(?:ballistic missiles?|icbms?)\b",
        r"\bmissile (?:tests?|launch(?:es)?)\b", r"\btest-fir\w* (?:[\w'-]+ ){0,3}missiles?\b",
    )),
    ("shelling", WEAK, (
        r"\bfir(?:ed|es|ing) (?:[\w'-]+ ){0,3}(?:rockets?|missiles?|projectiles?)",
        r"\bcruise missiles?\b", r"\bpounded\b",
        r"\b(?:down\w*|intercept\w*|shot down) (?:[\w'-]+ ){0,3}(?:missiles?|rockets?)\b",
        r"\bmissiles? (?:[\w'-]+ ){0,4}target\w*",
    )),
    ("armed_clash+cross_border_attack", STRONG, (
        r"\bborder (?:clash|skirmish|fighting|firing|gunbattle)\w*",
        r"\bcross-?border (?:clashes|fighting|firing)\b",
    )),
    ("armed_clash", STRONG, (
        r"\bgun ?battles?\b", r"\bfire-?fights?\b", r"\bexchanges? of fire\b",
        r"\bexchanged fire\b", r"\btrade[sd]? fire\b", r"\bskirmish\w*", r"\bshoot-?out\b",
        r"\b(?:heavy|fierce|intense|renewed|deadly|street|ongoing) (?:fighting|clashes|battles?)",
        r"\bfighting (?:between|erupted|broke out|raged|rages|resume[sd]?|continued|continues"
        r"|intensified|near|in the)\b",
    )),
    ("armed_clash", WEAK, (
        r"\bclash(?:es|ed)?\b", r"\bambush\w*", r"\bcounter-?offensive\b",
        r"\boffensive (?:on|against|in)\b", r"\bencounter with\b", r"\bgunmen\b",
        r"\bmilitants? (?:attack\w*|stormed)\b", r"\bopened fire\b", r"\bshot dead\b",
        r"\bgunfire\b", r"\bbattle for\b", r"\bfighting\b", r"\bfought\b",
        r"\bfight (?:inside|in|against)\b", r"\bassaults? on\b",
        r"\bconfront\w* (?:[\w'-]+ ){0,2}(?:fighters|militants|troops|forces)\b",
        r"\battacks? on (?:[\w'-]+ ){0,2}(?:troops|soldiers|forces|positions|bases)\b",
        r"\battack\w* (?:an |a |the )?(?:[\w'-]+ )?(?:tanks?|convoys?|patrols?|checkpoints?"
        r"|soldiers|troops)\b",
        r"\bground (?:offensive|forces|operations?|assaults?)\b", r"\bbattl(?:es|ed|ing)\b",
        r"\bsink\w* (?:[\w'-]+ ){0,3}(?:boats?|ships?|vessels?|warships?)\b",
        r"\bdestr\w* (?:of )?(?:[\w'-]+ ){0,3}(?:boats?|tanks?|warships?|positions?)\b",
    )),
    ("bombing", STRONG, (
        r"\b(?:car|truck|roadside|suicide|pipe|nail|barrel)[- ]bomb\w*",
        r"\bsuicide (?:attack|bomber)s?\b", r"\bimprovised explosive", r"\bieds?\b",
        r"\bexplosives?\b", r"\blandmines?\b", r"\bgrenades?\b",
    )),
    ("bombing", WEAK, (
        r"\bbomb(?:s|ing|ings|ed)?\b", r"\bexplosions?\b", r"\bblasts?\b", r"\bdetonat\w*",
        r"\bexploded\b",
    )),
    ("cross_border_attack", STRONG, (
        r"\bcross-?border (?:attacks?|raids?|strikes?|fire|shelling|incursions?)\b",
        r"\bacross the (?:border|line of control)\b", r"\bborder attacks?\b",
    )),
    ("cross_border_attack", WEAK, (
        r"\bincursions?\b", r"\binfiltrat\w*",
        r"\bviolat\w* (?:[\w'-]+ )?(?:airspace|territory|sovereignty)\b",
        r"\bborder (?:posts?|outposts?|guards?)\b",
    )),
    ("ceasefire_violation", STRONG, (
        r"\bviolat\w* (?:[\w'-]+ ){0,3}" + CEASEFIRE,
        CEASEFIRE + r" (?:violations?|breach\w*)",
        r"\b(?:breach\w*|broke|broken|breaking|shattered|collapse of|end of) (?:[\w'-]+ ){0,2}"
        + CEASEFIRE,
        CEASEFIRE + r" (?:[\w'-]+ ){0,2}(?:collapsed|collapses|broke down|breaks down|shattered"
        r"|crumbl\w*|ended|ends|expired|unravel\w*)",
    )),
    ("ceasefire_violation", WEAK, (r"\bdespite (?:[\w'-]+ ){0,2}" + CEASEFIRE,)),
    ("war_rhetoric", STRONG, (
        r"\bopen war\b", r"\bdeclar\w* (?:[\w'-]+ ){0,2}war\b", r"\bstate of war\b",
        r"\ball-out war\b", r"\bultimatum", r"\bact of war\b", r"\bwar of words\b",
        r"\bred lines?\b", r"\bwill pay (?:a |the )?(?:heavy |high )?price\b",
        r"\bteach (?:[\w'-]+ ){0,3}a lesson\b", r"\bwipe (?:[\w'-]+ ){0,2}off the map\b",
        r"\bsab(?:re|er)-rattling", r"\bwarns? of (?:nuclear |a )?war\b",
    )),
    ("war_rhetoric", WEAK, (
        r"\bthreat(?:en|ens|ened|ening)\b",
        r"\bvow(?:s|ed)? (?:to )?(?:revenge|retaliat\w*|respond|avenge|crush|destroy|punish)",
        r"\bretaliat\w*", r"\bwarn(?:s|ed)? (?:[\w'-]+ ){0,3}(?:against|of (?:retaliation"
        r"|consequences|response)|will face)", r"\bprovocation\w*", r"\bhostile act",
    )),
    ("mobilization", STRONG, (
        r"\btroop build-?up", r"\bbuild-?up of (?:troops|forces)",
        r"\bmass(?:ing|ed|es) (?:[\w'-]+ ){0,2}(?:troops|forces|soldiers|tanks)",
        r"\bmobili[sz]\w*", r"\bconscription\b", r"\breservists?\b", r"\bhigh alert\b",
        r"\bon (?:full |maximum )?alert\b", r"\bshow of force\b",
    )),
    ("mobilization", WEAK, (
        r"\bdeploy\w* (?:[\w'-]+ ){0,3}(?:troops|forces|soldiers|tanks|warships|battalions?)\b",
        r"\btroops? deploy\w*", r"\breinforcements\b", r"\bmilitary drills?\b",
        r"\bwar games\b", r"\bmilitary exercises?\b", r"\bmilitary presence\b",
        r"\b(?:bolster|strengthen)\w* (?:[\w'-]+ ){0,3}(?:forces|positions|troops)\b",
        r"\bprepar\w* (?:for )?(?:[\w'-]+ ){0,3}(?:offensive|assault|invasion)\b",
    )),
    ("territorial_seizure", STRONG, (
        r"\b(?:captur\w*|seiz\w*|took control of|taken control of|tak(?:e|es|ing) control of"
        r"|won control of|overr(?:an|un|uns|unning)|recaptur\w*|retak\w*|retook)\s+"
        r"(?:[\w'-]+ ){0,3}(?:town|city|village|territory|base|area|region|airport|positions?"
        r"|border|hill|district|province|capital|outpost|crossing|bank)\b",
        r"\bcapture of\b",
    )),
    ("territorial_seizure", WEAK, (
        r"\bfell to\b", r"\bfalls to\b", r"\bgain(?:ed|s|ing)? ground\b", r"\bannex\w*",
        r"\bencircle\w*", r"\badvance[sd]? (?:on|into|toward)\b",
        r"\b(?:troops|forces) (?:[\w'-]+ ){0,2}(?:enter\w*|push\w* into|crossed)\b",
    )),
    ("casualties", STRONG, (
        r"\b(?:killed|killing|kills|dead|deaths?|death toll|died|wounded|injured|injuring"
        r"|casualties|fatalities|martyred|slain|massacre\w*|bodies)\b",
    )),
    ("ceasefire_agreement", STRONG, (
        r"\b(?:agree\w*|announc\w*|declar\w*|extend\w*|brokered|reach\w*|sign\w*|accept\w*"
        r"|secur\w*|approv\w*) (?:[\w'-]+ ){0,3}" + CEASEFIRE,
        CEASEFIRE + r" (?:[\w'-]+ ){0,2}(?:deal|agreement|accord|holds|holding|extended|extension"
        r"|takes effect|took effect|begins|began|comes into|came into|agreed|in effect"
        r"|is holding)\b",
        r"\bpeace (?:deal|agreement|accord|treaty)\b",
        r"\b(?:during|amid) (?:the |a )?(?:[\w'-]+ ){0,3}" + CEASEFIRE,
    )),
    ("ceasefire_agreement", WEAK, (
        CEASEFIRE, r"\bhumanitarian pause\b", r"\bpause in fighting\b",
    )),
    ("talks", STRONG, (
        r"\bpeace talks\b", r"\bnegotiat\w*", r"\bmediat\w*", r"\bpeace process\b",
        r"\benvoys?\b", r"\bpeace (?:plan|proposal)\b", r"\bdialogue\b",
        r"\b(?:hostage|truce|ceasefire) talks\b",
    )),
    ("talks", WEAK, (
        r"\btalks\b", r"\bsummit\b", r"\bmet with\b", r"\bmeets? with\b", r"\bdiplomatic\b",
        r"\bagree\w* to (?:[\w'-]+ ){0,3}(?:lower|ease|reduce|defuse) (?:[\w'-]+ ){0,2}tensions?\b",
    )),
    ("prisoner_exchange", STRONG, (
        r"\b(?:prisoner|hostage|captive|pow)s? (?:swap|exchange|release|deal)s?\b",
        r"\b(?:swap|exchang|releas|free|freed|freeing)\w* (?:of )?(?:[\w'-]+ ){0,3}"
        r"(?:prisoners|hostages|captives|detainees|pows)\b",
        r"\b(?:prisoners|hostages|captives|detainees) (?:[\w'-]+ ){0,2}(?:freed|released|returned"
        r"|handed over|swapped)\b",
    )),
    ("withdrawal", STRONG, (
        r"\bwithdr\w* (?:of )?(?:[\w'-]+ ){0,3}(?:troops|forces|soldiers|units|military|army)\b",
        r"\b(?:troops|forces|soldiers|army) (?:[\w'-]+ ){0,2}(?:withdr\w*|pull\w* (?:back|out)"
        r"|retreat\w*)",
        r"\bpull\w* (?:back|out) (?:[\w'-]+ ){0,2}(?:troops|forces)\b", r"\bpull-?back\b",
        r"\bpull-?out\b", r"\bdemobili[sz]\w*", r"\bdisengage\w*", r"\bde-?escalat\w*",
    )),
    ("humanitarian_access", STRONG, (
        r"\bhumanitarian (?:corridors?|access|aid|convoys?|supplies|assistance|deliveries)\b",
        r"\baid (?:convoys?|trucks?|corridors?|deliver\w*|shipments?|reach\w*|enter\w*"
        r"|arriv\w*|supplies)\b",
        r"\b(?:re-?open\w*|open\w*) (?:[\w'-]+ ){0,2}(?:crossings?|corridors?)\b",
        r"\b(?:crossings?|corridors?) (?:[\w'-]+ ){0,2}(?:re-?opened|opened|opens)\b",
        r"\bsafe passage\b", r"\b(?:increase|more) (?:[\w'-]+ ){0,2}(?:deliveries|supplies)\b",
    )),
    ("humanitarian_access", WEAK, (
        r"\brelief (?:supplies|goods|convoys?)\b", r"\bfuel deliver\w*",
        r"\ballow\w* (?:[\w'-]+ ){0,3}(?:aid|supplies)\b",
    )),
)
