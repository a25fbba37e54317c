"""`GET /api/v1/library/posters?models=slug1,slug2&category=&paper=A4|A3&lang=&programme=`: an identification
poster as a PDF (docs/identification-posters.md). Any signed-in account: it is reference material."""

from django.http import HttpResponse
from ninja import Query, Router, Schema

from safeground.core.auth import read_auth
from safeground.core.schemas import ErrorOut
from safeground.library import posters

router = Router(tags=["library"])


class PosterIn(Schema):
    models: str = ""
    category: str = ""
    paper: str = "A4"
    lang: str = "en"
    programme: str = ""


@router.get(
    "/posters",
    response={200: None, 401: ErrorOut, 422: ErrorOut},
    auth=read_auth,
    url_name="library_poster_pdf",
    summary="An identification poster (PDF) of one model or a set: models= slugs, comma-separated, or category=",
    description="422 names the field and value: an unknown slug or category, a paper other than A4/A3, a language "
    "the site does not serve, no model, or more than 60 models.",
)
def poster(request, params: Query[PosterIn]):
    made = posters.render(
        params.models.split(","),
        category=params.category,
        paper=params.paper,
        lang=params.lang,
        programme=params.programme,
    )
    response = HttpResponse(made.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response
