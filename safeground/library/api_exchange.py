"""Library API: exchange (stub; see docs/ordnance-library.md)."""

from ninja import Router

router = Router(tags=["library"])
