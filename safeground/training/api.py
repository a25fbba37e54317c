from ninja import Router

router = Router(tags=["training centre"])
