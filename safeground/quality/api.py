from ninja import Router

router = Router(tags=["data quality"])
