"""Matching place names across sources that spell them differently (romanisation, prefixes such as
"Krong" or "Srok", word order): exact keys first, then fuzzy matches, every fuzzy match reported.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

#: Minimum similarity (0..1) for a fuzzy district-name match; every fuzzy match is reported.
NAME_MATCH_THRESHOLD = 0.8
_NAME_NOISE = {"krong", "khan", "srok", "district", "municipality", "city", "province", "rayon"}


def name_key(name: str) -> str:
    """Case, accents, spaces, hyphens and apostrophes removed; 'Krong'/'District'-style words dropped."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"[-_'’`.,()/]", " ", s)
    return "".join(t for t in s.split() if t not in _NAME_NOISE)


def name_skeleton(name: str) -> str:
    """Transliteration-tolerant form: vowel runs collapsed (Russey Keo ~ Ruessei Kaev), doubles single."""
    s = name_key(name)
    s = re.sub(r"(?<=[a-z])h", "", s)  # kh/k, ph/p, chh/ch, aoh/ao
    s = re.sub(r"[aeiouy]+", "a", s)
    return re.sub(r"(.)\1+", r"\1", s)


def name_similarity(a: str, b: str) -> float:
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return 1.0
    r1 = difflib.SequenceMatcher(None, ka, kb).ratio()
    r2 = difflib.SequenceMatcher(None, name_skeleton(a), name_skeleton(b)).ratio()
    return max(r1, r2)


def match_names(
    left: Sequence[str], right: Sequence[str], threshold: float = NAME_MATCH_THRESHOLD
) -> dict[int, tuple[int, float]]:
    """One-to-one name matching: exact keys first, then the most similar remaining pairs above threshold.

    Returns {left index: (right index, similarity)}.
    """
    out: dict[int, tuple[int, float]] = {}
    by_key: dict[str, list[int]] = defaultdict(list)
    for j, name in enumerate(right):
        by_key[name_key(name)].append(j)
    used: set[int] = set()
    for i, name in enumerate(left):
        for j in by_key.get(name_key(name), []):
            if j not in used:
                out[i] = (j, 1.0)
                used.add(j)
                break
    scored = sorted(
        (
            (name_similarity(left[i], right[j]), i, j)
            for i in range(len(left))
            if i not in out
            for j in range(len(right))
            if j not in used
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for score, i, j in scored:
        if score < threshold:
            break
        if i in out or j in used:
            continue
        out[i] = (j, score)
        used.add(j)
    return out
