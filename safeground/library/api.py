"""The library's API, one router per part (`/api/v1/library/...`): the models, their finds and their
render-safe procedures; exchange and merging; posters."""

from ninja import Router

from safeground.library import api_exchange, api_models, api_posters

router = Router()
router.add_router("", api_models.router)
router.add_router("", api_exchange.router)
router.add_router("", api_posters.router)
