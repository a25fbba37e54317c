"""Library API: posters (stub; see docs/ordnance-library.md)."""

from ninja import Router

router = Router(tags=["library"])
