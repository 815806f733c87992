"""The phrase patterns behind the signals (CAMEO/PLOVER-style), as data.

Each entry is a `Pattern`: signal names joined by "+", strength, alternatives, and optionally a
context the whole text must have. Alternatives are regexes over lower-cased text (typographic
apostrophes folded to "'"); each must start with a letter, a digit or a leading (?:a|b) group,
so signals.py can dispatch on first characters (typographic opening quotes are folded to
"'" as well). Written by reading the
CAMEO codebook's verb lists and news headlines; tuned on the "tuning" batches of
annotations/signals_sample.jsonl and on unannotated archive items, never on the "heldout" batch.

Order matters: at one position the first alternative listed wins and consumes its words, so
non-events come first, and a two-signal pattern ("Israeli strikes on Lebanon": airstrike AND
cross-border attack) comes before the one-signal pattern it refines ("Israeli strikes").
"""

from typing import NamedTuple

STRONG, WEAK = 1.0, 0.8


class Pattern(NamedTuple):
    signals: str  # names joined by "+"; "none" for phrases that only consume text
    strength: float
    alternatives: tuple[str, ...]
    # A regex the text must contain somewhere for these phrases to count: "fighting" or
    # "clashes" are armed clashes only where armed actors or weapons are named ("Peru protests:
    # clashes left 18 dead" and "officials fight for a letter" are not). None: no condition.
    context: str | None = None


CEASEFIRE = r"(?:cease-?fire|truce|armistice)"
ACTORS = (
    r"(?:israel|israeli|russia|russian|ukraine|ukrainian|us|u\.s\.|american|nato|coalition"
    r"|saudi|saudi-led|pakistan|pakistani|afghan|turkish|turkey|syrian|iraqi|iranian|iran"
    r"|sudanese|indian|india|azerbaijani|armenian|thai|cambodian|military|army|jets?|planes?"
    r"|forces|idf|nigerian|myanmar|ethiopian|jordanian|egyptian|emirati|rsf|saf)(?:'s)?"
)
AIRSTRIKE_VERBS = (
    r"(?:struck|strike|strikes|hit|hits|bombed|bomb|bombs|pounded|pound|pounds|pounding"
    r"|targeted)"
)
# At most one word between an actor and its strike, but not a conjunction ("drones and bombs"),
# a verb that makes the strike hypothetical or denied ("military simulates strikes"), or a word
# that makes it another thing ("atom bomb", "carrier strike group").
_GAP = (
    r"(?:(?!(?:and|or|but|nor|of|simulat\w*|threat\w*|den(?:y|ies|ied)|plan\w*|vow\w*|warn\w*"
    r"|could|would|may|might|will|rehears\w*|prepar\w*|consider\w*|read(?:y|ies)|mull\w*"
    r"|atom\w*|nuclear|hydrogen|dirty|carrier|strike|missiles?|rockets?|artillery|mortars?|tanks?"
    r"|shell\w*|cruise|ballistic|hypersonic"
    # Round 12: "Pakistan mosque bombing" is a terror attack, not an air raid.
    r"|mosques?|church\w*|markets?|hotels?|buses|bus|trains?|wedding|rally|temples?|shrines?)\b)"
    r"[\w'-]+ )?"
)
# "Russia strikes Kramatorsk in a missile attack": the strike's weapon is named later in the
# clause, so it is shelling (that pattern matches the weapon), not an air strike.
_NO_OTHER_WEAPON = (
    r"(?! (?:[\w'-]+,? ){0,8}(?:with|in|using) (?:a |an |the )?(?:[\w'-]+ ){0,2}(?:missiles?"
    r"|rockets?|artillery|shell\w*|mortars?)\b)"
)
# Armed actors: what "X fought Y" needs on one side to be fighting rather than a metaphor.
FORCES = (
    r"(?:troops|forces|soldiers|fighters|militants|rebels|insurgents|militias?|militiamen|generals"
    r"|paramilitar\w*|army|armies|gunmen|jihadists|guerrillas?|commandos|marines|infantry"
    r"|units?|brigades?|battalions?|hamas|hezbollah|taliban|houthis?|wagner|rsf|saf|idf|m23"
    r"|al-shabaab|shabaab|isis|isil|jnim|pkk|ttp)"
)
TARGET_FORCES = (
    r"(?:troops|soldiers|forces|positions|bases?|posts?(?! office)|outposts?|checkpoints?"
    r"|military convoys?"
    r"|army convoys?|patrols?"
    r"|police(?:men)?|police (?:station|post|officers)s?|officers|security forces|army|barracks"
    r"|military (?:base|post|vehicles?|convoy)s?|fighters|militants|rebels|tanks?|trenches)"
)
SECURITY_MEN = (
    r"(?:soldiers?|troopers?|policem[ae]n|police officers?|policemen|personnel|jawans?|troops"
    r"|security (?:forces|personnel|men|officials)|rangers|levies|constables?|paramilitar\w*"
    r"|army (?:men|officers?|patrol)|border guards?)"
)
ATTACKERS = (
    r"(?:militants|assailants|gunmen|insurgents|rebels|terrorists|maoists|naxal\w*|attackers"
    r"|fighters|jihadists|separatists|guerrillas)"
)
# Places across a border from the usual attacker in the conflicts we watch.
ISRAEL_NEIGHBOURS = (
    r"(?:lebanon|lebanese|southern lebanon|south lebanon|syria|syrian|damascus|aleppo|golan"
    r"|iraq|iraqi|baghdad|iran|iranian|tehran|yemen|yemeni|sanaa|hodeidah|beirut|jordan)"
)
RUSSIA_PROPER = (
    r"(?:moscow|belgorod|kursk|bryansk|rostov|krasnodar|novorossiysk|voronezh|pskov|the kremlin"
    r"|kremlin|russia|russian (?:territory|soil|city|cities|town|towns|village|villages|region"
    r"|regions|border|airfield|airbase|air base|refinery|oil depot|capital))"
)
INTO_ISRAEL = (
    r"(?:(?:northern |southern |central )?israel|israeli (?:territory|towns?|cities|communities"
    r"|villages?|positions|border towns?|port|port city|resort)|eilat)"
)
# Words between an actor and its attack ("Hamas's deadly surprise attack"), but not a verb of
# saying or another actor ("Hamas says Israeli attacks killed...": not a Hamas attack).
_MODIFIERS = (
    r"(?:(?!(?:says?|said|claims?|claimed|accus\w*|blam\w*|reports?|reported|denies|denied"
    r"|condemn\w*|and|but|as|after|while|during|amid|israeli|israel's|israel|on|in|of|from"
    r"|to|for)\b)"
    r"[\w'\.-]+ ){0,3}"
)
# Not occupied Ukraine: "strikes in Russian-occupied Crimea" is no cross-border attack.
_NOT_OCCUPIED = (
    r"(?!-(?:occupied|held|controlled|annexed|installed|backed|appointed)|'s (?:forces|troops"
    r"|army|war|invasion|soldiers))"
)
# "...on Moscow": an attacker's word, then up to three words, a preposition, at most an adjective,
# and a place in Russia itself (not "aimed at weakening Moscow", not "by Russian warplane").
_TO_RUSSIA = (
    r" (?:(?!(?:by|russian|russia's|russia|moscow's|kremlin's)\b)[\w'-]+ ){0,3}(?:on|in|at|over"
    r"|targeting|hit|hits|against|inside|deep inside|into|within) (?:the |russia's |russian "
    r"|southern "
    r"|western |the russian )?" + RUSSIA_PROPER + r"\b" + _NOT_OCCUPIED
)
# After "Israel is under attack": words that make the attack criticism, not an armed attack.
_NOT_CRITICISM = (
    r"(?! (?:over|for)\b| (?:in|at|from|by) (?:the )?(?:[\w'-]+ ){0,2}(?:media|press|courts?|un"
    r"|u\.n\.|united nations|icj|security council|general assembly|critics|campus\w*|congress"
    r"|parliament|headlines|secretary-general|diplomats?|rights groups|lawmakers|politicians"
    r"|activists|protesters|students|leaders|columnists?|op-eds?)\b)"
)
LAUNCH_POINTS = r"(?:gaza|lebanon|southern lebanon|south lebanon|syria|yemen|iraq|iran)"
# Armed actors, weapons or a military campaign named somewhere in the text (see Pattern.context).
ARMED_CONTEXT = (
    r"\b(?:troops|soldiers|army|armies|armed forces|military|militar(?:y|ies)|militants?|rebels?"
    r"|insurgen\w*|fighters|militias?|militiamen|paramilitar\w*|guerrillas?|jihadists?|gunmen"
    r"|artillery|shelling|air ?strikes?|airstrikes|drones?|missiles?|rockets?|front[ -]?lines?"
    r"|cartels?|gangs?|gunmen|maoists?|naxal\w*|terrorists?|armed groups?"
    r"|frontline|counter-?offensive|ground offensive|military offensive|invasion|invad\w*"
    r"|cease-?fire|truce|warring|war-torn|combat|battlefield|hamas|hezbollah|taliban|houthis?"
    r"|rsf|idf|wagner|isis|isil|al-shabaab|shabaab|m23|boko haram|(?:security|armed|government"
    r"|israeli|russian|ukrainian|enemy|rebel|ground|special|allied|coalition|opposition|sudanese"
    r"|azeri|azerbaijani|armenian|syrian|iraqi|kurdish|turkish|ethiopian|eritrean|tigrayan"
    r"|myanmar|pro-[\w-]+) forces)\b"
)
# Armed forces at war named somewhere in the text (not police, gangs or gunmen).
MILITARY_CONTEXT = (
    r"\b(?:troops|soldiers|army|armies|military|marines|tanks|rebels?|insurgen\w*|militants?"
    r"|fighters|militias?|guerrillas?|(?:armed|government|rebel|coalition|ground|special) forces)"
    r"\b"
)
# Read at the start of a DOTALL context: the text names no protest or riot, or names armed
# forces ("clashes" in a text of protests are a riot: round 11).
NOT_A_RIOT = (
    # Round 16: "Israeli police clashed with Palestinians inside the al-Aqsa mosque".
    r"(?:(?!.*\b(?:(?:counter-?)?(?:protest\w*|demonstrat\w*|riot\w*)|police clash\w*)\b)"
    r"|(?=.*(?:" + MILITARY_CONTEXT + r")))"
)
# Bombardment and pummelling are war also where only the war or its theatre is named.
WAR_CONTEXT = (
    r"\b(?:war(?<!trade war)(?<!culture war)(?<!price war)(?<!bidding war)(?<!tariff war)"
    r"(?<!chip war)(?<!tech war)(?<!talent war)(?! of words)|wartime|gaza|ukraine|kyiv)\b|"
    + ARMED_CONTEXT
)

# Towns and regions that were front lines in 2023, where a battle or an assault is fighting on
# the ground even where no armed actor is named ("the battle for Bakhmut", "fighting in
# Sudan"); round 13. Not cities shelled from afar (Kherson, Kyiv): attacks on them come by air.
_FRONT_LINES = (
    r"(?:bakhmut|avdiivka|soledar|vuhledar|marinka|maryinka|kupiansk|robotyne|krynky|lyman"
    r"|kreminna|klishchiivka|andriivka|donbas|donbass|sudan|khartoum|omdurman|darfur|el fasher"
    r"|el geneina|myanmar|nagorno-karabakh|karabakh)\b"
)
# Places an air raid is reported by ("bombing of schools", "struck a refugee camp").
_CIVILIAN_SITES = (
    r"(?:schools?|hospitals?|mosques?|churches|refugee camps?|homes|houses|bakeries|markets?"
    r"|ambulances?|universit(?:y|ies)|residential (?:buildings?|blocks?|areas?)|apartment"
    r" (?:buildings?|blocks?)|neighbou?rhoods?|shelters?)\b"
)
# Weapons other than aircraft and drones: where one is named, a bare "strike" is fire from it.
WEAPONS = (
    r"\b(?:missiles?|rockets?|artillery|shell(?:s|ed|ing|fire)|mortars?|howitzers?|himars|atacms"
    r"|kinzhals?|iskanders?|kalibrs?)\b"
)
# A Pattern.context that holds where the text names none of WEAPONS, or is about Israel's
# wars, where "strikes" are nearly always air strikes even beside Hamas's rockets (DOTALL:
# texts may hold newlines; contexts are searched on their own, not in the batch regex).
NO_WEAPON_CONTEXT = (
    r"(?s)^(?:(?=.*\b(?:israel|israeli|israel's|idf|gaza)\b)(?!.*\bisraeli (?:missiles?"
    r"|artillery|shells?)\b)|(?!.*" + WEAPONS + r"))"
)

_FIERCE = (
    r"(?:heavy|fierce|intense|renewed|deadly|street|ongoing|bitter|bloody|fresh|sporadic"
    r"|house-to-house|urban|brutal|violent|armed|ferocious|escalating|fiercest|bloodiest"
    r"|heaviest)"
)
# Who police and soldiers clash with in a riot (round 11).
_CROWDS = (
    r"(?:protesters|demonstrators|rioters|students|fans|crowds|mourners|worshippers)\b"
)

# Patterns run on lower-cased text. A pattern may name two signals: "border clashes" is a
# cross-border attack AND an armed clash.
PATTERNS: tuple[Pattern, ...] = (
    # Non-events listed first: they consume phrases that would otherwise look like events.
    Pattern("none", 0.0, (
        r"\bclash(?:es|ed)? with (?:riot )?police\b", r"\bin-fighting\b",
        r"\b(?:fight|battl|war|combat)\w* (?:against |on )?(?:antisemitism|islamophobia|corruption"
        r"|crime|climate|inflation|poverty|disease|cancer|fires?|wildfires?|blazes?|flames"
        r"|addiction|obesity|dementia|depression|hunger|drugs|misinformation|disinformation"
        r"|racism|oppression|food inflation|for (?:life|survival|justice|their lives|rights))\b",
        r"\b(?:legal|court|courtroom|custody|political|election|electoral|bidding|takeover|price"
        r"|ratings|culture|uphill|internal|budget|trade|tariff|boardroom|title|relegation|bitter"
        r"|public relations|pr|charm|diplomatic|media|verbal|partisan|propaganda|narrative|street)"
        r" (?:battles?|fights?|wars?"
        r"|clash\w*"
        r"|offensive)\b",
        r"\bfighting (?:vehicles?|chance|spirit|fit|talk|words|parties|sides|factions)\b",
        r"\bpenalty shoot-?outs?\b",
        # Round 15: "two biggies clash at the box office", "battle for narrative supremacy",
        # "clashes between Eritrean asylum seekers and Israeli police" (a riot), "amid
        # fighting" as background (the conventions: it carries nothing).
        r"\bclash(?:es|ed)? at the box office\b",
        r"\bbattles? (?:for|over) (?:the )?(?:narrative|hearts|public opinion|votes|ratings)\b",
        r"\bclashes between (?:[\w'-]+ ){1,4}and (?:[\w'-]+ )?police\b",
        r"\bamid (?:the |ongoing |continued |continuing )?(?:fighting|clashes|hostilities)\b"
        r"(?! (?:in|around|near|between|along|across|for|that|which|killed|left))",
        # Round 16: "the Russian group of forces fighting in Ukraine" (who they are); a war
        # decades old.
        r"\b(?:troops|forces|soldiers|mercenaries|units) fighting (?:in|for) (?:ukraine|russia|gaza"
        r"|syria|sudan)\b",
        r"\b(?:hiroshima|nagasaki)(?:'s)? (?:atomic )?bombings?\b", r"\batomic bombings?\b",
        r"\banniversary of the (?:[\w\.'-]+ )?bombing\b",
        r"\bclash(?:es|ed)? (?:with|over) (?:the )?(?:united nations|un|u\.n\.|critics|lawmakers"
        r"|officials|judges|court|courts|media|journalists|government|ministers?|president"
        r"|prime minister|leaders?|unions?|regulators?|eu|european union|white house|congress)\b",
        r"\bbattl\w* (?:the )?(?:courts?|bans?|odds|illness|critics|bureaucracy|red tape)\b",
        r"\b(?:halt|stop|end|cease|cessation|suspension|lull|break|let-?up|respite|reprieve)"
        r" (?:in|to|of|from) (?:the )?(?:fighting|hostilities|combat)\b",
        r"\b(?:stop(?:s|ped|ping)?|end(?:s|ed|ing)?|halt(?:s|ed|ing)?) (?:the )?(?:fighting"
        r"|hostilities)\b",
        r"\b(?:infantry|armou?red) fighting vehicles?\b",
        r"\bspecial military operation\b", r"\b(?:political|partisan) crossfire\b",
        # Round 9: October 7 as the war's start date ("the war that began on October 7"), but
        # not where the attack is named in between ("began with Hamas's attack on October 7").
        r"\b(?:began|begun|started|starting|erupted|broke out) on (?:oct\.? 7|october 7(?:th)?"
        r"|7 october)\b",
        # The attack may be named by a verb ("since Hamas attacked Israel on October 7").
        r"\b(?:start|outbreak|beginning|since) (?:(?!(?:attack\w*|assault\w*|massacr\w*|rampag\w*"
        r"|raid\w*|incursions?|kill\w*|kidnap\w*|offensive|bomb\w*|strikes|invasion|invad\w*"
        r"|campaign|storm\w*|infiltrat\w*|overr(?:an|un)|murder\w*|abduct\w*|slaughter\w*"
        r"|cross\w*)\b)[\w'-]+ ){0,4}on (?:oct\.? 7|october 7(?:th)?|7 october)\b",
        # Round 10: "Hurricane Ivan's strike on the island" (a named storm: "lightning strikes" and
        # "Storm Shadow strikes" are weapons).
        r"\b(?:hurricane|typhoon|cyclone|tropical storm) [\w-]+'s strikes?\b",
        r"\bshell(?:s|ed|ing)? out\b", r"\bcarrier strike groups?\b",
        r"\bstrike groups?\b", r"\b(?:maritime|naval|sea|surface|underwater) drones?\b",
        r"\bthink[- ]tanks?\b", r"\breview-bomb\w*",
        # Not a raid: "unexploded bombs in Gaza will take years to clear" (review of round 9).
        r"\bunexploded (?:bombs?|ordnance)\b",
        r"\bhigh mobility artillery rocket systems?\b",
        r"\bshell (?:company|companies|corporation|firm|oil|plc)\b",
        r"\b(?:send\w*|sent|suppl\w*|deliver\w*|giv\w*|given|provid\w*|sale of|sell\w*|produc\w*"
        r"|promis\w*|pledg\w*|transfer\w*|shipped|shipping|shipments? of|buy\w*|bought|purchas\w*"
        # (Round 15: not across a clause: "giving birth as bombs fall in Gaza".)
        r"|acquir\w*) (?:(?!(?:as|while|amid|when|after|during)\b)[\w'-]+,? |\d+,\d+[\w'-]* ){0,5}"
        r"(?:artillery|shells"
        r"|missiles?"
        r"|rockets?|bombs?|munitions|drones?|himars|atacms|cluster munitions)(?: and (?:[\w'-]+ )"
        r"{0,2}(?:artillery shells|shells|missiles|rockets|munitions|bombs|drones))?\b",
        # Bombs held back from an ally ("withheld bombs from Israel", review of round 9: in news
        # of Gaza, "bombs" are otherwise air strikes); a flop at the box office.
        r"\b(?:withh\w*|withheld|held up|hold\w* (?:up|back)|paus\w*) (?:[\w'-]+ ){0,2}bombs?"
        r" (?:from|for|to|destined|bound)\b", r"\bbomb(?:s|ed)? at the box office\b",
        r"\b(?:space|satellite|spy satellite|research|weather) rockets?\b",
        r"\brockets? (?:lab|launch(?:es|ed)?|carrying|engine|fuel|failure|company)\b",
        # Round 6. Police against protesters is not fighting between armed forces.
        r"\bpolice (?:[\w'-]+ ){0,2}clash\w* with\b(?! (?:[\w'-]+ ){0,2}(?:militants|rebels|gunmen"
        r"|insurgents|terrorists|fighters|maoists|naxal\w*|jihadists|bandits))",
        r"\b(?:police and (?:protesters|demonstrators)|(?:protesters|demonstrators) and police)"
        r" (?:[\w'-]+ ){0,1}clash\w*",
        # Round 11: "officers in riot gear clashed with dozens of demonstrators", "protesters
        # battled with police", "troops clash with protesters": riots, not fighting.
        # (Not over a toll: "troops killed five in clashes with protesters" is casualties.)
        r"\b(?:police|officers|" + FORCES[3:-1] + r")(?: (?!(?:kill\w*|shot|wound\w*|injur\w*"
        r"|dead)\b)[\w'-]+){0,4} (?:clash\w*|battl\w*"
        r"|fought|scuffl\w*) with (?:[\w'-]+ ){0,3}" + _CROWDS,
        r"\bclash(?:es|ed)? with (?:[\w'-]+ ){0,3}" + _CROWDS,
        r"\b(?:protesters|demonstrators|rioters|students|fans) (?:[\w'-]+ ){0,2}(?:clash\w*"
        r"|battl\w*|fought) (?:with )?(?:[\w'-]+ ){0,2}(?:police|officers|security forces|troops"
        r"|soldiers)\b",
        # Round 11: a life story ("a former commander who fought in Ukraine", "a veteran who
        # fought for the Nazis"), the start of a war as a date ("the deadliest strikes since
        # fighting broke out four years ago"), and a struggle that is no fight ("the EU chief
        # battles to avert a veto").
        r"\bwho (?:had |has |have )?fought (?:for|in|against|alongside|with)\b",
        # Round 12: "a Kurdish-led militia that is battling the Islamic State" (who they are).
        r"\b(?:" + FORCES + r" |)(?:that|which|who) (?:is|are|was|were|has been|have been"
        r"|had been) (?:battling|fighting)\b",
        r"\b(?:sent|recruited|volunteer\w*|signed up|went|go|going|travel\w*|left) to fight\b",
        r"\bsince (?:the )?(?:[\w'-]+ )?(?:fighting|war|clashes|conflict|intifada|uprising)"
        r" (?:broke out|began|erupted|started)\b",
        r"\b(?:battl|fight)\w* to (?:avert|save|win|keep|stay|survive|hold on|salvage|rescue"
        r"|revive|restore|pass|block|overturn|clear)\b",
        # Round 12: shells and launchers as goods ("Ukraine needs South Korean artillery shells",
        # "the package includes artillery rounds", "an additional HIMARS system"), unless they
        # are said to hit something.
        r"\b(?:artillery|tank)(?<!firing artillery)(?<!fired artillery)(?<!fires artillery)"
        r" (?:shells|rounds|ammunition|munitions|systems?|pieces|guns)\b"
        r"(?! (?:[\w'-]+ ){0,2}(?:hit|hits|struck|land\w*|fell|rain\w*|slam\w*|kill\w*|pound\w*"
        r"|explod\w*|fired|were fired|killed|wounded|injured|damag\w*|destroy\w*))",
        r"\bhimars (?:systems?|launchers?|units?)\b",
        # Shells by calibre or in a list of weapons are supplies, not fire.
        r"\b(?:105|120|122|125|152|155|203)(?:-| )?mm (?:artillery )?(?:shells|rounds"
        r"|ammunition)\b",
        r"\b(?:weapons|arms|ammunition|munitions|equipment|bombs),? (?:and|or) (?:[\w'-]+ ){0,1}"
        r"(?:artillery )?shells\b",
        # Labour strikes: "teachers to strike on Tuesday".
        # Only words of a walkout in between: "aid workers killed in Israeli strike" is no
        # labour strike.
        r"\b(?:teachers|nurses|doctors|workers|staff|unions?|employees|drivers|pilots|actors"
        r"|writers|miners|dockers|members|walkouts?) (?:(?:to|will|are|were|have|has|set|plan\w*"
        r"|vot\w*|go|went|going|on|stag\w*|hold\w*|due|prepar\w*|continu\w*|announc\w*|begin"
        r"|began|threaten\w*|nationwide|national|general|new|another|further|more|a|the|in"
        r"|england|wales|scotland|britain|france|germany) ){0,3}(?:strike|strikes|striking)\b",
        # Round 13: "Greta Thunberg holds last school strike on climate action".
        r"\b(?:school|climate|hunger|student|students'|teachers'|workers'|doctors'|nurses'|rail"
        r"|postal|studio|writers'?|actors'?|hollywood) strikes?\b",
    )),
    # --- cross-border attacks named by who and where (listed before the general patterns) ---
    Pattern("airstrike+cross_border_attack", STRONG, (
        r"\b(?:israel|israeli|israel's|idf|us|u\.s\.|american|turkish|turkey|jordanian"
        r"|pakistani|pakistan|iranian|iran) (?:[\w'-]+ ){0,2}(?:air ?strikes?|air raids?|strikes?"
        # Round 15: "Turkey hits 71 targets in Iraq, Syria".
        r"|hits(?! out| back)|struck|bomb\w*|drone (?:strikes?|attacks?)|warplanes?|jets)"
        r" (?:[\w'-]+ ){0,3}"
        r"(?:on|in|at|against|inside|across|into|near|target\w*|hit|hits|struck|strike|strikes"
        r"|pound\w*|bomb\w*) (?:[\w'-]+ ){0,2}" + ISRAEL_NEIGHBOURS + r"\b",
        r"\b(?:air ?strikes?|air raids?|strikes?|drone (?:strikes?|attacks?)) (?:[\w'-]+ ){0,2}"
        r"(?:on|in|at|against|inside|targeting) (?:[\w'-]+ ){0,2}(?:southern lebanon|south lebanon"
        r"|lebanon|syria|damascus|aleppo|beirut)\b",
        r"\b(?:lebanon|syria) (?:air ?)?strikes?\b",
        r"\b(?:drones?|drone (?:strikes?|attacks?)|air ?strikes?|strikes?)" + _TO_RUSSIA,
        r"\b(?:moscow|belgorod|kursk|bryansk|kremlin) (?:drone (?:strikes?|attacks?)|drones?)\b",
        r"\bair (?:assaults?|attacks?)" + _TO_RUSSIA,
    )),
    # Fire across the line at Israeli troops is also fighting between the two forces.
    Pattern("shelling+cross_border_attack+armed_clash", STRONG, (
        r"\b(?:fired|fires|firing|launched|launches|launching) (?:[\w'-]+ ){0,4}(?:rockets?"
        r"|missiles?"
        r"|mortars?|projectiles?|shells) (?:[\w'-]+ ){0,3}(?:at|on|toward|towards) israeli"
        r" (?:army |military )?(?:positions|troops|soldiers|forces|posts|bases|outposts)\b",
    )),
    Pattern("shelling+cross_border_attack", STRONG, (
        r"\b(?:rockets?|missiles?|mortars?|projectiles?|shells?) (?:[\w'-]+ ){0,3}(?:from|out of)"
        r" (?:the )?(?:[\w'-]+ ){0,2}" + LAUNCH_POINTS + r"\b",
        r"\b(?:rockets?|missiles?|barrages?|salvos?) (?:[\w'-]+ ){0,3}(?:into|at|on|toward|towards)"
        r" (?:an? )?" + INTO_ISRAEL + r"\b",
        r"\b(?:fired|fires|firing|launched|launches|launching) (?:[\w'-]+ ){0,4}(?:rockets?"
        r"|missiles?"
        r"|mortars?|projectiles?) (?:[\w'-]+ ){0,3}(?:into|at|on|toward|towards) (?:an? )?"
        + INTO_ISRAEL + r"\b",
        r"\b(?:hamas|hezbollah|houthi|houthis|islamic jihad"
        r"|gaza)(?:'s?)? (?:[\w'-]+ ){0,1}(?:rockets?"
        r"|missiles?|rocket (?:fire|attacks?|barrages?))\b(?! (?:commanders?|chiefs?|launching"
        r"|units?|force|programm?e|arsenal|stockpiles?|launchers?|makers?|experts?))",
        r"\b(?:israel|israeli|israel's|idf) (?:[\w'-]+ ){0,1}(?:shells|shelled|shelling) "
        r"(?:[\w'-]+ ){0,2}" + ISRAEL_NEIGHBOURS + r"\b",
        r"\bshelling (?:[\w'-]+ ){0,2}(?:of|in|on) (?:[\w'-]+ ){0,1}" + RUSSIA_PROPER + r"\b"
        + _NOT_OCCUPIED,
        r"\b(?:shelling|artillery (?:fire|strikes?)|tank fire) (?:[\w'-]+ ){0,2}(?:of|in|on|at)"
        r" (?:[\w'-]+ ){0,2}(?:southern lebanon|south lebanon|lebanon|syria|border (?:posts?"
        r"|villages?|towns?))\b",
        r"\b(?:missiles?|rockets?) (?:[\w'-]+ ){0,4}(?:at|on|toward|towards) (?:[\w'-]+ ){0,2}"
        r"(?:ships?|vessels?|tankers?|shipping|warships?|destroyers?)\b",
        # "fire" but not "cease-fire between Israel and Hezbollah".
        r"\b(?:rockets?|missiles?|fire(?<!cease fire)(?<!cease-fire)|shells) (?:fly|flying|flew"
        r"|fired|exchanged|traded)? ?between (?:[\w'-]+ ){0,1}(?:lebanon|hezbollah|gaza|syria)"
        r" and israel\b",
        r"\b(?:rockets?|missiles?|fire(?<!cease fire)(?<!cease-fire)|shells) (?:fly|flying|flew"
        r"|fired|exchanged|traded)? ?between israel and (?:[\w'-]+ ){0,1}(?:lebanon|hezbollah|gaza"
        r"|syria)\b",
    )),
    Pattern("shelling+cross_border_attack", STRONG, (
        r"\b(?:missiles?|rockets?) (?:[\w'-]+ ){0,2}(?:strikes?|hits?|struck|landed in|lands in) "
        r"(?:[\w'-]+ ){0,1}(?:egypt|egypt's|jordan|jordan's|poland|poland's|moldova|romania)\b",
    )),
    Pattern("airstrike+cross_border_attack", STRONG, (
        r"\bdrones? (?:[\w'-]+ ){0,4}(?:at|on|toward|towards) (?:[\w'-]+ ){0,2}(?:ships?|vessels?"
        r"|tankers?|shipping|warships?|destroyers?)\b",
        r"\b(?:drones?|drone (?:attacks?|strikes?)) (?:[\w'-]+ ){0,3}(?:on|at|toward|towards"
        r"|against|into) (?:the )?" + INTO_ISRAEL + r"\b",
        # Not Iran: "drones from Iran" are usually supplies to Russia.
        r"\bdrones? (?:launched |fired )?from (?:[\w'-]+ ){0,1}(?:yemen|yemen's|lebanon|gaza"
        r"|syria|iraq)\b",
    )),
    Pattern("armed_clash+cross_border_attack", WEAK, (
        r"\b" + FORCES + r" (?:[\w'-]+ ){0,3}(?:clash\w*|fought|fighting|exchanged fire)"
        r" (?:[\w'-]+ ){0,4}along the (?:[\w'-]+ ){0,1}(?:border|frontier"
        r"|line of (?:actual )?control"
        r"|blue line)\b",
        r"\b(?:gun ?battles?|clashes|fighting|firing|fire|exchanges? of fire|skirmish\w*)"
        r" (?:[\w'-]+ ){0,4}along the (?:[\w'-]+ ){0,1}(?:border|frontier|line of (?:actual )?"
        r"control|blue line)\b",
    )),
    # Round 9: "exchanges of fire have made picking near the border dangerous". Not crime near
    # a border ("guards killed two smugglers in an exchange of fire near the border").
    Pattern("armed_clash+cross_border_attack", WEAK, (
        r"\b(?:gun ?battles?|exchanges? of (?:gun)?fire|skirmish\w*(?! (?:over|about)\b))"
        r" (?:[\w'-]+ ){0,6}(?:near|on"
        r"|across|at) the (?:[\w'-]+ ){0,1}(?:border|frontier|blue line)\b",
    ), r"(?s)^(?!.*\b(?:smugglers?|smuggling|traffickers?|trafficking|cartels?|poachers?"
       r"|drug (?:dealers|gangs?|runners|lords?))\b)"),
    Pattern("armed_clash+cross_border_attack", STRONG, (
        r"\bborder (?:clash|skirmish|fighting|firing|gunbattle)\w*",
        r"\bcross-?border (?:clashes|fighting|firing)\b",
        r"\b(?:hezbollah|israel|israeli)(?:-| and |, )(?:israel|israeli"
        r"|hezbollah) (?:[\w'-]+ ){0,1}"
        r"(?:fighting|clashes|hostilities|exchanges?|exchanged|exchange|trade|traded|trading)\b",
    )),
    Pattern("cross_border_attack", STRONG, (
        r"\bcross-?border (?:attacks?|raids?|strikes?|fire|shelling|incursions?)\b",
        r"\b(?:fir\w*|attack\w*|shell\w*|strikes?|struck|raids?|infiltrat\w*|incursions?|launch\w*"
        r"|rockets?|missiles?|mortars?|drones?|shots?) (?:[\w'-]+ ){0,4}(?:from )?across the "
        r"(?:border|line of control)\b", r"\bborder attacks?\b",
        # Only the actor is consumed: "fires ... at Israeli positions" is then matched as well.
        r"\b(?:hezbollah|lebanon's hezbollah)(?= (?:fires|fired|firing|attack\w*|launch\w*"
        r"|strikes?|struck|targets?|targeted|hits?)\b)",
        r"\b(?:hamas|hamas's|hamas-led) " + _MODIFIERS + r"(?:attacks?|assault|incursion|raid"
        r"|massacres?|rampage|invasion|onslaught|atrocities)\b",
        r"\b(?:attacks?|strikes?) (?:[\w'-]+ ){0,2}(?:on|against) (?:commercial |merchant )?"
        r"(?:ships|shipping|vessels|tankers)\b",
        r"\battack\w* (?:[\w'-]+ ){0,4}from (?:[\w'-]+ ){0,1}(?:yemen|lebanon|gaza|syria)\b",
        r"\b(?:attacks?|assault|incursion|raid|massacre|rampage) (?:[\w'-]+ ){0,1}(?:by"
        r"|of) hamas\b",
        r"\b(?:oct\.? 7|october 7|7 october)(?:th)?(?:,? 2023)? (?:[\w'-]+ ){0,1}"
        r"(?:attacks?|assault|massacres?|raid|incursion|terror attack|rampage)\b",
        r"\bhamas (?:[\w'-]+ ){0,1}(?:attacked|invaded|stormed|infiltrated|launched|raided"
        r"|overran)\b",
        # Round 9: "Hamas gunmen killed a grandmother" (not "Hamas fighters killed in Gaza").
        # Only the actor is consumed: "killed" is then casualties too.
        # Not the passive ("Hamas fighters have been killed since...", "Hamas fighters killed,
        # IDF says"): the verb needs an object ("killed at least 1,200 people").
        r"\b(?:hamas|hamas-led) (?:gunmen|fighters|militants|terrorists|attackers)(?= (?:(?!(?:were"
        r"|was|been|being|are|is|be|get|got)\b)[\w'-]+ ){0,2}(?:(?:killed|murdered|massacred"
        r"|kidnapped|abducted|slaughtered|sparked) (?!(?:in|by|during|as|after|when|while|on|since"
        r"|overnight|today|yesterday|last|at(?! least))\b)[\w'-]|took (?:[\w'-]+ )?hostages?\b))",
        r"\b(?:attacks?|assault|offensive|raids?|incursion) (?:by (?:[\w'-]+ ){1,3})?(?:on|against"
        r"|into) (?:southern )?israel\b",
        # "in Israel" only for attacks: not police raids, nor a stabbing or shooting attack
        # inside Israel ("terrorist attacks in Israel" are mostly the 7 October attack).
        r"\b(?:attacks?|assault)(?<!stabbing attack)(?<!stabbing attacks)(?<!ramming attack)"
        r"(?<!ramming attacks)(?<!shooting attack)(?<!shooting attacks)(?<!settler attacks)"
        r" (?:by (?:[\w'-]+ ){1,3})?in (?:southern )?israel\b",
        # Round 9: "as Israel is attacked", "Israel came under attack".
        # Not criticism: "Israel was attacked by the UN chief over...", "under attack at the UN".
        r"\bisrael (?:is|was|has been|had been|being) (?:attacked|invaded)\b" + _NOT_CRITICISM,
        r"\bisrael (?:is |was |came |comes |(?:has |had )(?:come|been) )?under attack\b"
        + _NOT_CRITICISM,
        r"\b(?:israel|israeli|israel's|idf|us|u\.s\.|american|turkish|turkey) (?:[\w'-]+ ){0,2}"
        r"(?:attacks?|raids?|aggression|incursions?|operations?) (?:[\w'-]+ ){0,3}(?:on|in|at"
        r"|against|inside|into|near|target\w*) (?:[\w'-]+ ){0,3}" + ISRAEL_NEIGHBOURS + r"\b",
        r"\b(?:militants|gunmen|fighters|attackers) (?:[\w'-]+ ){0,3}(?:stormed|invaded|infiltrated"
        r"|crossed into|broke into|poured into|entered) (?:[\w'-]+ ){0,2}(?:israel|kibbutz\w*"
        r"|israeli)\b",
        r"\b(?:incursions?|infiltrations?) (?:[\w'-]+ ){0,2}(?:into|across|over)\b"
        r"(?! (?:[\w'-]+ ){0,3}(?:air defen[cs]e|adiz|airspace))",
        r"\b(?:attacks?|raids?|incursions?|sabotage|assaults?|barrages?)" + _TO_RUSSIA,
        # Not Moscow: "Moscow continues attacks" names the Russian state.
        r"\b(?:belgorod|kursk|bryansk) (?:[\w'-]+ ){0,1}(?:attacks?|strikes?|shelling"
        r"|assault|raids?|incursions?)\b",
        # A state attacking another by name: "Israel attacks Iran".
        # Not "hits" ("US sanctions hit Iran", "quake in Turkey hits Syria").
        r"\b(?:israel|israeli|israel's|us|u\.s\.|american|turkey|turkish|iran|iranian|pakistan"
        r"|pakistani|afghan|afghanistan) (?:(?:again|reportedly|also|forces|military|army|jets"
        r"|warplanes|drones) ){0,1}(?:attacks|attacked|strikes|struck|bombs|bombed|raids|raided)"
        r" (?:[\w'-]+ ){0,1}(?:iran|syria|lebanon|iraq|yemen|pakistan|afghanistan)\b",
        r"\b(?:saboteurs|militants|gunmen|fighters|attackers|commandos|raiders) (?:[\w'-]+ ){0,1}"
        r"(?:cross\w*|infiltrat\w*) (?:[\w'-]+ ){0,2}border\b",
    )),
    # "Killed on October 7" means the Hamas attack in 2023 news about Israel or Gaza.
    # "Supernova" alone only in news of Israel or Gaza (not a star: "the supernova of a dead star").
    Pattern("cross_border_attack", STRONG, (r"\bon (?:oct\.? 7|october 7(?:th)?|7 october)\b",
                                            r"\bsupernova\b"),
            r"\b(?:hamas|israel\w*|kibbutz\w*|hostages?|gaza)\b"),
    # Round 9: the places and toll of the 7 October attack, in news of its victims.
    Pattern("cross_border_attack", STRONG, (
        r"\b(?:kfar aza|be'?eri|nir oz|nahal oz|kibbutz\w*|nova(?<!bossa nova) (?:music )?festival"
        r"|supernova (?:music |sukkot )?(?:festival|rave|party|gathering))\b",
        r"\b1,?[234]00 israelis\b", r"\b1,?[234]00 people (?:[\w'-]+ ){0,3}in israel\b",
    ), r"\b(?:killed|dead|bodies|massacre\w*|attack\w*|hostages?|kidnap\w*|abduct\w*|behead\w*"
       r"|slain|murdered|gunmen|militants|hamas)\b"),
    # A suicide bomber who "struck a mosque" is a bombing, not an air strike.
    Pattern("bombing", STRONG, (
        r"\b(?:suicide bombers?|car bombers?|truck bombers?|bombers?) (?:[\w'-]+ ){0,1}(?:struck"
        r"|hit|targeted|attacked"
        r"|blew)\b",
    )),
    # --- air and drone strikes ---
    # Both weapons named: listed first, before "drone attacks" alone takes the phrase.
    # Round 11: "Israel's aerial and ground offensive" (Hamas's "sea, air and ground offensive"
    # of 7 October had paragliders, no air strikes).
    Pattern("airstrike+armed_clash", STRONG, (
        r"\b(?:air|aerial)(?<!sea, air)(?<!sea, aerial) and ground (?:offensives?|campaigns?"
        r"|operations?|assaults?|invasion|war)\b",
        # Round 16: "as it expanded its ground and air assault".
        r"\b(?:ground|land) and air (?:offensives?|campaigns?|operations?|assaults?|attacks)\b",
    )),
    Pattern("airstrike+shelling", STRONG, (
        r"\b(?:air|aerial) and (?:ground|artillery|tank) (?:bombardments?|attacks?|strikes?)\b",
        r"\b(?:missiles?|rockets?) and (?:[\w'-]+ )?drones?\b",
        # Round 12: "launched 23 drones and a cruise missile", "drones, cruise missiles".
        r"\bdrones?,? (?:and )?(?:[\w'-]+ ){0,2}(?:missiles?|rockets?)\b",
    )),
    Pattern("airstrike", STRONG, (
        r"\b(?:air|drone)[- ]?(?:strike|raid|attack|bombardment)s?\b"
        r"(?! sirens?| alerts?| defen[cs]e| shelters?)",
        r"\bairstrik\w*", r"\baerial (?:bombardment|attacks?|strikes?|bombing|assault|barrage"
        r"|campaign|offensive)",
        r"\bair (?:campaign|offensive|assault)\b", r"\bdrone (?:assaults?|barrages?|swarms?)\b",
        r"\b(?:warplanes?|fighter jets?|jets|drones?|helicopter gunships?|helicopters?|gunships?"
        r"|aircraft) " + _GAP + AIRSTRIKE_VERBS + r"\b",
        r"\bhelicopters? (?:[\w'-]+ )?(?:fired|opened fire|strafed)\b",
        # Round 13: "Israeli warplanes kill dozens" (only the aircraft is consumed: the toll is
        # casualties too).
        r"\b(?:warplanes?|fighter jets?|bombers)(?= (?:[\w'-]+ )?kill(?:s|ed|ing)?\b)",
        # Round 11: "an American jet fired a missile at a house" is an air strike (listed before
        # the missile patterns of shelling, which would otherwise take it).
        r"\b(?:warplanes?|fighter jets?|jets?|helicopters?|gunships?|drones?|aircraft|planes?)"
        r" (?:[\w'-]+ ){0,2}(?:fired|fires|firing|launched|launches) (?:[\w'-]+ ){0,3}(?:missiles?"
        r"|rockets?|weapons?|bombs?|munitions?)\b",
        # Round 12: "a Russian jet accidentally fires on a Russian city".
        r"\b(?:warplanes?|fighter jets?|jets?|aircraft|planes?) (?:[\w'-]+ ){0,2}(?:fires|fired"
        r"|opens fire|opened fire) (?:on|at|into)\b",
        # Round 10: "a U.S. AC-130 gunship attacked militia positions".
        # Only the aircraft is consumed: "attacked militia positions" is armed_clash too.
        # Not bare "jets" ("the Jets attacked the Patriots' secondary").
        r"\b(?:warplanes?|fighter jets?|helicopter gunships?|gunships?|helicopters?|bombers)(?= "
        + _GAP + r"(?:attack(?:s|ed)?|fired (?:on|at)|strafed|rocketed|raided)\b)",
        r"\b(?:junta|regime|government|gov't) (?:[\w'-]+ )?(?:bomb\w*|air ?strikes?|warplanes?"
        r"|jets)\b",
        r"\b" + ACTORS + r" " + _GAP + r"bomb(?:s|ed|ing|ings)?\b" + _NO_OTHER_WEAPON,
        r"\b(?:under|by) " + ACTORS + r" (?:bombs|bombing|bombings)\b",
        r"\b(?:intense|heavy|relentless|constant|continued|continuous|non-stop|nonstop|incessant"
        r"|indiscriminate|carpet|daily|nightly|renewed|intensified|intensive|ferocious"
        r"|unprecedented|heaviest|fiercest|worst) bombings?\b",
        r"\bbombing (?:campaign|raids?|runs?|mishap)\b",
        r"\bair forces? (?:[\w'-]+ ){0,4}(?:struck|strikes?|hit|hits|bomb(?:s|ed|ing)?"
        r"|targeted|targeting)\b",
    )),
    # A state's "strikes" are air strikes only where no other weapon is named: "Russian strike
    # on Dnipro" in a text about a missile is shelling (round 6: half the airstrike errors).
    Pattern("airstrike", STRONG, (
        r"\b" + ACTORS + r" " + _GAP + r"(?:strikes?|struck|bombardment|bombard(?:s|ed|ing)?)\b"
        r"(?! (?:workers|action|deal|a deal|groups?))",
        r"\b(?:under|by) " + ACTORS + r" (?:strikes|bombardment)\b",
    ), NO_WEAPON_CONTEXT),
    Pattern("airstrike", WEAK, (
        r"\bstrikes? (?:on|hit|hits|kill\w*|flatten\w*|target\w*|pound\w*|destroy\w*"
        r"|level\w*|damag\w*|wound\w*|injur\w*|devastat\w*|raz\w*) ",
        r"\b(?:relentless|indiscriminate|retaliatory|punishing|precision|pre-emptive|preemptive"
        r"|deadly|lethal|targeted|israeli|russian) strikes\b(?! (?:workers|action))",
        r"\bstrikes (?:continue|continued|intensif\w*|resum\w*|rage)\b",
        # Round 13: "Palestinians flee Al Shifa hospital after deadly strike"; "as Israeli
        # military pounds Gaza" (a state's bombardment, no weapon named).
        r"\b(?:deadly|lethal) strike\b(?! (?:workers|action))",
        r"\b(?:israel|israeli|israel's) (?:military |army |forces |jets |warplanes )?"
        r"pound(?:s|ed|ing)?\b",
        # Round 16: "after days of strikes", "after Gaza hospital strike".
        r"\b(?:days|weeks|months|nights) of (?:israeli |russian )?(?:strikes|bombardment"
        r"|bombing)\b",
        r"\bgaza (?:hospital |school |camp |church |mosque )?strikes?\b",
        # Round 9: "Russian attack kills five" (a state's attack on a place, no weapon named).
        # Not a ground assault nor a cyber attack ("Russian cyber attacks damaged the grid").
        r"\b(?:russia|russian|russia's) (?:(?!(?:ground|infantry|tank|armou?red|mechani[sz]ed"
        r"|troop|cyber|hacker|ransomware|verbal|propaganda)\b)[\w'-]+ ){0,1}(?:attacks?|assaults?)"
        r" (?:kill\w*"
        r"|wound\w*|injur\w*|destroy\w*|damag\w*|flatten\w*)\b",
        r"\b(?:israeli|russian|israel's|russia's) (?:attacks?|strikes?) on (?:[\w'-]+ ){0,3}"
        r"(?:buildings?|homes?|houses|apartments?|residential|hospitals?|schools?|camps?)\b",
    ), NO_WEAPON_CONTEXT),
    Pattern("airstrike", WEAK, (
        r"\b(?:bombing|bomb) raids?\b", r"\bkamikaze drones?\b", r"\bshahed\b",
        # Round 10: "troops backed by artillery and aircraft attacked two hideouts", where they
        # attacked ("backed by helicopters, troops searched flooded villages" is no strike).
        # Only "backed" is consumed: "by artillery and aircraft" is shelling too.
        r"\b(?:backed|supported|covered)(?= by (?:[\w'-]+ ){0,3}(?:aircraft|warplanes|jets"
        r"|helicopter gunships|gunships|helicopters|air power|air support) (?:[\w'-]+ ){0,3}"
        r"(?:attack\w*|stormed|struck|pounded|bombed|fired|raided|hit)\b)",
        # Ends before "drones" (looked at, not consumed): "shoots down drones fired from
        # Yemen" is then matched again from "drones" (round 9).
        r"\b(?:hit|struck|attacked|targeted|shot down|downed|intercepted|repel\w*|intercepts"
        # Not "shoots down a plan for drones".
        r"|downs(?<!ups and downs)|shoot(?:s|ing)? down)(?: by| with)?(?: (?!(?:plans?|proposals?"
        r"|bids?|ideas?|requests?|rules|calls|claims|reports|rumou?rs|hopes)\b)[\w\.'-]+){0,5}"
        r"(?= drones?\b)",
        # Battling or fending off drones, but not "battlefield drones", "battles regulators over
        # delivery drones" or "battle the blaze using drones": only attack drones' words between.
        r"\b(?:battl(?:e|es|ed|ing)|fend(?:s|ed|ing)? off|fight(?:s|ing)? off|fought off)"
        r"(?: (?:against|off|back|with|swarms?|waves?|dozens|hundreds|of|a|the|more|new|fresh"
        r"|russian|iranian|enemy|kamikaze|attack|explosive|exploding|shahed|incoming|hostile|houthi|hezbollah"
        r"|overnight)){0,4}(?= drones?\b)",
        r"\b(?:amid|under|during|despite) (?:the |continued |ongoing |heavy |intense |constant )?"
        r"(?:israeli |russian )?bombing\b",
        # Round 12: "Russian drones shot down", "15 drones launched at the south".
        r"\bdrones? (?:were |was |have been |had been )?(?:shot down|downed|intercepted)\b",
        # Round 13: "'Ukrainian' drone found outside Moscow" (a drone found downed).
        r"\bdrones? (?:was |were |has been |had been )?(?:found|discovered)\b",
        # Round 16: "parts of possible Russian drone fell on its territory".
        r"\bdrones? (?:parts|debris|wreckage|fragments)\b",
        # Round 14: "Ukraine downs Russian warplane near Bakhmut".
        r"\b(?:downs?|downed|shot down|shoots down|shooting down) (?:an? |the )?(?:russian "
        r"|ukrainian |israeli |syrian |iranian |enemy |pakistani |indian |azerbaijani |armenian )?"
        r"(?:warplanes?|fighter jets?|bombers?|helicopter gunships?|attack helicopters?)\b",
        r"\bdrones? (?:[\w'-]+ ){0,2}launched (?:at|on|against|toward|towards|overnight)\b",
        r"\bdrones? (?:[\w'-]+ ){0,3}(?:attacks?|strikes?|hit|struck|target\w*|slammed|crashed into"
        r"|damag\w*|kill\w*|wound\w*|injur\w*)\b",
        # Russian attacks on Ukrainian cities come from the air (missiles are matched as well).
        r"\b(?:russia|russian|russia's) (?:(?!(?:missiles?|rockets?|artillery|shelling|ground|cyber"
        r"|hacker|ransomware|verbal|propaganda|disinformation)\b)"
        r"[\w'-]+ ){0,3}(?:attacks?|assaults?|barrages?|waves? of attacks) (?:on|against|across)"
        r" (?:[\w'-]+ ){0,2}(?:kyiv|kiev|odesa|odessa|kharkiv|lviv|dnipro|izmail|ukraine's capital"
        r"|the ukrainian capital|ukrainian cities|ukraine's (?:ports|cities|grain ports))\b",
        r"\bbombs (?:are |were )?(?:still )?(?:continue to |kept |keep )?(?:dropping|falling|fall"
        r"|fell|rain\w*|drop)\b",
        r"\bcontinu\w* to bomb\b", r"\b(?:drop\w*|using) bombs\b",
        # Round 9: "before the bombing resumed" (a campaign from the air; explosions set off on
        # the ground are named by their device). In news of Gaza, see the Gaza context below.
        r"\bbombing (?:has |had )?(?:resum\w*|restart\w*|intensif\w*)\b",
        # Round 11: "pounding targets in three towns from the air"; "the downing of a US drone".
        r"\b(?:pound\w*|strik\w*|struck|attack\w*|bomb\w*|hit\w*|target\w*) (?:[\w'-]+ ){0,5}"
        r"from the air\b",
        r"\bdowning of (?:an? |the )?(?:[\w\.'-]+ ){0,3}drones?\b",
        r"\b(?:bombing|bombed|flatten\w*) (?:of )?(?:[\w'-]+ ){0,3}" + _CIVILIAN_SITES,
    )),
    # Round 12: "the warhead striking the hospital's parking lot" of a rocket is not from the air.
    Pattern("airstrike", WEAK, (
        r"\b(?:striking|struck|pound\w*) (?:of )?(?:[\w'-]+ ){0,3}" + _CIVILIAN_SITES,
    ), NO_WEAPON_CONTEXT),
    # "Bombardment" is counted as air attack: in the news we annotated it nearly always
    # describes an air campaign (Gaza); artillery is usually named as such.
    Pattern("airstrike", WEAK, (
        r"\bbombard(?:ment|ments|ed|s|ing)?\b", r"\bpummel\w*",
    ), NO_WEAPON_CONTEXT + r"(?=.*(?:" + WAR_CONTEXT + r"))"),
    # Round 9: in news of Gaza, bombs and bombing come from the air ("bombs, lack of
    # electricity and damaged roads make life impossible in Gaza").
    Pattern("airstrike", WEAK, (r"\b(?:bombs|bombing|bombings)\b",),
            r"\b(?:gaza|khan younis|rafah|jabalia|nuseirat|deir al-balah)\b"),
    Pattern("airstrike", WEAK, (
        r"\bbomb(?:s|ed|ing) (?:the |a )?(?:[\w'-]+ )?(?:gaza|city|cities|camps?|towns?|villages?"
        r"|houses?|homes?|hospitals?|schools?|neighbou?rhoods?|areas?|targets?|positions?)\b",
        r"\b(?:camps?|city|town|village|house|home|hospital|school|building)s? (?:was |were "
        r"|has been |have been |had been )?bombed\b",
        r"\b(?:gov't|government|regime) bombs\b",
    )),
    # --- artillery, rockets and missiles ---
    Pattern("shelling", STRONG, (
        r"\bshelling\b", r"\bartillery\b", r"\bmortar (?:fire|shells?|rounds?|attacks?|bombs?)\b",
        r"\bhowitzers?\b",
        r"\bkatyusha",
        r"\bbarrages? of (?:[\w'-]+ ){0,2}(?:rockets|missiles|fire|shells|artillery)\b",
        r"\btanks? (?:[\w'-]+ ){0,3}(?:fired|shelled|hammer(?:s|ed|ing)?|pound(?:ed|ing)"
        r"|bombard\w*)",
        r"\btank (?:fire|shells?|rounds?)\b",
        # Round 12: "a hospital has been shelled", "Russia shells flooded Kherson", "sirens warn
        # of rockets launched towards Israel".
        r"\b(?:has|have|had|was|were) been shelled\b", r"\b" + ACTORS + r" shell(?:s|ed)\b",
        r"\bsirens? (?:[\w'-]+ ){0,2}(?:warn\w* of|sound\w* (?:over|for)) (?:[\w'-]+ ){0,2}"
        r"(?:rockets?|missiles?)\b",
        # Round 11: "Israeli tank 'accidentally' hits Egyptian border post".
        r"\b(?:israeli|russian|ukrainian|army|military|enemy|syrian|turkish|armenian|azerbaijani)"
        r" tanks? (?:[\w'-]+ ){0,2}(?:hits?|struck|fired on|fired at|opened fire)\b",
        r"\b(?:rockets?|missiles?) (?:fly|flying|flew|rain\w*|pour\w*)\b",
        r"\b(?:rocket|missile)s? (?:fire|attacks?|strikes?|barrages?|salvos?|hit|hits|struck"
        r"|slammed|landed|rained|fired at|fired from|fired into|fired towards?|launched at"
        r"|heading for)\b",
        r"\b(?:rockets|missiles) (?:were |have been )?(?:reportedly |again )?(?:fired"
        r"|launched)\b",
        r"\b(?:struck|hit|targeted|damaged|destroyed|killed|wounded|injured) by (?:a |an |the )?"
        r"(?:[\w'-]+ ){0,2}(?:missiles?|rockets?|shells?|shellfire)(?: strikes?| attacks?"
        r"| fire)?\b",
        r"\b(?:rocket|missile)s? (?:that |which )?(?:kill\w*|wound\w*|injur\w*|destroy(?:s|ed)?"
        r"|damag\w*"
        r"|level\w*|smash\w*|tore|ripped|slam\w*|crash\w* into|explod\w*|pound\w*|pummel\w*"
        r"|rain\w* down)\b",
        r"\bshellfire\b", r"\bmultiple rocket launchers?\b", r"\bgrad rockets?\b",
        r"\b(?:ground|artillery|tank) bombardments?\b",
        r"\b(?:hit|struck|targeted|attacked|pounded) (?:[\w'-]+ ){0,3}with (?:[\w'-]+ ){0,4}"
        r"(?:missiles?|rockets?|artillery|shells|mortars?)\b",
    )),
    # Missile TESTS are a show of force, not fire at a target.
    Pattern("mobilization", WEAK, (
        r"\b(?:fires?|fired|launch\w*|test-fir\w*) (?:[\w'-]+ ){0,3}missiles?\b",
    ), r"\bnorth korea|\bpyongyang\b"),
    Pattern("mobilization", WEAK, (
        r"\bnorth korea(?:n)? (?:[\w'-]+ ){0,2}(?:fires?|fired|launch\w*|test\w*) (?:[\w'-]+ ){0,3}"
        r"missiles?\b",
        r"\b(?:launch\w*|fir\w*) (?:[\w'-]+ ){0,3}missiles? (?:into|in|towards?|toward) (?:the )?"
        r"(?:[\w'-]+ )?(?:sea|waters)\b",
        r"\b(?:launch\w*|fir\w*) (?:[\w'-]+ ){0,4}missiles? at (?:a )?mock targets?\b",
        r"\b(?:launch\w*|test\w*|test-fir\w*|fir\w*) (?:[\w'-]+ ){0,3}(?:short-range |long-range "
        r"|intercontinental )?(?:ballistic missiles?|icbms?)\b",
        r"\bmissile (?:tests?|launch(?:es)?)\b", r"\btest-fir\w* (?:[\w'-]+ ){0,3}missiles?\b",
    )),
    Pattern("shelling", WEAK, (
        r"\bfir(?:ed|es|ing) (?:[\w'-]+ ){0,3}(?:rockets?|missiles?|projectiles?|shells)",
        r"\blaunch(?:ed|es|ing)? (?:[\w'-]+ ){0,4}(?:rockets?|missiles?) (?:at|on|toward|towards"
        r"|against|targeting)\b",
        # A salvo ("launched 122 missiles"); North Korea's tests are matched first, as mobilization.
        r"\blaunch(?:ed|es|ing) (?:(?!(?:falcon|space\w*|satellites?|soyuz|ariane|starship)\b)"
        r"[\w'-]+ ){0,3}(?:rockets|missiles)\b(?! (?:into|to) (?:space|orbit))",
        r"\bcruise missiles?\b", r"\bhimars\b", r"\biskanders?\b",
        r"\bkinzhals?\b", r"\bkalibrs?\b", r"\batacms\b", r"\bstorm shadows?\b",
        r"\b(?:down\w*|intercept\w*|shot down) (?:[\w'-]+ ){0,3}(?:missiles?|rockets?)\b",
        r"\bmissiles? (?:[\w'-]+ ){0,4}target\w*",
        r"\brussian missiles?(?: strikes?| attacks?)?\b"
        r"(?! (?:systems?|programm?e|production|stockpiles?|makers?))",
    )),
    # "Shelled" is also baseball, "mortar" also masonry.
    Pattern("shelling", STRONG, (
        r"\bshell(?:ed|s)\b", r"\bmortars?\b",
        r"\bshell (?:the |a |its )?(?:[\w'-]+ )?(?:city|cities|town|towns|village|villages"
        r"|positions?"
        r"|areas?|region|border)\b",
    ), ARMED_CONTEXT),
    Pattern("shelling", WEAK, (r"\bpounded\b",), ARMED_CONTEXT),
    # --- fighting on the ground ---
    Pattern("armed_clash", STRONG, (
        r"\bgun ?battles?\b", r"\bfire-?fights?\b", r"\bexchanges? of (?:gun)?fire\b",
        r"\bexchang(?:e|es|ed|ing) (?:gun)?fire\b",
        r"\btrad(?:e|es|ed|ing) fire\b",
        r"\bshoot-?out\b",
        r"\bgun ?fights?\b", r"\bcrossfire\b",
        r"\b" + _FIERCE + r" (?:fighting|battles?|combat)",
        r"\bfighting (?:between|erupted|erupts|broke out|raged|rages|raging|resume[sd]?|continued"
        r"|continues|intensified|intensifies|flared|flares|escalated|escalates|spread|spreads"
        r"|ramps up|ramped up|near|in the|around|across|along|inside|for control"
        r"|shows no sign\w* of (?:ending|abating|easing|letting up|stopping))\b",
        # Round 9: what the fighting has done ("the fighting has forced 73,000 people to flee").
        # Not "clashes" ("clashes with fans have left two dead"): they need ARMED_CONTEXT.
        r"\bfighting(?<!internal fighting)(?<!party fighting)(?<!political fighting)"
        r"(?<!boardroom fighting)(?<!legal fighting) (?:has |have |had )?(?:already )?(?:forced"
        r"|killed|displaced|driven"
        r"|uprooted|claimed|left (?:[\w'-]+ ){0,2}dead)\b",
        r"\bthe fighting (?:in|around|near|across|along|between)\b",
        r"\b(?:gains?|advances?|breakthroughs?) (?:on|along|at) the (?:[\w'-]+ )?front ?lines?\b",
        r"\bbreak(?:s|ing)? through (?:[\w'-]+ ){0,3}(?:lines|defen[cs]es)\b",
        r"\bkilled (?:in|during) (?:the )?(?:clashes|fighting|combat|battle|a gunfight"
        r"|a shoot-?out|an exchange of fire|a firefight|an ambush)\b",
        # Not "battlefield" ("targeting Hamas with battlefield intelligence", round 9).
        r"\b" + FORCES + r" (?:[\w'-]+ ){0,2}(?:battl(?!efield)\w*|fought|fighting|clash\w*"
        r"|ambush\w*|repel\w*|repuls\w*|overr(?:an|un)|engag\w* in (?:fierce |heavy )?"
        r"(?:fighting|combat)"
        r"|offensive|counter-?offensive)\b(?! (?:coordinator|line|linem[ae]n|play\w*|coach\w*"
        r"|tackle|guard))",
        # Fighting named by its enemy: "entered Gaza to fight Hamas".
        r"\b(?:fight|fighting|fought|battl\w*|clash\w* with) (?:against )?(?:the )?(?:hamas"
        r"|hezbollah|taliban|houthis?|wagner|rsf|m23|al-shabaab|isis|isil|boko haram|russian forces"
        r"|ukrainian forces|israeli forces|russian troops|ukrainian troops|israeli troops)\b",
        r"\b(?:israeli|israel's|russian|russia's|ukrainian|ukraine's|military|army|rebel|rebels'"
        r"|army's|military's) (?:(?!(?:charm|diplomatic|pr|media|peace|legal|sales|propaganda"
        r"|marketing|political)\b)[\w'-]+ ){0,2}(?:ground |military )?(?:offensive"
        r"|counter-?offensive)"
        r" (?:on|in|against|into|near|around|toward|towards|approaches|continues|intensifies)\b",
        r"\bground (?:and (?:rocket|air) )?(?:offensive|operations?|assaults?|attacks|invasion"
        r"|campaigns?|activit(?:y|ies)"
        r"|incursions?"
        r"|raids?|war|combat|fighting)\b",
        r"\b(?:killed|died|wounded|injured|engaged|locked|fell) in (?:close )?combat\b",
        r"\bduring combat\b", r"\bcombat with\b",
    )),
    Pattern("armed_clash", STRONG, (
        # South Asian usage: an "encounter" is a gunfight with the police or the army.
        r"\b(?:killed|died|injured|wounded|shot dead|gunned down) in (?:an |a |the )?(?:[\w'-]+ )?"
        r"encounters?\b", r"\bencounters? (?:broke out|took place|ensued|between)\b",
        # Round 9: "a new skirmish in the culture war" is politics.
        r"\bskirmish\w*",
    ), ARMED_CONTEXT),  # police "encounters" with criminals are not fighting
    # Round 11: "violent clashes across France" where protesters battled police are a riot;
    # in a text of protests, clashes are fighting only where armed forces are named.
    # Round 13: "burned during clashes between pro-Trump backers and counterdemonstrators".
    Pattern("armed_clash", STRONG, (
        r"\b" + _FIERCE + r" clashes",
        r"\bclashes (?:erupted|erupt|broke out|between|raged|continued|continue|intensified"
        r"|flared)\b",
    ), r"(?s)^" + NOT_A_RIOT),
    # Round 12: "overrun dozens of military bases" (ground taken as well).
    Pattern("armed_clash+territorial_seizure", STRONG, (
        r"\boverr(?:an|un|unning|uns) (?:[\w'-]+ ){0,3}(?:bases?|positions|posts?|outposts?"
        r"|barracks|garrisons?|defen[cs]es|lines)\b",
    )),
    # Round 11: "people flee the fighting", "villagers flee clashes" (said of war, even where
    # no armed actor is named).
    Pattern("armed_clash", STRONG, (
        r"\b(?:flee|flees|fled|fleeing) (?:the |renewed |heavy |fierce |intense )?(?:fighting"
        r"|clashes|combat|battles?)\b",
    )),
    # Round 11: "died fighting for Russia", "died in battle in Ukraine" (a death too).
    Pattern("armed_clash+casualties", STRONG, (
        r"\b(?:died|dies|killed|hurt|wounded|injured) (?:while )?fighting (?:for|in|against"
        r"|alongside)\b",
        r"\b(?:died|dies|killed|fell) (?:in battle|in action|on the battlefield)\b",
    ), WAR_CONTEXT),
    Pattern("armed_clash", STRONG, (
        r"\bfight (?:for|over) (?:the )?(?:[\w'-]+ ){0,2}(?:city|town|village)\b",
        # Round 16: "Ukraine battling Russian attacks", "'meat assaults'", "eight settlements
        # recaptured over two weeks of 'offensive actions'", "a hospital caught in fighting".
        # (Their forces and troops are matched above, as fighting named by its enemy.)
        r"\bbattl\w* (?:russian|ukrainian|israeli) (?:attacks|assaults|offensives?)\b",
        r"\bmeat (?:assaults?|grinders?|waves?)\b", r"\boffensive actions\b",
        r"\bcaught (?:up )?in (?:the )?(?:fighting|crossfire|clashes)\b",
    ), WAR_CONTEXT),
    # Round 16: "set off a violent confrontation lasting many hours" (not in a riot).
    Pattern("armed_clash", STRONG, (
        r"\b(?:violent|armed|fierce|heavy|deadly) confrontations?\b",
    ), r"(?s)^" + NOT_A_RIOT),
    Pattern("armed_clash", STRONG, (
        r"\b(?:battles?|battling|fight|fighting|clashes|combat) (?:for|in|around|near|over"
        r"|outside)"
        r" (?:the )?(?:[\w'-]+ ){0,3}" + _FRONT_LINES,
        # "Russia's assault on Avdiivka", "intensifying attacks on the eastern Ukrainian city of
        # Avdiivka".
        r"\b(?:assaults?|offensive|push|advances?|counter-?attacks?|intensif\w* attacks) (?:on"
        r"|in|against|around|near|toward|towards|into) (?:the )?(?:[\w'-]+ ){0,4}" + _FRONT_LINES,
    ), r"(?s)^" + NOT_A_RIOT),
    # Words that are war only where armed actors are named: gated by ARMED_CONTEXT.
    # Round 12: clashes in a text of protests are a riot unless armed forces are named
    # ("protesters ... clashed with security forces").
    Pattern("armed_clash", WEAK, (r"\bclash(?:es|ed)?\b",),
            r"(?s)^(?=.*(?:" + ARMED_CONTEXT + r"))" + NOT_A_RIOT),
    Pattern("armed_clash", WEAK, (
        r"\bambush\w*", r"\bcounter-?offensive\b",
        # Round 12: "its long, bloody assault", "ethnic armed groups behind a major offensive".
        r"\b(?:bloody|fierce|ferocious|heavy|massive|major|broad|large-scale|full-scale)"
        r" (?:russian |ukrainian |israeli |rebel )?(?:assaults?|offensives?)\b",
        # Round 15: "'face-to-face' combat in Gaza", "Russian forces launched multiple attacks",
        # "Russia says it repelled attack in Donetsk".
        r"\b(?:face-to-face|hand-to-hand|close-quarters?|close) combat\b",
        r"\b(?:forces|troops|soldiers) (?:launch\w*|mount\w*|stag\w*) (?:(?!(?:air|aerial|drone"
        r"|missile|rocket|artillery|cyber)\b)[\w'-]+ ){0,2}(?:attacks|assaults?|offensives?"
        r"|counter-?attacks?)\b",
        r"\brepel\w*(?<!defen[cs]es repel)(?<!defen[cs]es repelled) (?:an? |the )?"
        r"(?:(?!(?:air|aerial|drone|missile|rocket|cyber)\b)[\w'-]+ )?"
        r"(?:attacks?|assaults?|offensives?|counter-?attacks?)\b",
        # Round 16: "forces ... had begun a significant attack".
        r"\b(?:forces|troops|army) (?:[\w'-]+ ){0,5}(?:launch\w*|began|begun|begins|start\w*)"
        r" (?:a |an |the )?(?:(?!(?:air|aerial|drone|missile|rocket|cyber|charm|diplomatic|media"
        r"|legal|pr)\b)[\w'-]+ ){0,2}(?:push|attack|assault|offensive)\b",
        r"\b(?:frontal|infantry|armou?red|amphibious|pre-?dawn|dawn|lightning) (?:assaults?"
        r"|attacks?"
        r"|offensives?)\b",
        # Round 9: a sinking is fighting only in a war ("the sinking of a migrant boat" is not).
        r"\bsink\w* (?:[\w'-]+ ){0,3}(?:boats?|ships?|vessels?|warships?)\b",
        # Not politics or sport: "fights to hold onto power", "to defend his record, the title".
        # Round 12: "the two-week battle to evict insurgents from Fallujah".
        r"\b(?:fight|battle)(?:s|ing)? to (?:take|capture|seize|hold|retake|defend|repel|push back"
        r"|encircle|evict|oust|dislodge|expel|flush out|crush|recapture)\b"
        r"(?! (?:on|onto|power|office|his|her|(?:its|their) (?:seats?|jobs?|majority"
        r"|title|lead|record|reputation|position)|the (?:lead|title|crown|nomination|presidency"
        r"|speakership|seat|majority|party|house|senate|white house))\b)",
        # Only by armed men, if by anything ("surrounded by floodwaters, by mountains" is not).
        r"\b(?:city|town|village|garrison|enclave) (?:(?:is|was|has been|now|fully|completely"
        r"|effectively|nearly|almost) ){0,2}(?:surrounded|encircled)\b"
        r"(?! (?:by|with) (?!(?:(?!and\b)[\w'-]+ ){0,3}(?:troops|forces|soldiers|tanks"
        r"|fighters|militants|rebels|army|armies|enemy"
        r"|militias?|russians|invaders|gunmen|jihadists|paramilitar\w*|rsf|hamas|m23)\b))",
        r"\bhostilities (?:resum\w*|erupt\w*|continu\w*|escalat\w*|intensif\w*|broke out)\b",
        r"\b(?:fierce|stiff|heavy) resistance\b",
        r"\boffensive (?:on|against|in|into|near|around|toward|towards)\b", r"\bencounter with\b",
        r"\bgunfire\b", r"\bbattle (?:for|of)\b", r"\bfighting\b", r"\bbattl(?:es|ed|ing)\b",
        r"\bfought\b", r"\bfight (?:inside|in|for control)\b",
        r"\b(?:ground forces|ground troops)\b",
    ), ARMED_CONTEXT),
    Pattern("armed_clash", WEAK, (
        r"\bmilitants? stormed\b",
        # Round 14: "Ukraine clings to Bakhmut as Russians advance", "Russia advances towards
        # two towns".
        r"\b(?:russians|russian (?:forces|troops)|ukrainians|ukrainian (?:forces|troops)|israeli"
        r" (?:forces|troops)|wagner|rebels|militants|insurgents|jihadists)(?: [\w'-]+)?"
        r" advanc(?:e|es|ed|ing)\b",
        r"\b(?:russia|ukraine|israel|azerbaijan) advances (?:on|in|into|towards?|toward|near"
        r"|around|deeper|further)\b",
        # Round 13: "relentless assaults by Russian forces".
        r"\bassaults?(?<!sexual assault)(?<!sexual assaults) by (?:[\w'-]+ ){0,2}(?:forces"
        r"|troops|soldiers|fighters|militants|rebels|insurgents)\b",
        r"\b(?:opened fire|fir(?:es|ed|ing)) (?:[\w'-]+ ){0,4}(?:on|at) (?:[\w'-]+ ){0,2}"
        + TARGET_FORCES
        + r"\b",
        r"\bassaults? on (?:[\w'-]+ ){0,2}(?:positions?|trenches|towns?|villages?|the city"
        r"|bases?|posts?|outposts?|checkpoints?|lines)\b",
        r"\bconfront\w* (?:[\w'-]+ ){0,2}(?:fighters|militants|troops|forces)\b",
        r"\battacks? (?:on|at) (?:[\w'-]+ ){0,2}" + TARGET_FORCES + r"\b",
        r"\battack\w* (?:an |a |the )?(?:[\w'-]+ )?(?:tanks?|convoys?|patrols?|checkpoints?"
        r"|soldiers|troops|police stations?|military bases?)\b",
        r"\battacks? '?(?:[\w'-]+ ){0,1}(?:military|army|enemy|rebel|israeli|russian|ukrainian"
        r"|armenian|azerbaijani|government|troop|defensive) positions\b",
        r"\b(?:artillery |heavy |tank |mortar |)fire (?:on|at) (?:[\w'-]+ ){0,2}(?:positions"
        r"|troops|soldiers|forces)\b",
        r"\b(?:attacks?|raids?|ambush\w*|assaults?) (?:[\w'-]+ ){0,2}(?:kill\w*|wound\w*|injur\w*)"
        r" (?:[\w'-]+,? ){0,4}" + TARGET_FORCES + r"\b",
        # Only the subject is consumed (looked ahead past): "killed" is then casualties too.
        r"\b(?:soldiers|troops|police\w*|officers|security forces|(?:security|military|army|police"
        r"|defen[cs]e|paramilitary) personnel|fighters|militants"
        r"|rebels)(?= (?:[\w'-]+ ){0,2}(?:killed|wounded|injured) (?:in|during|after)"
        r" (?:an? |the )?(?:(?!(?:missile|rocket|drone|air|artillery|mortar|shelling|suicide"
        r"|grenade|bomb\w*)\b)"
        r"[\w'-]+ ){0,3}(?:attacks?|ambush\w*|assaults?|raids?)\b)",
        r"\b(?:militants|gunmen|fighters|rebels|insurgents|jihadists|militia\w*) (?:[\w'-]+ ){0,2}"
        r"(?:stormed|storm|raided|ambush\w*|overran|besieg\w*)\b",
        # Attacks on the police or the army are fighting; shootings of civilians are not.
        r"\b" + SECURITY_MEN + r" (?:[\w'-]+ ){0,3}(?:were |was )?(?:shot dead|shot|killed|injured"
        r"|wounded|gunned down|ambushed|attacked) (?:[\w'-]+ ){0,2}by (?:[\w'-]+ ){0,3}" + ATTACKERS
        + r"\b",
        r"\b" + ATTACKERS + r" (?:[\w'-]+ ){0,3}(?:shot dead|shot at|killed|kill|kills|ambushed"
        r"|attacked"
        r"|opened fire on|fired (?:on|at)|gunned down) (?:[\w'-]+ ){0,3}" + SECURITY_MEN + r"\b",
        # Round 14: "Moscow's forces push towards the Ukrainian towns of Orikhiv".
        r"\b" + FORCES + r" (?:[\w'-]+ ){0,2}(?:attack\w*|assault\w*|advanc\w* (?:on|into|toward"
        r"|towards)|push\w* (?:into|toward|towards)|batter\w*|pound\w*|hammer\w*) (?:the )?"
        r"(?:[\w'-]+ ){0,2}(?:city|cities|towns?|village|capital|positions?"
        r"|base|front|lines?)\b",
        r"\bstorm\w* (?:a |the )?(?:[\w'-]+ ){0,2}(?:police station|military base|army base"
        r"|base|checkpoint|outpost|barracks|army post|military post)\b",
        r"\b(?:rebel|insurgent|militant|jihadist|islamist) (?:offensive|assaults? on)\b",
        # Round 12: "troops came under fire", "forces are driving militants out of the
        # mountains", "his uprising against U.S. and Iraqi troops".
        # (Not a convoy: an aid or a diplomatic convoy "came under fire" from one side.)
        r"\b(?:troops|soldiers|forces|patrols?|units?) (?:[\w'-]+ ){0,2}(?:came|come"
        r"|comes|coming) under (?:heavy |intense )?(?:fire|attack)\b",
        # Round 14: "Ethiopia troops force armed group out of Lalibela".
        r"\b(?:forces|troops|army|soldiers) (?:[\w'-]+ ){0,3}(?:driv\w*|push\w*|flush\w*|clear\w*"
        r"|forc(?:e|es|ed|ing)) (?:[\w'-]+ ){0,3}(?:militants|insurgents|rebels|fighters"
        r"|guerrillas|taliban|jihadists|armed groups?)"
        r" (?:out of|from)\b",
        r"\buprising against (?:[\w'-]+ ){0,3}(?:troops|forces|soldiers|army)\b",
        # Round 11: "insurgents launched strikes on Saturday at U.S. and Iraqi outposts" (an
        # armed group's "strikes" are no air strikes: the whole phrase is consumed).
        # Round 12: "rebels have attacked a major police patrol", "insurgents staged attacks
        # Friday morning on police stations", "continued to strike against coalition targets".
        r"\b" + ATTACKERS + r" (?:[\w'-]+ ){0,3}(?:strike|strikes|struck|attack(?:s|ed|ing)?"
        r"|assaults?|assaulted|raids?|raided)(?: (?:on|at|against))? (?:[\w\.'-]+ ){0,6}?"
        r"(?:outposts?|posts?|bases?|positions|checkpoints?|patrols?|convoys?|barracks"
        r"|police stations?|coalition targets|military targets)\b",
        r"\bdestr\w* (?:of )?(?:[\w'-]+ ){0,3}(?:boats?|tanks?|warships?|positions?)\b",
        r"\b(?:expand\w*|widen\w*|intensif\w*|escalat\w*|launch\w*|began|begins|started|starts"
        r"|continu\w*|press\w*|step\w* up|push\w* (?:ahead|on) with|mount\w*) (?:its "
        r"|their |the |a )?"
        r"(?:(?!(?:air|aerial|drone|missile|rocket)\b)[\w'-]+ ){0,2}(?:offensive|military"
        r" operations?|ground operations?|offensive operations?|incursion|push)\b",
        r"\b(?:encircled|surrounded|besieged) by (?:[\w'-]+ ){0,1}(?:forces|troops|tanks)\b",
        r"\b(?:clos\w*|tighten\w*) (?:the |a |its )?(?:ring|noose|encirclement) (?:around|on)\b",
        r"\b(?:troops|forces|tanks) (?:[\w'-]+ ){0,3}(?:encircl\w*|surround\w*|push\w* (?:deeper "
        r"|further )?into|advanc\w* (?:on|into|toward|towards|in)|clos\w* in on"
        # Round 11: "forces move further into Gaza", "tanks rumbled into northern Gaza",
        # "troops powered their way into the center of Fallujah".
        r"|mov\w* (?:deeper|further) into|rumbl\w* into|power\w* (?:their|its) way into)\b",
        # Round 10 (2004 wire news): "Israeli tanks surged into the camp", "tanks and troops
        # backed by helicopter gunships stormed Khan Younis".
        # Troops that "stormed" houses may only raid and arrest, troops that "poured into" a
        # region may bring relief, forces that "swept into" parliament won an election; tanks
        # that did so fought.
        r"\b(?:tanks|troops|soldiers|forces|marines)(?: and (?:tanks|troops|soldiers|armou?r))?"
        r" (?:[\w'-]+ ){0,4}(?:surged into|thrust into|fought (?:their way )?into"
        r"|battled (?:their way )?into)\b",
        r"\b(?:tanks|(?:troops|soldiers|forces) and tanks|tanks and (?:troops|soldiers|forces))"
        r" (?:[\w'-]+ ){0,4}(?:stormed|swept into|powered into|rolled into|poured into)\b",
        # Only the subject is consumed, so "killed" is casualties too: "Israeli soldiers shot and
        # killed a Palestinian gunman". Soldiers who killed (not "soldiers were killed when
        # militants..."), not police: police killing an armed robber is crime, as are smugglers.
        r"\b(?:troops|soldiers|forces|army|marines|paratroopers)(?= (?:(?!(?:were|was|been|are|is"
        r"|being)\b)[\w'-]+ ){0,2}(?:killed|kill|kills|shot dead|gunned down) (?!(?:when|in|by|as"
        r"|after|during|while|at|on)\b)(?:[\w'-]+ ){0,4}(?:armed(?! (?:smugglers?|poachers?"
        r"|robbers?|burglars?|thieves|criminals?|men who robbed)\b)|gunm[ae]n|militants?|fighters"
        r"|insurgents|rebels|guerrillas?|maoists|separatists|militiam[ae]n|jihadists)\b)",
        # "Troops attacked two suspected terrorist hideouts" (not "the US attacked terrorist
        # bases with cruise missiles", nor a game's "attack enemy bases").
        r"\battack(?:s|ed|ing)? (?:[\w'-]+ ){0,3}(?:militia|rebel|insurgent|militant|guerrilla"
        r"|taliban) (?:positions|bases?|posts?|strongholds?|hideouts?)\b",
        r"\battack(?:s|ed|ing)? (?:[\w'-]+ ){0,3}terrorist (?:strongholds?|hideouts?)\b",
        # Round 9: "Israeli forces raid inside Gaza" (in the war, a ground incursion).
        r"\b(?:troops|forces|tanks|soldiers) (?:[\w'-]+ ){0,1}raid\w* (?:deep )?(?:inside|into)"
        r" (?:northern |southern |the )?gaza\b",
        # Round 9: "gains against Russian positions", "a breach in enemy lines".
        # Not trading ("gains on their short positions") nor football ("gaps in the defensive
        # lines").
        r"\b(?:gains?|advances?) (?:against|on) (?:(?!(?:short|long|their|its|his|her|our|bond"
        r"|bonds|equity|stock|stocks|trading|derivatives?|futures|currency|hedge|speculative"
        r"|investment|market|net|open|leveraged|bullish|bearish)\b)[\w'-]+ ){0,2}(?:positions|lines"
        r"|troops|forces)\b",
        r"\b(?:breach\w*|holes?|gaps?) in (?:the )?(?:enemy|russian|ukrainian|israeli|front"
        r"|frontline|hamas) lines\b", r"\bbreach\w* in (?:the )?defensive lines\b",
        r"\bmilitary (?:operations?|offensive|assault) (?:in|on|against|into)\b",
        r"\b(?:attacks?|assaults?|fighting|battles?|pressure) (?:along|on|across) (?:the |a )?"
        r"(?:[\w'-]+ ){0,2}front ?lines?\b",
    )),
    # Round 10: sieges and resistance are fighting only where armed forces are named ("fans
    # laid siege to the box office", "police laid siege to the house where gunmen held
    # hostages", "pockets of resistance to the war funding bill").
    Pattern("armed_clash", WEAK, (
        r"\b(?:lay|lays|laid|laying) siege to\b", r"\bpockets of (?:[\w'-]+ )?resistance\b",
    ), MILITARY_CONTEXT),
    # Round 11: "onslaught on Gaza widens", "the army's assault is pushing further into the
    # south", "a significant advance into a Baghdad suburb".
    Pattern("armed_clash", WEAK, (
        r"\b(?:assault|offensive|onslaught|incursion)s? (?:[\w'-]+ ){0,3}(?:widens|widened"
        r"|widening|expands|expanded|expanding|deepens|deepened|pushes|pushed|pushing)\b",
    ), WAR_CONTEXT),
    Pattern("armed_clash+territorial_seizure", WEAK, (r"\badvances? into\b",), ARMED_CONTEXT),
    Pattern("bombing", STRONG, (
        r"\b(?:car|truck|roadside|suicide|pipe|nail|barrel)[- ]bomb\w*",
        r"\bsuicide (?:attack|bomber)s?\b", r"\bimprovised explosive", r"\bieds?\b",
        r"\bexplosives?\b", r"\blandmines?\b", r"\bgrenades?\b",
    )),
    Pattern("bombing", WEAK, (
        r"\bbomb(?:s|ing|ings|ed)?\b", r"\bexplosions?\b", r"\bblasts?\b", r"\bdetonat\w*",
        r"\bexploded\b",
    )),
    Pattern("cross_border_attack", WEAK, (
        r"\bincursions?\b", r"\binfiltrat\w*",
        r"\bviolat\w* (?:[\w'-]+ )?(?:airspace|territory|sovereignty)\b",
        r"\bborder (?:posts?|outposts?|guards?)\b",
    ), ARMED_CONTEXT),
    Pattern("ceasefire_violation", STRONG, (
        r"\bviolat\w* (?:[\w'-]+ ){0,3}" + CEASEFIRE,
        CEASEFIRE + r" (?:violations?|breach\w*)",
        r"\b(?:breach\w*|broke|broken|breaking|shattered|collapse of|end of) (?:[\w'-]+ ){0,2}"
        + CEASEFIRE,
        CEASEFIRE + r" (?:[\w'-]+ ){0,2}(?:collapsed|collapses|broke down|breaks down|shattered"
        r"|crumbl\w*|ended|ends|expired|unravel\w*)",
    )),
    Pattern("ceasefire_violation", WEAK, (r"\bdespite (?:[\w'-]+ ){0,2}" + CEASEFIRE,)),
    Pattern("war_rhetoric", STRONG, (
        r"\bopen war\b", r"\bdeclar\w* (?:[\w'-]+ ){0,2}war\b", r"\bstate of war\b",
        r"\ball-out war\b", r"\bultimatum", r"\bact of war\b", r"\bwar of words\b",
        r"\bred lines?\b", r"\bwill pay (?:a |the )?(?:heavy |high )?price\b",
        r"\bteach (?:[\w'-]+ ){0,3}a lesson\b", r"\bwipe (?:[\w'-]+ ){0,2}off the map\b",
        r"\bsab(?:re|er)-rattling", r"\bwarns? of (?:nuclear |a )?war\b",
    )),
    # Threats are war rhetoric only in news about a war or armed forces ("his allies have
    # threatened colleagues" is politics).
    Pattern("war_rhetoric", WEAK, (
        r"\bthreat(?:en|ens|ened|ening)\b",
        r"\bvow(?:s|ed)? (?:to )?(?:revenge|retaliat\w*|respond|avenge|crush|destroy|punish)",
        r"\bretaliat\w*", r"\bwarn(?:s|ed)? (?:[\w'-]+ ){0,3}(?:against|of (?:retaliation"
        r"|consequences|response)|will face)", r"\bprovocation\w*", r"\bhostile act",
    ), WAR_CONTEXT),
    Pattern("mobilization", STRONG, (
        r"\btroop build-?up", r"\bbuild-?up of (?:troops|forces)",
        r"\bmass(?:ing|ed|es) (?:[\w'-]+ ){0,2}(?:troops|forces|soldiers|tanks)(?: and (?:artillery"
        r"|tanks|armou?r|weapons))?",
        r"\bmobili[sz]\w*", r"\bconscription\b", r"\breservists?\b", r"\bhigh alert\b",
        r"\bon (?:full |maximum )?alert\b", r"\bshow of force\b",
    )),
    Pattern("mobilization", WEAK, (
        r"\bdeploy\w* (?:[\w'-]+ ){0,3}(?:troops|forces|soldiers|tanks|warships|battalions?)\b",
        r"\btroops? deploy\w*", r"\breinforcements\b", r"\bmilitary drills?\b",
        r"\bwar games\b", r"\bmilitary exercises?\b", r"\bmilitary presence\b",
        r"\b(?:bolster|strengthen)\w* (?:[\w'-]+ ){0,3}(?:forces|positions|troops)\b",
        r"\bprepar\w* (?:for )?(?:[\w'-]+ ){0,3}(?:offensive|assault|invasion)\b",
    )),
    Pattern("territorial_seizure", STRONG, (
        r"\b(?:captur\w*|seiz\w*|took control of|taken control of|tak(?:e|es|ing) control of"
        r"|won control of|overr(?:an|un|uns|unning)|recaptur\w*|retak\w*|retook)\s+"
        r"(?:[\w'-]+ ){0,3}(?:town|city|village|territory|base|area|region|airport|positions?"
        r"|border|hill|district|province|capital|outpost|crossing|bank)\b",
        r"\bcapture of\b",
    )),
    Pattern("armed_clash+territorial_seizure", WEAK, (
        r"\b(?:ukrainian|russian|israeli|rebel|army|military|troops'|forces') (?:gains|advances)"
        r" (?:in|on|around|near|toward|towards)\b",
    )),
    # Round 9: "Russia claims first battlefield breakthrough in months".
    Pattern("armed_clash+territorial_seizure", WEAK, (
        # Gains "made" or "reported" only by an armed side ("stocks made gains", "the far right
        # made big gains", "defence firms reported gains" are not); none in votes or markets.
        r"\b(?:(?:russia|russian|russia's|ukraine|ukrainian|ukraine's|israel|israeli|israel's"
        r"|moscow|moscow's|kyiv|kyiv's|kremlin|army|army's|troops|forces|rebels|militants"
        r"|fighters|military|military's|militias?|jihadists|rsf|m23|hamas|taliban|houthis|wagner"
        r"|junta) (?:[\w'-]+ ){0,2}(?:report\w*|made|make|makes|making) |claim\w* )"
        r"(?:(?!(?:economic|market|political|electoral|diplomatic|poll|polls)\b)[\w'-]+ ){0,2}"
        r"(?:gains|advances)\b"
        r"(?! in (?:the )?(?:[\w'-]+ ){0,2}(?:elections?|polls?|votes?|markets?|trading|shares"
        r"|stocks|sales|profits?|earnings|revenues?|seats|exports?|imports|trade|output|gdp"
        r"|ratings)\b)",
        r"\bbattlefield (?:breakthroughs?|gains|advances|victor(?:y|ies)|successes)\b",
    ), ARMED_CONTEXT),
    Pattern("territorial_seizure", WEAK, (
        r"\bfell to\b", r"\bfalls to\b", r"\bgain(?:ed|s|ing)? ground\b", r"\bannex\w*",
        r"\bencircle\w*", r"\badvance[sd]? (?:on|into|toward)\b",
        r"\b(?:troops|forces) (?:[\w'-]+ ){0,2}(?:enter\w*|push\w* into|crossed)\b",
    )),
    Pattern("casualties", STRONG, (
        r"\b(?:killed|killing|kills|dead|deaths?|death toll|died|wounded|injured|injuring"
        r"|casualties|fatalities|martyred|slain|massacre\w*|bodies)\b",
    )),
    Pattern("ceasefire_agreement", STRONG, (
        r"\b(?:agree\w*|announc\w*|declar\w*|extend\w*|brokered|reach\w*|sign\w*|accept\w*"
        r"|secur\w*|approv\w*) (?:[\w'-]+ ){0,3}" + CEASEFIRE,
        CEASEFIRE + r" (?:[\w'-]+ ){0,2}(?:deal|agreement|accord|holds|holding|extended|extension"
        r"|takes effect|took effect|begins|began|comes into|came into|agreed|in effect"
        r"|is holding)\b",
        r"\bpeace (?:deal|agreement|accord|treaty)\b",
        r"\b(?:during|amid) (?:the |a )?(?:[\w'-]+ ){0,3}" + CEASEFIRE,
    )),
    Pattern("ceasefire_agreement", WEAK, (
        CEASEFIRE, r"\bhumanitarian pauses?\b",
        r"\bpause[sd]?'? (?:in |to )?(?:the )?(?:fighting|hostilities|combat)\b",
    )),
    Pattern("talks", STRONG, (
        r"\bpeace talks\b", r"\bnegotiat\w*", r"\bmediat\w*", r"\bpeace process\b",
        r"\benvoys?\b", r"\bpeace (?:plan|proposal)\b", r"\bdialogue\b",
        r"\b(?:hostage|truce|ceasefire) talks\b",
    )),
    Pattern("talks", WEAK, (
        r"\btalks\b", r"\bsummit\b", r"\bmet with\b", r"\bmeets? with\b", r"\bdiplomatic\b",
        r"\bagree\w* to (?:[\w'-]+ ){0,3}(?:lower|ease|reduce|defuse) (?:[\w'-]+ ){0,2}tensions?\b",
    )),
    Pattern("prisoner_exchange", STRONG, (
        r"\b(?:prisoner|hostage|captive|pow)s? (?:swap|exchange|release|deal)s?\b",
        r"\b(?:swap|exchang|releas|free|freed|freeing)\w* (?:of )?(?:[\w'-]+ ){0,3}"
        r"(?:prisoners|hostages|captives|detainees|pows)\b",
        r"\b(?:prisoners|hostages|captives|detainees) (?:[\w'-]+ ){0,2}(?:freed|released|returned"
        r"|handed over|swapped)\b",
    )),
    Pattern("withdrawal", STRONG, (
        r"\bwithdr\w* (?:of )?(?:[\w'-]+ ){0,3}(?:troops|forces|soldiers|units|military|army)\b",
        r"\b(?:troops|forces|soldiers|army) (?:[\w'-]+ ){0,2}(?:withdr\w*|pull\w* (?:back|out)"
        r"|retreat\w*)",
        r"\bpull\w* (?:back|out) (?:[\w'-]+ ){0,2}(?:troops|forces)\b", r"\bpull-?back\b",
        r"\bpull-?out\b", r"\bdemobili[sz]\w*", r"\bdisengage\w*", r"\bde-?escalat\w*",
    )),
    Pattern("humanitarian_access", STRONG, (
        r"\bhumanitarian (?:corridors?|access|aid|convoys?|supplies|assistance|deliveries)\b",
        r"\baid (?:convoys?|trucks?|corridors?|deliver\w*|shipments?|reach\w*|enter\w*"
        r"|arriv\w*|supplies)\b",
        r"\b(?:re-?open\w*|open\w*) (?:[\w'-]+ ){0,2}(?:crossings?|corridors?)\b",
        r"\b(?:crossings?|corridors?) (?:[\w'-]+ ){0,2}(?:re-?opened|opened|opens)\b",
        r"\bsafe passage\b", r"\b(?:increase|more) (?:[\w'-]+ ){0,2}(?:deliveries|supplies)\b",
    )),
    Pattern("humanitarian_access", WEAK, (
        r"\brelief (?:supplies|goods|convoys?)\b", r"\bfuel deliver\w*",
        r"\ballow\w* (?:[\w'-]+ ){0,3}(?:aid|supplies)\b",
    )),
)
