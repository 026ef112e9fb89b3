"""anansi-hash-ngrams-v1: the text featurizer shared by every lexical model.

The TypeScript runtime re-implements this byte for byte; the normative spec is
training/FEATURIZER.md and the parity fixtures are fixtures/featurizer-parity.json.
Keep this file small and keep it in sync with FEATURIZER.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import mmh3
import regex

NAME = "anansi-hash-ngrams-v1"
BUCKETS = 2**18  # 262144
MAX_CODE_POINTS = 4096
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 5)

# Whitespace = the Unicode White_Space property (25 code points), spelled out so
# that Python and JavaScript agree (Python's re `\s` adds U+001C..U+001F, JS `\s`
# adds U+FEFF and drops U+0085; neither is used).
WHITESPACE_RUN = re.compile(
    "[\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+"
)
# A word: a maximal run of letters (L*), numbers (N*) and underscore.
WORD = regex.compile(r"[\p{L}\p{N}_]+")


def normalize(text: str) -> str:
    """NFKC -> lower() -> whitespace runs to one U+0020 -> strip U+0020 -> first 4096 code points."""
    t = unicodedata.normalize("NFKC", text)
    t = t.lower()
    t = WHITESPACE_RUN.sub(" ", t).strip(" ")
    return t[:MAX_CODE_POINTS]


def words(normalized: str) -> list[str]:
    return WORD.findall(normalized)


def features(text: str) -> list[str]:
    """All feature strings of `text`, with repetition (order is not significant)."""
    ws = words(normalize(text))
    out = ["w:" + w for w in ws]
    out.extend("b:" + ws[i] + " " + ws[i + 1] for i in range(len(ws) - 1))
    lo, hi = CHAR_NGRAMS
    for w in ws:
        p = " " + w + " "
        for n in range(lo, hi + 1):
            for i in range(len(p) - n + 1):  # no n-grams when len(p) < n
                out.append("c:" + p[i : i + n])
    return out


def feature_index(feature: str, buckets: int = BUCKETS) -> int:
    """MurmurHash3 x86_32, seed 0, of the UTF-8 bytes, as unsigned 32-bit, modulo buckets."""
    return mmh3.hash(feature.encode("utf-8"), 0, signed=False) % buckets


def featurize(text: str, buckets: int = BUCKETS) -> dict[int, int]:
    """Distinct bucket indices -> raw counts (collisions add). This is what the runtime sends."""
    return dict(Counter(feature_index(f, buckets) for f in features(text)))


def featurize_sorted(text: str, buckets: int = BUCKETS) -> list[list[int]]:
    return [[i, c] for i, c in sorted(featurize(text, buckets).items())]
