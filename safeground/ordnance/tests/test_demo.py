"""The demo's local names and illustrations: added fast, marked synthetic, gone on a rebuild."""

import io
import time

import pytest
from PIL import Image

from safeground.attachments import queries as attachment_queries
from safeground.attachments import services as attachment_services
from safeground.attachments.models import Attachment
from safeground.ordnance import demo, queries
from safeground.ordnance.models import OrdnanceAlias, OrdnanceModel

pytestmark = pytest.mark.django_db


def test_build_adds_aliases_and_synthetic_illustrations_and_a_rebuild_does_not_duplicate():
    started = time.perf_counter()
    counts = demo.build()
    assert time.perf_counter() - started < 2
    assert counts == {"aliases": 24, "illustrations": 12}
    pmn2 = OrdnanceModel.objects.get(name="PMN-2")
    assert queries.matches("ភីអឹមអិន ២") == [(pmn2, "alias")]
    assert queries.matches("PMN-2 minası") == [(pmn2, "alias")]
    (image,) = attachment_queries.of(pmn2)
    assert image.is_synthetic and image.caption == "Illustration (demo)" and image.media_type == "image/png"

    attachment_services.delete_synthetic()
    assert demo.delete_synthetic() == 24
    assert not OrdnanceAlias.objects.exists() and not Attachment.objects.exists()
    assert OrdnanceModel.objects.filter(name="PMN-2").exists()  # the reference data stays
    assert demo.build() == counts


def test_illustration_is_a_png_of_the_model():
    data = demo.illustration(OrdnanceModel.objects.get(name="Type 72A"))
    picture = Image.open(io.BytesIO(data))
    assert picture.format == "PNG" and picture.size == (640, 420)
    assert len(picture.getcolors(maxcolors=1 << 20) or []) > 3  # something is drawn
