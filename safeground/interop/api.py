from ninja import Router

router = Router(tags=["import, export and ogc api"])
