"""FAQ gaps of a period grouped for the managers' summary: near-duplicates together, counted.

Questions arrive keyed by their content terms (`faq.gaps.gap_key`), so the same question typed
differently already shares a key; keys that still read nearly alike (a typo, a plural the stem
missed: rapidfuzz `token_sort_ratio` >= 85) are merged into the most asked one. Each group is
shown by its most frequent wording.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from rapidfuzz import fuzz, process

NEAR_DUPLICATE = 85


def group_gaps(questions: Sequence[tuple[str, str]], limit: int) -> list[tuple[str, int]]:
    """The `limit` most asked groups of (key, text) questions, as (wording, count), most asked first."""
    per_key = Counter(key for key, _ in questions)
    wordings: dict[str, Counter[str]] = defaultdict(Counter)
    for key, text in questions:
        wordings[key][" ".join(text.split())] += 1
    leaders: list[str] = []
    members: dict[str, list[str]] = {}
    for key, _ in sorted(per_key.items(), key=lambda item: (-item[1], item[0])):
        near = process.extractOne(key, leaders, scorer=fuzz.token_sort_ratio, score_cutoff=NEAR_DUPLICATE)
        if near is None:
            leaders.append(key)
            members[key] = [key]
        else:
            members[near[0]].append(key)
    groups = []
    for leader in leaders:
        merged: Counter[str] = Counter()
        for key in members[leader]:
            merged.update(wordings[key])
        wording = min(merged.items(), key=lambda item: (-item[1], item[0]))[0]
        groups.append((wording, sum(per_key[key] for key in members[leader])))
    groups.sort(key=lambda group: -group[1])
    return groups[:limit]
