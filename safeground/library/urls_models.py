"""Pages of the library's models part (config/urls.py includes safeground.library.urls at the site root)."""

from django.urls import path

from safeground.library import views

urlpatterns = [
    path("library/", views.model_list, name="library-list"),
    path("library/procedure-reads/", views.procedure_reads, name="library-procedure-reads"),
    path("library/<slug:slug>/", views.model_page, name="library-model"),
    path("library/<slug:slug>/edit/", views.model_edit, name="library-edit"),
    path("library/<slug:slug>/procedures/", views.procedures, name="library-procedures"),
]
