"""Field forms built over Testland (qm_world: organisations TNA/TDO/TOO, team TDO-MAN-1 accredited for
manual clearance, a hazard, activities, a product) plus a village and an ordnance model of its own."""

import pytest
import shapely


@pytest.fixture
def forms_world(qm_world):
    from django.contrib.gis.geos import Point

    from safeground.gazetteer.models import AdminArea, Place
    from safeground.gazetteer.tests.testland import ISO3, _geos
    from safeground.ordnance.models import OrdnanceModel

    district = AdminArea.objects.get(country=ISO3, level=2, code="XT0201")
    commune = AdminArea.objects.create(
        country=ISO3,
        level=3,
        code="XT020101",
        name="East commune",
        parent=district,
        geom=_geos(shapely.box(-19.5, -30.0, -19.0, -29.2)),
    )
    Place.objects.create(
        country=ISO3, kind="village", code="XTV001", name="Riverbend", point=Point(-19.3, -29.5), admin_area=commune
    )
    OrdnanceModel.objects.get_or_create(name="TL-1 Test", defaults={"category": "ap_mine"})
    return qm_world
