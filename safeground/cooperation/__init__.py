"""Cooperation between programmes: partners, agreements, visits and delegations, lessons learned (issue 18)."""
