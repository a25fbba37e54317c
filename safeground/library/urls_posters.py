"""Poster pages (H4): the chooser, the chosen set's PDF, one model's PDF (URL name library-poster, kwargs slug)."""

from django.urls import path

from safeground.library import poster_views

urlpatterns = [
    path("library/posters/", poster_views.posters_page, name="library-posters"),
    path("library/posters/poster.pdf", poster_views.posters_pdf, name="library-posters-pdf"),
    path("library/<slug:slug>/poster.pdf", poster_views.model_poster, name="library-poster"),
]
