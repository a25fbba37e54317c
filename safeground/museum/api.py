"""Museum API (stub; see docs/museum.md)."""

from ninja import Router

router = Router(tags=["museum"])
