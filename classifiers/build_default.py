"""Build the shipped default model reproducibly.

    cd /work/main && .venv/bin/python -m classifiers.build_default --data ../shared/data
    cd /work/main && .venv/bin/python -m classifiers.build_default --refresh-card  # no training

Trains every design in designs.py on the same split, keeps DEFAULT_DESIGN (the winner on
held-out news, recorded in the card), saves the skops artifact and its card under
classifiers/artifacts/, measures signals on our own annotated sample, and writes MODEL_CARD.md.
Same data + same seed -> same scores (the linear solvers are deterministic for a fixed seed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from classifiers.agnews_sample import agnews_signal_metrics
from classifiers.artifacts import (
    ARTIFACT_PREFIX,
    DEFAULT_MODEL_VERSION,
    card_path,
    default_model_path,
    load_model,
    save_model,
)
from classifiers.capture_sample import capture_signal_metrics
from classifiers.cross_validate import parse_assignment
from classifiers.datasets import load_corpora
from classifiers.deescalation_news import deescalation_share
from classifiers.designs import DESIGNS
from classifiers.headline_news import headline_share
from classifiers.model_card import (
    pooled_heldout_signals,
    render_model_card,
    signal_sample_metrics,
)
from classifiers.scoring import Scorer
from classifiers.training import (
    DEFAULT_DESIGN,
    dev_metrics,
    source_weights,
    split_news_dev,
    train,
)
from classifiers.unrelated_news import unrelated_share
from classifiers.weak_labels import stale_held_out

_REPO_ROOT = Path(__file__).resolve().parent.parent

LIMITATIONS = [
    "`escalation` is P(verbal or material conflict) from QuadClass, and CAMEO (the corpora's "
    "coding) counts arrests and police action as material conflict. Archive news weakly "
    "labelled calm (a disaster or crime word and no armed-conflict word, "
    "classifiers/weak_labels.py) brings annotated disaster and crime news above 0.5 down from "
    "27% and 43% (model 2026.11.0) to the figures in the disaster and crime table, still above "
    "the 2% we hold sports, business and science to; riots, crackdowns and political "
    "violence can still score high, by design.",
    "ConfliBERT's news sentences are few (1,344); on their held-out quarter escalation F1 is "
    "0.894, above the 0.88 target (0.880 for model 2026.12.4, before the headline copies; "
    "0.861 for 2026.12.3, before the negation scopes; see the table), but 336 sentences "
    "cannot tell these apart (95% bootstrap interval 0.85-0.93), and that quarter was read "
    "for five builds this session; 5-fold CV on the training part over three fold seeds, "
    "every sentence held out once per seed, gives 0.879 (0.868-0.895 by seed; 0.874 for "
    "2026.12.4, 0.862 for 2026.12.3), the firmer estimate: at the target's line, not above "
    "it, and after a dozen settings were compared by the same CV, so a little flattered; on "
    "all held-out news it is above (0.951). A "
    "fine-tuned sentence encoder (all-MiniLM-L6-v2) reaches 0.939 by the same CV and 0.924 on "
    "the dev quarter, so the target is within reach of a transformer, not of a model that "
    "scores 5,000 articles a second per core; distilling it through archive labels did not "
    "carry its gain over (hyperparameter paragraph). The "
    "designs that went further before the sharpening (0.866 by CV) did it by learning "
    "CAMEO's coding of arrests and police action as conflict, and put 17-20% of held-out "
    "calm crime and disaster items above 0.5: under CAMEO's labels the 0.88 target and "
    "'crime is not escalation' pull against each other.",
    "Weak labels from the 2023 archive are rules, not readings: a calm item may be a war story "
    "whose war words the lists lack, a conflict item one the patterns misread (their held-out "
    "precision is 0.6-0.94 by signal). They depend on the patterns at build time, so a pattern "
    "change changes the next model (the build is still reproducible from one commit).",
    "Signals are English phrase patterns scaled by the model: paraphrases they do not list are "
    "missed, and sarcasm, reported speech and long-range negation are not understood.",
    "Tuning batches up to round 5 are annotated by one person per batch, who also wrote or "
    "tuned the patterns; rounds 6 to 16 by two annotators who never read the patterns, with "
    "adjudication. Only the held-out batches (round 16 of the archive and the 2026 captures, "
    "each committed before it was measured) are honest estimates for the shipped patterns; "
    "their supports are small (13 to 38 items for the target signals, no shelling item): wide "
    "confidence intervals; the held-out rounds listed above show how much the figures move "
    "between batches (armed_clash R 0.49-0.76 over rounds 13-16). The "
    "2026 capture batch (315 items, 25 with a signal) is mostly calm news: it measures false "
    "alarms and air strikes. Rounds 12-16 were drawn from the round-5 exclusion list (items a "
    "round-4 pattern writer could have seen in listings, eight to twelve rounds of patterns "
    "ago), as was round 11's shelling batch: the unread archive had no air, fighting or "
    "shelling item left; about 200 air and fighting items of that list remain unlabelled.",
    "Signal targets (recall >= 0.85 at precision >= 0.8): airstrike meets it pooled over the "
    "four latest held-out batches, each measured once with the patterns written before it was "
    "read (rounds 13-16, 1,098 items): P 0.96, R 0.87 (157 of 180 found, 163 predicted); by "
    "batch R 0.92, 0.87, 0.84 and 0.84 at P 0.94-0.98. Shelling meets it on the one recent "
    "batch that could measure it (round 11: P 0.89 R 0.89, 44 items; rounds 12-16 hold 2 "
    "shelling items). armed_clash does not: rounds 13-16 pooled P 0.63 R 0.63 (75 of 120 "
    "found, 120 predicted), by batch R 0.49-0.76 at P 0.50-0.73. The current held-out pool "
    "(round 16 and the captures, 585 items; the pooled table, with 95% Wilson intervals): "
    "airstrike P 0.96 R 0.84 (51 items), armed_clash P 0.65 R 0.61 (28). Rounds 13-16 "
    "(2026-12-08, session 13) each wrote patterns on the batch held out before: on that batch "
    "armed_clash found 4-9 more items with 2-9 fewer false alarms, airstrike 1-5 more; "
    "measured on the next batch against the previous round's patterns (both models rebuilt "
    "without it), they changed airstrike and armed_clash by 0-1 items each: the patterns have "
    "plateaued; "
    "armed_clash, the fuzziest label, is the gap (what it misses: ground fighting told as "
    "'advances', 'pushes', 'assaults' on a town, a siege or a war's progress; what it takes "
    "wrongly: the war named in passing, riots, figures of speech). "
    "Earlier rounds (4-12) give the same picture: "
    "the three target signals' recall on news they were not written on ranged 0.41-0.93 by "
    "signal and batch (precision 0.54-1.00). What they "
    "miss: strikes named only by their effect or a vague 'attack', ground fighting described "
    "without a fighting word, cross-border attacks whose attacker or place the lists lack. "
    "Generic words (fighting, clashes, battle) count only where armed "
    "actors or weapons are named. A learned complement was tried: a per-signal logistic "
    "regression on the model's word features, trained on the 1,622 annotated tuning items, "
    "adds positives the patterns miss at only 8-19% precision (an ad-hoc 5-fold CV, script "
    "not kept), so it is not used; nor is a weakly supervised one (2026-12-07: a logistic "
    "regression per signal trained on the patterns' own labels of 13,760 unannotated archive "
    "items, added where the patterns found nothing, gains 1-14 true against 19-112 false "
    "signals on the annotated tuning batches at a 0.5 threshold, 0-2 against 0-11 at 0.9, by "
    "signal; script not kept). Measured on the held-out pool instead (2026-12-07, session 9, "
    "experiments/signal_learning/): the same regression on all 2,472 tuning annotations, its "
    "threshold the best out-of-fold F1 on them, replaces the patterns well only for "
    "armed_clash (P 0.63 R 0.73 against 0.58 and 0.56; airstrike falls to P 0.67 R 0.48, "
    "shelling to 0.36 and 0.31) and taking either signal lifts armed_clash recall to 0.80 at "
    "P 0.51; but on rounds 7 and 8 together, trained on the batches before each, it gives "
    "armed_clash P 0.55 R 0.67 against the patterns' first measurement there, P 0.66 R 0.60: "
    "no better, and neither is near the target, so the patterns stay. Outside Israel's wars "
    "a state's bare 'strikes' count as air "
    "strikes only where the text names no other weapon anywhere (missiles, rockets, shells, "
    "artillery...), so a missile named in passing ('Ukraine asks for Patriot missiles') turns a "
    "bare 'Russian strikes on Kyiv' in the same text into no air strike.",
    "cross_border_attack is found when the text names the attacker and the other side's place "
    "(Israeli strikes in Lebanon or Syria, rockets from Gaza or Lebanon into Israel, drones on "
    "Moscow or Belgorod, attacks on shipping), or says 'cross-border'/'across the border', or "
    "refers to the 7 October attack; anything else (an unnamed attacker, a place the lists do "
    "not hold, conflicts outside those lists) is missed.",
    "SATP's 'armed assault' label includes one-sided shootings of civilians, which our "
    "armed_clash convention excludes, so SATP dev recall of armed_clash is low by design.",
    "Disaster and crime news that names an armed actor ('army rescues flood victims', "
    "'police battle cartel') gets no weak label either way, so the model has seen few such "
    "items labelled calm.",
    "Explanations list word features only (character n-grams and hashed features are not "
    "readable); a weight is tfidf x (mean conflict coefficient - mean other coefficient). A "
    "word read in a negation's scope is shown with its mark ('not-talks').",
    "The negation scopes are English cues and a fixed window (classifiers/word_preprocessing.py)"
    ": a refusal phrased without one ('Moscow says talks are off the table') is read as "
    "before, and a cue governing something else within four words ('did not stop the "
    "shelling') marks words that were not refused.",
]
HYPERPARAMETER_SEARCH = {
    "method": "`python -m classifiers.cross_validate --design D [--weight SOURCE=W] [--set "
    "PARAM=X]`: 5-fold stratified CV on the ConfliBERT training part and, fold for fold, on "
    "the archive's weakly labelled calm items (every other source always in training), over "
    "fold seeds 0, 1 and 2; each result is [macro-F1, escalation F1, share of held-out calm "
    "items at or above 0.5] (2026-12-07). The results marked 'earlier protocol' are [macro-F1, "
    "escalation F1] over one fold seed with the calm items always in training, design "
    "tfidf_word_svm (2026-11-25); fold seeds alone move escalation F1 by about 0.02 "
    "(tfidf_word_svm: 0.860, 0.842, 0.861)",
    "results": {
        "tfidf_word_svm, UN weight 1 (model 2026.11.1)": [0.7681, 0.8543, 0.0735],
        "tfidf_word_svm, UN weight 0.3": [0.7956, 0.8585, 0.0754],
        "news_adapted, UN weight 0.3 (shipped as 2026.12.0)": [0.8044, 0.8602, 0.0488],
        "news_adapted, UN weight 0.3, domain_scale 1.5": [0.8013, 0.8559, 0.0365],
        "news_adapted, UN weight 0.3, news weight 25": [0.8076, 0.8613, 0.0536],
        "news_adapted, UN weight 0.3, C=0.0625": [0.8065, 0.8599, 0.0704],
        "news_adapted, UN weight 0.3, archive calm weight 2": [0.7961, 0.8547, 0.0256],
        "news_adapted as shipped, model 2026.12.1's training data (AG entities read, round-10 "
        "weak labels)": [0.8043, 0.8586, 0.0492],
        "the same, SATP's incident reports outside the news view too": [0.8066, 0.8635, 0.0479],
        "the same, SATP and AG News outside the news view": [0.7947, 0.8539, 0.0302],
        "not servable: all-MiniLM-L6-v2 fine-tuned on the fold's ConfliBERT sentences alone "
        "(fold seed 0; no calm items in its training, so no calm share)": [0.9088, 0.9394, None],
        "news_adapted as shipped, fold seed 0 only": [0.8132, 0.8664, 0.0452],
        "news_adapted as shipped + the fold's teacher's archive labels (p >= 0.9, rules first), "
        "weight 1, fold seed 0": [0.8013, 0.8701, 0.0681],
        "news_adapted as shipped + teacher labels at weight 0.5, fold seed 0":
            [0.8002, 0.8641, 0.0515],
        "news_adapted as shipped + teacher labels at weight 1, archive calm weight 1.3, fold "
        "seed 0": [0.7968, 0.8653, 0.0527],
        "copy for ConfliBERT sentences only, domain_scale 3": [0.8057, 0.8661, 0.1954],
        "copy for ConfliBERT sentences only, domain_scale 1.5": [0.807, 0.8646, 0.1747],
        "copy for ConfliBERT sentences only, scale 2, archive calm weight 3":
            [0.804, 0.8593, 0.088],
        "news_adapted as shipped, word 1-3 grams, 150,000 features": [0.8014, 0.8622, 0.0521],
        "news_adapted as shipped, archive calm weight 1.5": [0.8007, 0.8573, 0.034],
        "news_adapted as shipped, archive calm weight 2": [0.8012, 0.8534, 0.0256],
        "news_adapted as shipped, isotonic calibration": [0.7964, 0.8338, 0.0488],
        "news_adapted as shipped, temperature scaling": [0.7515, 0.8145, 0.0176],
        "news_adapted as shipped, sharpened by T 0.52 on top of the sigmoid maps (model "
        "2026.12.2; T fitted on these folds' out-of-fold log-loss)": [0.8043, 0.8662, 0.0595],
        "news_adapted as shipped + the archive's cooperation weak labels (706 items; model "
        "2026.12.3; T 0.52 kept: fitted again it is 0.53-0.54)": [0.7806, 0.8619, 0.0563],
        "MLPClassifier, 64 hidden units, on the word TF-IDF, uncalibrated, fold seed 0":
            [0.7001, 0.7916, 0.0235],
        "news_adapted as shipped + the signal patterns' evidence as 15 more features, scale "
        "0.1 (experiments/pattern_features/; ties the model to the pattern code)":
            [0.8038, 0.8681, 0.0496],
        "news_adapted as shipped + the signal patterns' evidence as features, scale 0.2":
            [0.7963, 0.8638, 0.0376],
        "news_adapted as shipped + negation and refusal scopes marked in the word features' "
        "text (classifiers/word_preprocessing.py; model 2026.12.4, whose weak labels follow "
        "the signals' new refusal cues; experiments/refusal_scope/)": [0.7938, 0.8741, 0.0578],
        "the same weak labels without the marking (the control for the row above)":
            [0.781, 0.8625, 0.0571],
        "news_adapted as 2026.12.4 + a headline-only copy of each weak conflict and "
        "cooperation item (1,621; model 2026.12.5; experiments/headline_copies/)":
            [0.7964, 0.879, 0.0519],
        "news_adapted as 2026.12.5, weak labels of the round-12 patterns and without the 678 "
        "items annotated in rounds 11 and 12 (conflict items 930 -> 759, headline copies "
        "1,621 -> 1,437; model 2026.12.6)": [0.7942, 0.8753, 0.0535],
        "news_adapted as 2026.12.6, weak labels of the round-16 patterns and without the "
        "1,098 items annotated in rounds 13-16 (conflict items 759 -> 438, headline copies "
        "1,437 -> 1,070; model 2026.12.7)": [0.7969, 0.8805, 0.062],
        "earlier protocol: C=0.25 news_weight=3": [0.696, 0.81],
        "earlier protocol: C=0.5 news_weight=3": [0.7064, 0.8163],
        "earlier protocol: C=1.0 news_weight=3": [0.7109, 0.809],
        "earlier protocol: C=0.25 news_weight=6": [0.7398, 0.8397],
        "earlier protocol: C=0.5 news_weight=6": [0.7338, 0.83],
        "earlier protocol: C=1.0 news_weight=6": [0.7276, 0.8173],
        "earlier protocol: C=0.25 news_weight=10": [0.7617, 0.8448],
        "earlier protocol: C=0.5 news_weight=10": [0.7515, 0.8352],
        "earlier protocol: C=0.125 news_weight=10": [0.7677, 0.8548],
        "earlier protocol: C=0.25 news_weight=15": [0.78, 0.8578],
        "earlier protocol: C=0.125 news_weight=15": [0.7897, 0.8604],
        "earlier protocol: C=0.25 news_weight=25": [0.7907, 0.8598],
        "earlier protocol: C=0.125 news_weight=25": [0.7947, 0.8592],
        "earlier protocol: C=0.25 news_weight=40": [0.7862, 0.8602],
        "earlier protocol, weak labels: C=0.125 news_weight=10": [0.7418, 0.8379],
        "earlier protocol, weak labels: C=0.125 news_weight=15": [0.7688, 0.8567],
        "earlier protocol, weak labels: C=0.125 news_weight=25": [0.7828, 0.8624],
    },
    "chosen": "tfidf_word_svm_news_adapted (domain_scale 1, C=0.125), news weight 15, UN "
    "weight 0.3: the best escalation and macro-F1 that do not raise the calm items' false "
    "alarms (2026-12-07, model 2026.12.0; 2026.12.1 keeps the setting). Against model "
    "2026.11.1's setting: +0.006 escalation F1 and +0.036 macro-F1, most "
    "of it from the UN weight (tfidf_word_svm at 0.3: +0.004 and +0.028), and calm items above "
    "0.5 7.4% -> 4.9%, which is the design's (7.5% for tfidf_word_svm at 0.3); news weight 25 "
    "is within the seeds' noise. A copy of the "
    "features for the ConfliBERT sentences alone (a variant of the tool, not kept) scores "
    "higher but learns CAMEO's arrests-as-conflict: 17-20% of calm items above 0.5, and 21% of "
    "the annotated crime sample on the dev check. Also tried on one fold seed, not better: "
    "Snowball stemming (-0.006), static word vectors distilled from all-MiniLM-L6-v2 appended "
    "to the TF-IDF features (-0.005), the news-only copy for every row but the UN sentences at "
    "scale 3 (0.847 over three seeds); and, over three seeds, dropping the ConfliBERT training "
    "sentences whose own label gets an inner-CV probability below 0.05 or 0.15 (label noise): "
    "0.856 and 0.849. For model 2026.12.1, SATP's incident reports outside the news view as "
    "well scored +0.005 by CV, better on every fold seed (0.870, 0.852, 0.868 against 0.866, "
    "0.848, 0.861), but the dev quarter fell from 0.871 to 0.859 and its unrelated AG items "
    "above 0.5 rose from 0.53% to 0.61%; with the two estimates disagreeing, the setting was "
    "left as it was. Distillation from a fine-tuned encoder was tried for model 2026.12.1 "
    "(2026-12-07; scripts and logs in experiments/teacher_distillation/, not part of the "
    "package): "
    "all-MiniLM-L6-v2 with a mean-pooled linear QuadClass head, fine-tuned on the ConfliBERT "
    "training sentences (5 epochs, learning rate 4e-5, batch 16, settings fixed before any "
    "result), reaches escalation F1 0.939 by the same 5-fold CV (fold seed 0; 0.902-0.965 by "
    "fold) and 0.924 (macro-F1 0.900) on the dev quarter, far above every design here; but it "
    "needs torch and labelled the 13,734 archive items in 521 s on this 2-core machine (shared "
    "with other jobs: some 26 a second, against 5,000 a second per core), so it cannot serve. "
    "As a teacher, its labels of the unannotated archive items where no rule labels one and "
    "its top class has p >= 0.9 "
    "(1,551-2,053 items by fold) were added to the SVM's training, with a teacher per fold "
    "that never saw the fold: escalation F1 0.866 -> 0.870 at weight 1 and 0.864 at 0.5, "
    "macro-F1 0.813 -> 0.801, and held-out calm items above 0.5 0.045 -> 0.068 at weight 1; on "
    "the dev quarter 0.871 -> 0.889 (weight 1) and 0.886 (0.5), with disaster items above 0.5 "
    "3.4% -> 7.6% and 5.9%. CV finds no gain and the calm items worse, so it is not used: the "
    "teacher's knowledge (CAMEO's verbal conflict, rejections, accusations) does not pass "
    "through archive labels into a bag of word pairs. Labels of the archive split into 34,253 "
    "sentences (the teacher's own register) did no better: CV 0.866 -> 0.870 at weight 0.5 and "
    "0.872 at 1, held-out calm items above 0.5 0.045 -> 0.085 and 0.121. Also for model "
    "2026.12.1 (2026-12-07, session 8; the same CV over three fold seeds unless said): more "
    "capacity within the speed budget did not help. Word 1-3 grams (150,000 features) gave "
    "escalation F1 0.862 against 0.859 (0.871, 0.848, 0.867 by seed against 0.866, 0.848, "
    "0.861), macro-F1 0.801 against 0.804, calm items above 0.5 5.2% against 4.9%: noise, at "
    "a bigger vocabulary and a vectoriser fast_features.py does not cover. A one-hidden-layer "
    "network (scikit-learn's MLPClassifier, 64 units, on the same word TF-IDF, its own "
    "probabilities, fold seed 0) fell to 0.792 (macro-F1 0.700), and at 256 units one fit took "
    "over 10 minutes (stopped). Archive calm items weighed 1.5 kept escalation F1 (0.857; "
    "0.867, 0.846, 0.859 by seed) and brought held-out calm items above 0.5 from 4.9% to 3.4% "
    "(macro-F1 0.801), weight 2 to 2.6% at 0.853; on the dev quarter weight 1.5 gave 0.858 "
    "(from 0.871; macro-F1 0.832, unrelated AG items above 0.5 0.53% -> 0.44%), and of the "
    "annotated disaster items 3 rather than 4 above 0.5, of the crime items 3 rather than 4. "
    "Not shipped: the dev "
    "quarter, the second estimate, disagrees on F1, the headline target; it is the setting to "
    "take if fewer crime and disaster alerts matter more than that (`python -m "
    "classifiers.build_default --weight archive_calm=1.5`). The calibration map, by the "
    "same CV with the held-out sentences' "
    "escalation ECE beside it: sigmoid (shipped) 0.859 and ECE 0.111, isotonic 0.834 and "
    "0.114, temperature scaling 0.815 and 0.144 (its single temperature moves the five "
    "classes' balance the per-class sigmoids set). Scripts and logs: experiments/capacity/",
}
DESIGN_CHOICE = (
    "Shipped: tfidf_word_svm_news_adapted. It is tfidf_word_svm (word 1-2 gram TF-IDF, linear "
    "SVM, sigmoid calibration) fitted with feature augmentation: every row but the UN sentences "
    "gets a news-only copy of its features (classifiers.designs.NewsAdaptedSVC), and the two "
    "weight blocks are folded into one LinearSVC, so the artifact, its speed and its "
    "explanations are tfidf_word_svm's. It was chosen by cross-validation on the training part "
    "(the hyperparameter paragraph below), not on the dev quarter; the dev quarter was "
    "computed for seven candidate settings while exploring, and agrees with the CV ranking "
    "(ConfliBERT escalation F1 0.875 against 0.861 for tfidf_word_svm with the same weights, "
    "on model 2026.12.0's training data; the design table above is this model's, every "
    "word design with the negation scopes of model 2026.12.4, hashing_sgd without them). "
    "tfidf_word_char_svm has the higher dev macro-F1, but the 2026-11-25 CV did not confirm "
    "its advantage (escalation F1 0.844 against 0.855) and character n-grams cost ~4x the "
    "vectorising time (~2,000 articles/s against the 5,000/s target). Earlier searches on the "
    "2026.11.0 training mix (2026-11-25, about 65 configurations, one fold seed) stayed below "
    "0.88 too: a binary conflict-vs-rest head 0.82-0.845, LSA features fitted on the archive "
    "0.82-0.835, complement NB and its averages with the SVM 0.815-0.854, SVM + logistic "
    "regression averaged 0.853-0.858, self-training on confident archive items 0.843-0.873. "
    "The errors point at label noise in ConfliBERT (a ceasefire announcement and aid "
    "deliveries labelled material conflict) and at CAMEO's coding of police action as "
    "conflict. To ship another design: `python -m classifiers.build_default --design NAME`. "
    "Sharpening (model 2026.12.2, 2026-12-07, session 9): the five per-class sigmoid maps, "
    "normalised to sum to 1, squeezed every probability towards the middle; model 2026.12.1 "
    "on all held-out news: items scored 0.8-0.9 were escalation 100% of the time, 0.7-0.8 94%, "
    "0.1-0.2 0.5% (escalation ECE 0.081, de-escalation 0.125; ConfliBERT alone 0.104). The "
    "shipped design now raises its calibrated probabilities to 1/T and renormalises "
    "(classifiers.designs.SharpenedCalibratedClassifierCV), T = 0.52 fitted by log-loss on "
    "out-of-fold predictions of the training part, never on the dev split (0.508, 0.524, "
    "0.519 for fold seeds 0-2; experiments/calibration_sharpening/). On the dev split: "
    "escalation ECE 0.081 -> 0.017 on all held-out news and 0.104 -> 0.025 on ConfliBERT's "
    "sentences, de-escalation ECE 0.125 -> 0.023 (the calibration table); class rankings and "
    "macro-F1 unchanged; ConfliBERT escalation F1 0.871 -> 0.870 (escalation is a sum of two "
    "classes, so one sentence crossed 0.5); unrelated AG items above 0.5 0.53% -> 0.70% (6 -> "
    "8 of 1,140); annotated disaster and crime items unchanged. Signals keep the probabilities "
    "before sharpening (classifiers.scoring.Scorer): their floors were tuned on them, and "
    "scaled by the sharpened ones the held-out pool lost one armed_clash, three bombing and "
    "one mobilization hit. Brier score and log-loss improve (ConfliBERT 0.094 -> 0.080 and "
    "0.326 -> 0.269; all held-out news 0.027 -> 0.019 and 0.132 -> 0.069), most of it at the "
    "extremes; the cost is the middle: items scored 0.3-0.8 on all held-out news were right on "
    "average before (161 items, mean 0.57, 58% escalation) and are over-confident now (75 items, "
    "mean 0.57, 39%). By the CV protocol (T was fitted on those folds' predictions, so this "
    "flatters it a little): escalation F1 0.859 -> 0.866 (0.866, 0.848, 0.861 -> 0.871, "
    "0.859, 0.868 by seed), macro-F1 0.804 unchanged, held-out calm items above 0.5 4.9% -> "
    "6.0%. The other designs in the table are not sharpened. "
    "Cooperation weak labels (model 2026.12.3, 2026-12-07, session 10): the archive's weak "
    "labels were calm and conflict items only, and the model had learnt that a war's names "
    "mean escalation: 2026.12.2 scored 'Israel and Hamas agree a four-day truce and the "
    "release of hostages' 0.97 escalation, 47 of the archive's 60 truce-week headlines about "
    "a truce or freed captives at or above 0.5, and 11 of the 28 held-out annotated items "
    "that report only de-escalation (the de-escalation section below), so the backtest's "
    "November truce hardly showed. 2026.12.3 adds 706 archive items where a de-escalation "
    "pattern matches as a reported event and no escalation pattern matches at all (talks "
    "verbal_cooperation, the rest material_cooperation; classifiers/weak_labels.py; "
    "experiments/cooperation_weak_labels/): held-out de-escalation-only items at or above 0.5 "
    "11 -> 6 of 28, scored de-escalation at or above 0.5 11 -> 18; truce-week headlines 47 "
    "-> 3 of 60 (in-sample: the rule labels many of them). The cost: ConfliBERT dev "
    "escalation F1 0.870 -> 0.861 (macro-F1 0.831 -> 0.833); by CV escalation F1 0.866 -> "
    "0.862 and macro-F1 0.804 -> 0.781 (the cooperation classes of CAMEO's sentences are "
    "coded more finely than the rule), held-out calm items above 0.5 6.0% -> 5.6%; unrelated "
    "AG items above 0.5 8 -> 9 of 1,140; annotated disaster and crime items unchanged; the "
    "target signals unchanged (casualties one hit fewer, talks and war_rhetoric one false "
    "alarm more each). Relabelling agreed ceasefires verbal_cooperation (CAMEO's 'sign "
    "formal agreement') gave ConfliBERT dev 0.864 and was not measured by CV in time. The "
    "temperature still fits: fitted again by out-of-fold log-loss on 2026.12.3's training "
    "data (fold seeds 0 and 1), it needs a further factor of 1.014 and 1.031 (T 0.53-0.54, "
    "log-loss 0.3853 and 0.3958 unchanged to the third decimal), so 0.52 is kept. "
    "Negation scopes (model 2026.12.4, 2026-12-07, session 11): a bag of word pairs adds up "
    "'talks', 'peace' and 'ceasefire', its strongest cooperation weights, whatever governs "
    "them, so 2026.12.3 scored 'Russia rules out peace talks with Ukraine' 0.97 "
    "de-escalation and 'Israel rejects calls for a ceasefire in Gaza' 0.65, where CAMEO codes "
    "a rejection as verbal conflict. The word vectorizer now reads the text with the words in "
    "the scope of a negation, refusal, denial or stopping verb marked ('rules out not-peace "
    "not-talks'; up to four content words, ending at punctuation or a clause word; "
    "classifiers/word_preprocessing.py, the same preprocessor at training and scoring, "
    "stored in the artifact as a trusted function). By the CV above, against a control with "
    "the same weak labels: escalation F1 0.8625 -> 0.874, better on every fold seed (0.869, "
    "0.852, 0.867 -> 0.876, 0.867, 0.879), macro-F1 0.781 -> 0.794, held-out calm items above "
    "0.5 5.7% -> 5.8%; on the dev quarter, against 2026.12.3: ConfliBERT escalation F1 0.861 "
    "-> 0.880, macro-F1 0.833 -> 0.857, unrelated AG items above 0.5 9 -> 8 of 1,140, "
    "annotated disaster items 4 -> 3 of 118 and crime items 4 -> 3 of 61, held-out "
    "de-escalation-only items scored escalation at or above 0.5 6 -> 7 of 28. Seven variants "
    "were compared by CV only (scope 2, 4 or 6 words: 0.867-0.869; refusal cues without "
    "plain negation 0.864; with stopping verbs 0.871; experiments/refusal_scope/); the dev "
    "quarter was read for four builds of the module (0.873, 0.876, 0.880 shipped, and 0.877 "
    "for scopes ending at 'in' or 'with', which would keep place names out of explanations "
    "but scored lower by CV too, 0.872), each after its CV. The signals' own negation cues "
    "gained 'refuses', 'rules out' and the stopping verbs "
    "'suspends', 'calls off', 'breaks off', 'walks out of', 'pulls out of' ('halt' was left "
    "out: 'calls to halt the bombardment' report one going on): two bombing false alarms "
    "fewer on the held-out samples, no hit lost on any annotated batch. "
    "Headline copies (model 2026.12.5, 2026-12-07, session 11): some feeds send headlines "
    "without summaries, and 2026.12.4 read 59 of 68 held-out annotated archive items that "
    "report an armed event as escalation from the headline alone, against 67 from headline "
    "and summary (the headlines section below). Every weak conflict and cooperation item of "
    "the archive now also gives a copy of its headline alone with the same label (at least "
    "four words, none that repeats a held-out item's text or headline; "
    "classifiers/weak_labels.py): 1,621 copies. By CV against 2026.12.4: escalation F1 0.874 "
    "-> 0.879 (0.876, 0.867, 0.879 -> 0.875, 0.868, 0.895 by fold seed: within the seeds' "
    "noise), macro-F1 0.794 -> 0.796, held-out calm items above 0.5 5.8% -> 5.2%. On the dev "
    "quarter: ConfliBERT escalation F1 0.880 -> 0.894 (macro-F1 0.857 both), unrelated AG "
    "items above 0.5 8 -> 7 of 1,140; held-out armed events from the headline alone 59 -> 61 "
    "of 68, from headline and summary 67 -> 66; annotated disaster items 3 -> 4 of 118 and "
    "crime items 3 -> 4 of 61 (2026.12.3's figures); held-out de-escalation-only items "
    "unchanged (7 and 18 of 28); the pooled signals: one armed_clash false alarm more "
    "(P 0.58 -> 0.57), casualties three false alarms more and one hit fewer, bombing one hit "
    "fewer. Copying the calm items' "
    "headlines too was tried (experiments/headline_copies/: dev 0.896, but macro-F1 by CV "
    "0.789, and the CV's calm figure is then not honest, the held-out calm items' headlines "
    "being in training) and not shipped. Rounds 11 and 12 (model 2026.12.6, 2026-12-07, "
    "session 12): no change of design; the weak labels follow the round-11 and round-12 "
    "patterns and leave out the 678 items annotated for those rounds, the archive's most "
    "conflict-dense unread items, so the weak conflict items fall from 930 to 759 and their "
    "headline copies from 1,621 to 1,437 (the pattern changes alone move them by two). By "
    "CV escalation F1 0.879 -> 0.875 (0.875, 0.868, 0.895 -> 0.871, 0.866, 0.889 by fold seed; "
    "within the seeds' noise, but every seed lower), macro-F1 0.796 -> 0.794, held-out calm "
    "items above 0.5 5.2% -> 5.35%. On the dev quarter: ConfliBERT escalation F1 0.894 both "
    "(macro-F1 0.857 -> 0.855), all held-out news 0.951 both, unrelated AG items above 0.5 7 "
    "of 1,140 both, annotated disaster items 4 -> 3 of 118 and crime items 4 -> 5 of 61. The "
    "headline and de-escalation sections now count every annotated item (the model trained on "
    "none of them): renaming rounds 9-11's batches tuning would have left 8 de-escalation-only "
    "items. On the 612 annotated event items that none of 2026.12.4-2026.12.6 trained on, "
    "from the headline alone 521, 535 and 529, from headline and summary 577, 578 and 573; on "
    "the 101 such de-escalation-only items, scored escalation at or above 0.5 20, 18 and 19. "
    "Rounds 13-16 (model 2026.12.7, 2026-12-08, session 13): no change of design; the weak "
    "labels follow the round-16 patterns and leave out the 1,098 items annotated for those "
    "rounds, so the weak conflict items fall from 759 to 438 and their headline copies from "
    "1,437 to 1,070. By CV escalation F1 0.875 -> 0.881 (0.880, 0.869, 0.892 by fold seed: "
    "within the seeds' noise), macro-F1 0.794 -> 0.797, held-out calm items above 0.5 5.35% "
    "-> 6.2%. On the dev quarter: ConfliBERT escalation F1 0.894 -> 0.889 (0.85-0.92), "
    "macro-F1 0.855 -> 0.862, all held-out news 0.951 -> 0.9485, unrelated AG items above 0.5 "
    "7 of 1,140 both, annotated disaster items 3 -> 5 of 118, crime items 5 -> 4 of 61. The "
    "headline and de-escalation sections count the 331 event and 29 de-escalation items of "
    "rounds 13-16 too; on all 1,201 event items a model with the round-12 patterns trained "
    "on the same rows reads 983 headlines alone and 1,091 with the summary, 2026.12.7 992 and "
    "1,097."
)
# Each batch was measured once while still unseen, then used for the next round of pattern
# fixes; only the last one (the `heldout` batch) is unseen by the shipped patterns. Kept here
# because the spread between rounds is the honest error bar of these small samples.
HELDOUT_HISTORY = [
    "round 1 (batch tuning_round2_conflict_enriched, 100 items, first patterns, first model): "
    "airstrike P 0.89 R 0.74 (23), shelling P 0.57 R 0.67 (6), armed_clash P 0.75 R 0.50 (12)",
    "round 2 (batch tuning_round3_conflict_enriched, 110 items, second patterns): "
    "airstrike P 0.95 R 0.76 (25), shelling P 0.71 R 0.83 (6), armed_clash P 0.56 R 0.82 (11)",
    "round 3 (batch tuning_round4_conflict_enriched, then named heldout_conflict_enriched, 120 "
    "items, round-3 patterns): airstrike P 0.81 R 0.81 (31), shelling P 0.50 R 1.00 (2), "
    "armed_clash P 0.53 R 0.64 (14), cross_border_attack P 0.00 R 0.00 (13)",
    "round 4 (batch tuning_round5_stratified, then named heldout_round4_stratified, 320 "
    "stratified items, labelled by a second engineer before the round-4 patterns were "
    "written; the same engineer then wrote them, having read these texts): round-3 patterns "
    "airstrike P 0.83 R 0.80 (44), shelling P 0.83 R 0.60 (40), armed_clash P 0.54 R 0.41 "
    "(32), cross_border_attack P 0.33 R 0.05 (20); round-4 patterns airstrike P 0.84 R 0.82, "
    "shelling P 0.84 R 0.80, armed_clash P 0.87 R 0.63, cross_border_attack P 0.86 R 0.60",
    "round 5 (batch tuning_round6_stratified, then named heldout_round5_stratified, 292 "
    "stratified items never read during round-4 tuning, labelled and committed before the "
    "round-5 patterns): round-5 patterns airstrike P 0.92 R 0.77 (31), shelling P 0.84 R 0.70 "
    "(23), armed_clash P 0.64 R 0.45 (20), cross_border_attack P 0.75 R 0.38 (8); round-3 "
    "patterns on the same batch: airstrike P 0.89 R 0.77, shelling P 0.81 R 0.57, armed_clash "
    "P 0.43 R 0.50, cross_border_attack P 0.00 R 0.00",
    "round 6 (batches tuning_round7_stratified, 250 stratified items, and "
    "tuning_round7_shelling, 80 items of the shelling stratum, then named heldout_round6_*; "
    "two independent annotators and adjudication): round-6 patterns on the stratified batch "
    "airstrike P 1.00 R 0.68 (25), armed_clash P 0.83 R 0.86 (22), cross_border_attack P 0.67 "
    "R 0.50 (8), on the shelling batch shelling P 0.81 R 0.93 (42), airstrike P 0.74 R 0.93 "
    "(15), armed_clash P 0.63 R 0.50 (10), cross_border_attack P 0.86 R 0.60 (20); round-5 "
    "patterns on the stratified batch: airstrike P 1.00 R 0.64, armed_clash P 0.80 R 0.73, "
    "cross_border_attack P 0.67 R 0.50",
    "round 7 (batch tuning_round9_from_round7, then named heldout_round7_stratified, 290 "
    "stratified items, two independent annotators and adjudication): round-7 patterns "
    "airstrike P 1.00 R 0.77 (31), armed_clash P 0.76 R 0.62 (26), cross_border_attack P 0.83 "
    "R 0.63 (8); the round-6 patterns on the same batch "
    "give airstrike P 1.00 R 0.74 (31), armed_clash P 0.76 R 0.62 (26), cross_border_attack "
    "P 0.86 R 0.75 (8), and so do the round-5 patterns: the round-7 changes added one air "
    "strike and lost one cross-border attack on unseen news. After this measurement, from the "
    "tuning batches only, war_rhetoric was narrowed (only threat cues turn a hypothetical "
    "event into rhetoric, and bare threats count only in news about a war or armed forces): "
    "tuning precision 0.19 -> 0.42 at recall 0.47; on round 7 it predicts 7 items instead of "
    "12 (2 in the batch, neither found before or after); no target signal changed",
    "round 8 (batch tuning_round9_from_round8, then named heldout_round8_stratified, 260 "
    "stratified items, annotated like round 7; a second look at the unchanged round-7 "
    "patterns): airstrike P 1.00 R 0.80 (35), armed_clash P 0.55 R 0.58 (19), "
    "cross_border_attack P 0.82 R 0.56 (16); rounds 7 and 8 together airstrike P 1.00 R 0.79 "
    "(66), armed_clash P 0.66 R 0.60 (45), cross_border_attack P 0.82 R 0.58 (24)",
    "round 9 (batch heldout_round9_stratified, the tables above: 300 stratified items, seed "
    "2034, air 100, fighting 100, border 60, hard negatives 30, other 10; two independent "
    "annotators, kappa airstrike 0.99, armed_clash 0.97, cross_border_attack 0.96, 7 items "
    "adjudicated; committed before the round-9 pattern writer, who read rounds 7 and 8, was "
    "done, and never shown to them): the round-7 patterns with model 2026.11.0 give airstrike "
    "P 0.94 R 0.74 (39), armed_clash P 0.60 R 0.57 (21), cross_border_attack P 0.60 R 0.23 "
    "(13), casualties P 0.70 R 0.73 (52); the round-9 patterns with the same model add one air "
    "strike (R 0.77) and change nothing else; model 2026.11.1 (the tables) lifts casualties "
    "from P 0.70 R 0.73 to P 0.80 R 0.83 and drops one armed_clash false alarm (P 0.63); model "
    "2026.12.0 lifts casualties precision to 0.86 and adds one armed_clash false alarm back "
    "(P 0.60); the round-10 patterns and model 2026.12.1 (the tables) drop that false alarm "
    "again (P 0.63) and change nothing else",
    "round 10 (batch heldout_agnews_2004, the AG News World table: 300 rows of 2004 wire news "
    "drawn in the same strata, seed 2036; two independent annotators, kappa airstrike 1.00, "
    "shelling 1.00, armed_clash 0.85, 17 items adjudicated; committed before anything was run "
    "on it and never read by the round-10 pattern writer): the round-9 patterns with model "
    "2026.12.0 give airstrike P 0.90 R 0.75 (12), shelling P 0.92 R 0.92 (12), armed_clash P "
    "0.52 R 0.46 (24), cross_border_attack P 0.67 R 0.33 (6), casualties P 0.90 R 0.72 (64); "
    "the round-10 patterns with model 2026.12.1 (the table) add two armed_clash hits (P 0.57 "
    "R 0.54, no new false alarm) and change nothing else; model 2026.12.2 (the tables) changes "
    "no signal on any batch: signals are scaled by the probabilities before its sharpening; "
    "model 2026.12.3 (the tables; trained with the archive's cooperation weak labels) changes "
    "no target signal: casualties loses one AG News hit, talks and war_rhetoric gain one false "
    "alarm each; model 2026.12.4 (negation scopes in the word features; refusal and stopping "
    "cues in the signals' negation) changes no target signal: bombing loses two false alarms "
    "(one archive item, one AG News row), casualties gains one AG News hit; model 2026.12.5 "
    "(headline copies) adds one armed_clash false alarm on round 9 (P 0.63 -> 0.60) and three "
    "casualties false alarms there (P 0.86 -> 0.81), and loses one bombing and one casualties "
    "hit on AG News; the round-11 patterns were written on these two batches (renamed "
    "tuning_round11_from_round9 and tuning_agnews_2004_from_heldout)",
    "round 11 (418 items, two independent annotators per batch, 16 and 14 items adjudicated, "
    "committed before anything was run on them; every model measured here was rebuilt without "
    "them): heldout_round11_fresh (156 archive items, the unread pool's every air- or "
    "fighting-word item: `--require air_words,fighting_words`, seed 2040), "
    "heldout_round11_shelling (79 shelling-word items from the round-5 exclusion list, seed "
    "2041) and heldout_agnews_2004_round11 (183 AG World rows with air or fighting words, "
    "seed 2042); kappa airstrike 0.93-1.00, shelling 0.99-1.00, armed_clash 0.91-0.93. Pooled, "
    "the round-10 patterns give airstrike P 0.83 R 0.78 (37), shelling P 0.88 R 0.84 (44), "
    "armed_clash P 0.79 R 0.74 (65), cross_border_attack P 0.73 R 0.40 (40); the round-11 "
    "patterns airstrike P 0.83 R 0.81, shelling P 0.89 R 0.89, armed_clash P 0.80 R 0.74, "
    "cross_border_attack unchanged. By batch (round-11 patterns): fresh airstrike P 0.95 R "
    "0.80 (25), armed_clash P 0.61 R 0.70 (20); shelling batch shelling P 0.88 R 0.88 (42), "
    "airstrike P 0.60 R 0.86 (7: missiles read as air strikes), armed_clash P 1.00 R 0.62 (8); "
    "AG airstrike P 0.80 R 0.80 (5), shelling 2 of 2, armed_clash P 0.91 R 0.78 (37). The "
    "round-12 patterns were written on these batches (renamed tuning_round12_from_round11_* "
    "and tuning_agnews_2004_from_round11)",
    "round 12 (batch tuning_round13_from_round12, then named heldout_round12_from_round5_list: "
    "260 items of the round-5 exclusion list with air or fighting words, seed 2043, air 100, "
    "fighting 100, "
    "border 60; two independent annotators, kappa airstrike 0.99, armed_clash 0.94, "
    "cross_border_attack 0.92, 9 items adjudicated; committed before anything was run on it): "
    "the round-11 and the round-12 patterns give the same figures, airstrike P 0.95 R 0.71 "
    "(49), armed_clash P 0.68 R 0.59 (29), cross_border_attack P 0.74 R 0.67 (21), casualties "
    "P 0.89 R 0.71 (45), no shelling item; the round-13 patterns were written on it",
    "rounds 13-16 (2026-12-08, session 13; experiments/signal_rounds_13_15/): four batches "
    "of the round-5 exclusion list's air and fighting items (seeds 2045, 2046, 2047, 2049), "
    "each annotated by two independent annotators (12-21 items adjudicated; kappa airstrike "
    "0.94-0.98, armed_clash 0.92-1.00, cross_border_attack 0.79-0.94), committed before "
    "anything was run on it, measured with the previous round's patterns and with the "
    "patterns written on the batch before it (both models rebuilt without it), then used for "
    "the next round's patterns (renamed tuning_round14_from_round13 ... and the current "
    "heldout_round16_from_round5_list). First measurements (the patterns written before "
    "the batch was read): round 13 (260 items) airstrike P 0.98 R 0.92 (53), armed_clash P "
    "0.73 R 0.76 (29; 0.72 and 0.72 with the round-12 patterns), cross_border_attack P 0.81 "
    "R 0.62 (21), casualties P 0.78 R 0.82 (38); round 14 (300) airstrike P 0.98 R 0.87 (52), "
    "armed_clash P 0.50 R 0.68 (28), cross_border_attack P 0.90 R 0.70 (27), shelling 1 of "
    "2, casualties P 0.82 R 0.82 (50), the round-13 patterns giving the same; round 15 (268) "
    "airstrike P 0.94 R 0.84 (37), armed_clash P 0.63 R 0.49 (35), cross_border_attack P "
    "0.71 R 0.50 (10), casualties P 0.90 R 0.73 (49), the round-14 patterns the same; round "
    "16 (270, the tables above) airstrike P 0.94 R 0.84 (38; R 0.82 with the round-15 "
    "patterns), armed_clash P 0.68 R 0.61 (28), cross_border_attack P 1.00 R 0.42 (12), "
    "casualties P 0.93 R 0.77 (35), no shelling item",
]
UNRELATED_METHOD = (
    "300 archive items (`python -m classifiers.unrelated_news --seed 2035`, 150 with a disaster "
    "word, 150 with a crime word) given a topic "
    "(disaster, crime, conflict, other) by two independent annotators (kappa 0.97, 6 items "
    "adjudicated), committed before any model was measured on them: "
    "classifiers/annotations/unrelated_sample.jsonl. The share of the items plainly about a "
    "disaster or about crime that score at or above the escalation alert threshold (the "
    "target for unrelated news is < 2%; model 2026.11.0, trained without the archive's weak "
    "labels, put 32 of the 118 disaster items and 26 of the 61 crime items there). None of "
    "these items, nor any copy of one, is among the archive's weakly labelled training items."
)
PERFORMANCE = [
    "Model 2026.12.7 with the round-16 patterns, two runs, 2026-12-08, session 13, no other "
    "job on the machine: batch 9,637-9,954 articles/s, bare 12,168-12,583/s, 1.26x both; one "
    "at a time 473-586/s; load 0.23-0.39 s, gazetteer 0.26-0.42 s, first score 2.3-2.9 s; RSS "
    "169-170 MB loaded (+22-23 MB). Four more runs that day, alternating with model 2026.12.6 "
    "and its round-12 patterns run from a checkout of its commit (PYTHONPATH=CHECKOUT "
    "bench/bench_scoring.py --data ../shared/data): 2026.12.7 9,372-10,125 articles/s, "
    "1.22-1.30x, its pattern stage 0.328-0.341 s; 2026.12.6 10,058-10,265/s, 1.19-1.22x, "
    "pattern stage 0.320-0.326 s (0.264 s in session 12: the machine is slower that day). "
    "The round-13 to 16 patterns cost 0.01-0.02 s per 10,000 texts, 3-6% of the pattern "
    "stage, and bring the ratio from about 1.2x to about 1.26x, one run at the 1.3x target.",
    "Model 2026.12.6 with the round-12 patterns, three runs, 2026-12-07, session 12, no other "
    "job on the machine: batch 9,918-11,112 articles/s, bare 11,656-13,332/s, 1.18-1.20x; one "
    "at a time 430-656/s; load 0.20-0.24 s, gazetteer 0.33-0.54 s, first score 2.6-3.3 s "
    "(compiling the signal regexes: 3.1-3.3 s with the round-10 or the round-12 patterns "
    "measured alone today, so the machine, not the patterns, is slower than in session 11; a "
    "fourth warm-up text compiles the armed-actors rescan regex at start); RSS 172-173 MB "
    "loaded (+22 MB). The round-12 patterns scan 10,000 "
    "archive texts in 0.264 s against the round-10 patterns' 0.251 s (best of 9, same run). "
    "2026.12.5 measured between those runs: 9,462/s, 1.30x: the machine's noise is that wide.",
    "Model 2026.12.5: the same design, preprocessor and vocabulary size as 2026.12.4 (trained "
    "on more rows), so the same speed; the figures below are 2026.12.4's and older.",
    "Model 2026.12.4 (negation scopes: its preprocessor runs in the bare pipeline and in the "
    "Scorer alike, 0.16 s per 10,000 texts, so word features take 0.41 s instead of 0.30 s), "
    "one run, 2026-12-07, session 11, no other job on the machine: batch 11,626 articles/s, "
    "bare 14,642/s, 1.26x; model 2026.12.3 measured minutes later on the same machine: 13,518/s, "
    "bare 16,698/s, 1.24x; one at a time 755/s; load 0.20 s, gazetteer 0.28 s, first score "
    "1.39 s; RSS 173 MB loaded (+21 MB).",
    "Model 2026.12.3 (the same design and size), one run, 2026-12-07, session 10, with other "
    "jobs on the machine: batch 11,585 articles/s, bare 12,789/s, 1.10x; one at a time 479/s; "
    "load 0.28 s, gazetteer 0.36 s, first score 1.58 s; RSS 169 MB loaded (+22 MB).",
    "Model 2026.12.2 (sharpened; its classifier step costs the same), one run, 2026-12-07, "
    "session 9: batch 13,032 articles/s, bare 14,563/s, 1.12x; one at a time 700/s; load "
    "0.31 s, gazetteer 0.40 s, first score 1.66 s; RSS 170 MB loaded (+23 MB). The figures "
    "below are model 2026.12.1's.",
    "",
    "`.venv/bin/python bench/bench_scoring.py --repeat 7`, 10,000 archive items (mean 325 "
    "characters), BLAS pinned to one thread, shared 2-core machine, 2026-12-07 (model "
    "2026.12.1), three runs; the bare pipeline and the Scorer are timed in alternation and each "
    "figure is the best of 7 runs (the machine's speed varies between days: 2026.11.1 measured "
    "9,770-11,370/s bare on 2026-11-25, so compare the ratios, not the rates):",
    "",
    "- batch: 13,240-13,840 articles/s; bare `Pipeline.predict_proba` on the same texts "
    "15,200-18,170/s: 1.15-1.31x (target < 1.3x: met in two runs of three, at the line in the "
    "third). The Scorer's own time is steady (0.72-0.76 s); the bare pipeline's moves with the "
    "process (0.55-0.66 s; 0.57-0.60 s over PYTHONHASHSEED 0-3 in one check, ratio "
    "1.18-1.27), so the ratio does too. Where the time goes: word TF-IDF 0.28 s "
    "(classifiers/fast_features.py builds scikit-learn's matrix bit for bit, ~2x faster), "
    "signal patterns 0.23 s (one regex scan, negation and modality checks, and the ~3% of rows "
    "rescanned without the patterns whose context failed there), countries 0.07 s, "
    "explanations, Score objects and garbage collection 0.12-0.15 s (collection alone 0.04 s: "
    "gc.freeze() after loading did not help)",
    "- one at a time: 811 articles/s, 0.86x a bare per-item predict_proba (the fast "
    "vectoriser skips scikit-learn's per-call overhead)",
    "- load 0.20-0.22 s, gazetteer 0.23-0.27 s on first use, first score 1.2-1.3 s (compiles the "
    "signal regex, ~1,200 phrase alternatives, and the gazetteer trie; the service pays it at "
    "start with the rescan regexes for the three commonest failed contexts, see "
    "classifiers.signals.WARM_UP_TEXTS; a rarer one costs ~0.5-0.8 s the first time a process "
    "meets it); RSS 168 MB with the model loaded (+21 MB over the interpreter with "
    "numpy/scipy/sklearn imported)",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=_REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--version", default=DEFAULT_MODEL_VERSION)
    parser.add_argument("--out", type=Path, default=default_model_path().parent)
    parser.add_argument("--no-compare", action="store_true", help="fit only the chosen design")
    parser.add_argument("--design", choices=sorted(DESIGNS), default=DEFAULT_DESIGN)
    parser.add_argument("--weight", type=parse_assignment, action="append", default=[],
                        metavar="SOURCE=W",
                        help="sample weight of a training source, e.g. archive_calm=1.5 "
                        "(repeatable; the card records the weights)")
    parser.add_argument("--refresh-card", action="store_true",
                        help="no training: re-measure the saved model's signals, rewrite its card")
    args = parser.parse_args(argv)
    if not (args.data / "corpora").is_dir():
        print(f"error: {args.data}/corpora not found (pass --data)", file=sys.stderr)
        return 2
    started = time.monotonic()

    def progress(stage: str, fraction: float) -> None:
        print(f"[{time.monotonic() - started:6.1f}s {fraction:4.0%}] {stage}", flush=True)

    if args.refresh_card and args.weight:
        parser.error("--weight changes training; --refresh-card does not train")
    if args.refresh_card:
        path = args.out / f"{ARTIFACT_PREFIX}{args.version}.skops"
        try:
            refresh_card(path, args.data)
        except StaleHeldOut as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(f"refreshed {card_path(path)} and MODEL_CARD.md (model unchanged)")
        return 0
    compare = () if args.no_compare else tuple(DESIGNS)
    try:
        model, card = train(args.data, seed=args.seed, progress=progress, design=args.design,
                            compare_with=compare, weights=dict(args.weight))
    except ValueError as error:  # a --weight for a source with no rows
        print(f"error: --weight: {error}", file=sys.stderr)
        return 2
    path, digest = save_model(model, args.out, version=args.version, card=card)
    scorer = load_model(path)
    progress("measuring signals and disaster and crime news", 1.0)
    _document(card, scorer, args.data, design=args.design)
    path, digest = save_model(model, args.out, version=args.version, card=card)
    scorer = load_model(path)
    (args.out / "MODEL_CARD.md").write_text(render_model_card(scorer.card))
    print(f"saved {path} sha256={digest} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


def _document(card: dict[str, object], scorer: Scorer, data_dir: Path, *, design: str) -> None:
    """The card's measured and written parts that do not come from training."""
    classifier = scorer.pipeline.named_steps["classifier"]
    card["temperature"] = float(getattr(classifier, "temperature", 1.0))
    card["signal_sample"] = signal_sample_metrics(scorer, data_dir)
    card["capture_sample"] = capture_signal_metrics(scorer, data_dir)
    card["agnews_sample"] = agnews_signal_metrics(scorer, data_dir)
    card["heldout_pooled"] = pooled_heldout_signals(card)
    card.pop("archive_disasters", None)  # the keyword-picked measure it replaces
    card["unrelated_news"] = unrelated_share(scorer, data_dir)
    card["unrelated_news_method"] = UNRELATED_METHOD
    card["deescalation_news"] = deescalation_share(scorer, data_dir)
    card["headline_news"] = headline_share(scorer, data_dir)
    caveat = setting_caveat(design, card.get("sample_weights"))
    card["notes"] = LIMITATIONS if caveat is None else [caveat, *LIMITATIONS]
    card["hyperparameter_search"] = HYPERPARAMETER_SEARCH
    card["signal_heldout_history"] = HELDOUT_HISTORY
    if design == DEFAULT_DESIGN:
        card["design_choice"] = DESIGN_CHOICE
    card["performance"] = PERFORMANCE


def setting_caveat(design: str, weights: object) -> str | None:
    """None for the shipped setting; otherwise a first note saying that the hand-written notes
    below describe the shipped model and quote its figures, not this one's (an operator who
    builds with --design or --weight must not read the shipped model's figures as theirs)."""
    shipped = source_weights()
    if design == DEFAULT_DESIGN and weights == shipped:
        return None
    return (f"This model was built with design {design} and sample weights "
            f"{json.dumps(weights, sort_keys=True)}, not the shipped setting (design "
            f"{DEFAULT_DESIGN}, sample weights {json.dumps(shipped, sort_keys=True)}). The notes "
            f"below were written for the shipped model {DEFAULT_MODEL_VERSION} and quote its "
            "figures; this model's own figures are the tables above.")


class StaleHeldOut(ValueError):
    """The annotation files gained items the saved model may have trained on."""


def refresh_card(model_path: Path, data_dir: Path) -> None:
    """Re-measure signals (patterns change without retraining) and the held-out news figures
    (on the split the model never saw: newer code may report more, such as intervals), and
    rewrite the card json and MODEL_CARD.md next to the artifact. The artifact and its sha256
    are untouched. Refused when items were annotated after the model was trained on the
    archive's weak labels."""
    scorer = load_model(model_path)
    card = dict(scorer.card)
    if (reason := stale_held_out(card)) is not None:
        raise StaleHeldOut(reason)
    # Here, not in _document: a build's training has just measured them.
    _, dev = split_news_dev(load_corpora(data_dir), seed=int(str(card.get("seed", 0))))
    card["dev_metrics"] = dev_metrics(scorer.pipeline, dev)
    _document(card, scorer, data_dir, design=str(card.get("design", DEFAULT_DESIGN)))
    card_path(model_path).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    (model_path.parent / "MODEL_CARD.md").write_text(render_model_card(load_model(model_path).card))


if __name__ == "__main__":
    raise SystemExit(main())
