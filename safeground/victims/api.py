from ninja import Router

router = Router(tags=["accidents, victims and assistance"])
