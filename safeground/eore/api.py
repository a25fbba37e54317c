from ninja import Router

router = Router(tags=["risk education"])
