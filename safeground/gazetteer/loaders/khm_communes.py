"""Cambodia's communes: geoBoundaries ADM3 (from ODC 2014), coded from the 2013 village codes."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

from safeground.gazetteer.loaders.common import Report, as_text, assign_parents, containing, polygonal, read_layer
from safeground.gazetteer.loaders.khm_villages import Villages
from safeground.gazetteer.loaders.names import name_key
from safeground.gazetteer.loaders.plan import AreaRow, Plan, report_repairs

SOURCE = "geoBoundaries KHM ADM3 (ODC 2014), CC BY 4.0; codes: village codes 2013 (ODC)"


def plan_communes(base: Path, plan: Plan, districts: dict, villages: Villages, report: Report) -> dict:
    """1,633 communes: parents by overlap; codes from the 2013 village codes where they agree, else generated.

    A village code is province + district + commune + village (2+2+2+2 digits). The villages lying in a
    commune vote for its 6-digit code; the majority code is used when more than half the commune's
    villages carry it, its first four digits are the parent district's official code, and no other
    commune has more votes for it. Every other commune gets parent code + "-C" + sequence by name.
    """
    layer = read_layer(base / "communes.geojson")
    names = as_text(layer.field("shapeName"))
    geoms, repaired = polygonal(layer.geoms, str(layer.path), names)
    report_repairs(plan, report, "KHM communes", len(geoms), repaired)
    parent_idx, _ = assign_parents(geoms, districts["geoms"], names, "KHM commune", report)
    parents = [districts["codes"][p] for p in parent_idx]

    where = containing(villages.points, geoms)
    votes: dict[int, Counter] = defaultdict(Counter)
    for v, c in enumerate(where.tolist()):
        if c >= 0:
            votes[c][villages.codes[v][:6]] += 1
    claims: dict[str, list[tuple[int, int]]] = defaultdict(list)  # code -> [(votes, commune)]
    why: dict[int, str] = {}
    for c in range(len(names)):
        counter = votes.get(c)
        if not re.fullmatch(r"KH\d{4}", parents[c]):
            why[c] = "district without an official code"
        elif not counter:
            why[c] = "no village inside"
        else:
            (top, n), total = counter.most_common(1)[0], sum(counter.values())
            tied = len(counter) > 1 and counter.most_common(2)[1][1] == n
            if n * 2 <= total or tied:
                why[c] = "no majority among its villages' codes"
            elif parents[c] != "KH" + top[:4]:
                why[c] = f"its villages' code {top} belongs to another district"
            else:
                claims[top].append((n, c))
    codes: list[str | None] = [None] * len(names)
    for code, claimants in claims.items():
        claimants.sort(key=lambda t: (-t[0], t[1]))
        codes[claimants[0][1]] = "KH" + code
        for _, c in claimants[1:]:
            why[c] = f"KH{code} contested, went to {names[claimants[0][1]]}"
    generated = [i for i, c in enumerate(codes) if c is None]
    by_parent: dict[str, list[int]] = defaultdict(list)
    for i in generated:
        by_parent[parents[i]].append(i)
    for parent, members in by_parent.items():
        members.sort(key=lambda i: (name_key(names[i]), i))
        for seq, i in enumerate(members, 1):
            codes[i] = f"{parent}-C{seq:02d}"
    reasons = Counter(
        "a contested code"
        if why[i].startswith("KH")
        else ("a code of another district" if "another" in why[i] else why[i])
        for i in generated
    )
    report(
        f"KHM communes: {len(names)} from {layer.path.name}; {len(names) - len(generated)} coded KH + 6 digits from "
        f"the 2013 village codes (the code most of the villages inside carry, agreeing with the district code); "
        f"{len(generated)} got generated codes (district code + '-C' + sequence by name): "
        + ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
    )
    details = [f"{codes[i]} {names[i]} ({why[i]})" for i in sorted(generated, key=lambda i: codes[i])]
    official_parent = [
        d
        for d, i in zip(details, sorted(generated, key=lambda i: codes[i]), strict=True)
        if re.fullmatch(r"KH\d{4}", parents[i])
    ]
    report(f"KHM communes with generated codes in officially coded districts: {'; '.join(official_parent)}")
    order = sorted(range(len(names)), key=lambda i: codes[i])
    plan.areas[("KHM", 3)] = [AreaRow(codes[i], names[i], geoms[i], parents[i], SOURCE) for i in order]
    return {"codes": [codes[i] for i in order], "geoms": geoms[order]}
