"""A faster, exact re-implementation of a fitted word TF-IDF `transform` (designs.word_features).

Why: scikit-learn's `TfidfVectorizer.transform` spends most of its time in Python, one feature
at a time: it strips accents character by character whenever a text has any non-ASCII
character (news has curly quotes everywhere), builds a string for every bigram and counts
features in a dict. Scoring used to spend as long on that as on everything else together.

Here, per text, only the preprocessing (classifiers.word_preprocessing) and the tokenizer run in
Python; tokens become word ids with one C-level dict lookup each, and unigram and bigram
columns, counts and TF-IDF weights are computed with numpy over the whole batch. The result
is the same matrix, bit for bit (same sorted indices, same float operations in the same
order; tests/unit/classifiers/test_fast_paths.py compares them on the archive), so
probabilities and explanations do not change.

Only the configuration designs.word_features builds is accepted (`supports`); anything else
(another token pattern, stop words, character n-grams, several feature blocks) goes through
scikit-learn unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize

from classifiers.word_preprocessing import WORD_TOKEN_PATTERN, preprocess, strip_accents

# The vectorizer settings this module reproduces; other values fall back to scikit-learn.
_REQUIRED = {
    "analyzer": "word",
    "binary": False,
    "input": "content",
    "lowercase": True,
    "ngram_range": (1, 2),
    "norm": "l2",
    "stop_words": None,
    "strip_accents": "unicode",
    "token_pattern": WORD_TOKEN_PATTERN,  # tokens never contain a space: bigram = 2 tokens
    "tokenizer": None,
    "use_idf": True,
}


def _lower_without_accents(text: str) -> str:
    """What the vectorizer does before tokenizing when it has no preprocessor of its own."""
    return strip_accents(text.lower())


def supports(features: object) -> bool:
    """Whether `features` (a pipeline's `features` step) is one fitted word TF-IDF block
    configured as designs.word_features makes it."""
    if not isinstance(features, FeatureUnion) or features.transformer_weights is not None:
        return False
    if len(features.transformer_list) != 1:
        return False
    vectorizer = features.transformer_list[0][1]
    if type(vectorizer) is not TfidfVectorizer or not hasattr(vectorizer, "vocabulary_"):
        return False
    params = vectorizer.get_params()
    if np.dtype(params["dtype"]) != np.float64:
        return False
    if params["preprocessor"] not in (None, preprocess):
        return False
    return all(params[name] == value for name, value in _REQUIRED.items())


class WordTfidf:
    """`transform(texts)` equal to the fitted FeatureUnion's `transform(texts)`."""

    def __init__(self, features: FeatureUnion) -> None:
        if not supports(features):
            raise ValueError("not a word TF-IDF feature union this module reproduces")
        vectorizer: TfidfVectorizer = features.transformer_list[0][1]
        vocabulary: dict[str, int] = vectorizer.vocabulary_
        self._tokenize = vectorizer.build_tokenizer()
        self._preprocess = vectorizer.preprocessor or _lower_without_accents
        self._sublinear = bool(vectorizer.sublinear_tf)
        self._idf: NDArray[np.float64] = np.asarray(vectorizer.idf_, dtype=np.float64)
        self._width = len(vocabulary)
        # Every word of every vocabulary term gets an id; a bigram is then a pair of ids.
        words: dict[str, int] = {}
        for term in vocabulary:
            for word in term.split(" "):
                words.setdefault(word, len(words))
        self._words = words
        self._word_count = max(len(words), 1)
        # Unigram column per word id; the extra last slot (-1, an unknown token) maps to -1.
        self._unigram = np.full(len(words) + 1, -1, dtype=np.int64)
        pair_keys, pair_columns = [], []
        for term, column in vocabulary.items():
            parts = term.split(" ")
            if len(parts) == 1:
                self._unigram[words[term]] = column
            else:
                pair_keys.append(words[parts[0]] * self._word_count + words[parts[1]])
                pair_columns.append(column)
        order = np.argsort(np.asarray(pair_keys, dtype=np.int64), kind="stable")
        self._pair_keys = np.asarray(pair_keys, dtype=np.int64)[order]
        self._pair_columns = np.asarray(pair_columns, dtype=np.int64)[order]

    def counts(self, texts: Sequence[str]) -> sp.csr_array:
        """Term counts (float64, sorted column indices), like CountVectorizer.transform."""
        tokenize, preprocess_text = self._tokenize, self._preprocess
        tokens: list[str] = []
        lengths: list[int] = []
        for text in texts:
            found = tokenize(preprocess_text(text))
            tokens += found
            lengths.append(len(found))
        n_texts = len(texts)
        ids = np.fromiter(map(self._words.get, tokens, repeat(-1)), np.int64, len(tokens))
        row = np.repeat(np.arange(n_texts, dtype=np.int64), lengths)
        unigram = self._unigram[ids]
        # Bigrams: neighbouring tokens of one text, both words known to the vocabulary.
        first, second, pair_row = ids[:-1], ids[1:], row[:-1]
        valid = (pair_row == row[1:]) & (first >= 0) & (second >= 0)
        keys = first[valid] * self._word_count + second[valid]
        slot = np.searchsorted(self._pair_keys, keys)
        slot[slot == len(self._pair_keys)] = 0
        if len(self._pair_keys):
            hit = self._pair_keys[slot] == keys
        else:
            hit = np.zeros(len(keys), dtype=bool)
        known = unigram >= 0
        rows = np.concatenate([row[known], pair_row[valid][hit]])
        columns = np.concatenate([unigram[known], self._pair_columns[slot[hit]]])
        cells = rows * self._width + columns
        cells.sort()
        first_of_run = np.flatnonzero(np.diff(cells, prepend=-1))
        unique = cells[first_of_run]
        counts = np.diff(first_of_run, append=len(cells)).astype(np.float64)
        per_row = np.bincount(unique // self._width, minlength=n_texts)
        indptr = np.concatenate([[0], np.cumsum(per_row)]).astype(np.int32)
        indices = (unique % self._width).astype(np.int32)
        return sp.csr_array((counts, indices, indptr), shape=(n_texts, self._width))

    def transform(self, texts: Sequence[str]) -> sp.csr_array:
        """TF-IDF rows, the operations of TfidfTransformer.transform in its order."""
        matrix = self.counts(texts)
        if self._sublinear:
            np.log(matrix.data, matrix.data)
            matrix.data += 1.0
        matrix.data *= self._idf[matrix.indices]
        normalized: sp.csr_array = normalize(matrix, norm="l2", copy=False)
        return normalized
