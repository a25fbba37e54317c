"""Small-cell suppression: cells under k emptied and marked, zeros dropped, no totals published."""

from safeground.exchange.suppression import is_safe, suppress


def test_cells_under_k_are_suppressed_and_marked():
    cells = [{"sex": "f", "count": 2}, {"sex": "m", "count": 7}, {"sex": "u", "count": 0}, {"sex": "x", "count": 5}]
    out = suppress(cells, 5)
    assert out == [
        {"sex": "f", "count": None, "suppressed": True},
        {"sex": "m", "count": 7, "suppressed": False},
        {"sex": "x", "count": 5, "suppressed": False},
    ]
    assert is_safe(out, 5)
    assert not is_safe([{"count": 4}], 5)
    assert is_safe([{"count": 4}], 3)


def test_k_three_keeps_three():
    assert suppress([{"count": 3}, {"count": 2}], 3) == [
        {"count": 3, "suppressed": False},
        {"count": None, "suppressed": True},
    ]
