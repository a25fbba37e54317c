"""Page URLs of the museum (config/urls.py includes them at the site root): staff pages under /museum/,
the public catalogue under /collection/."""

from django.urls import path

from safeground.museum import views

urlpatterns = [
    path("museum/", views.collection, name="museum-home"),
    path("museum/exhibits/new/", views.exhibit_new, name="museum-exhibit-new"),
    path("museum/exhibits/<code:code>/", views.exhibit_detail, name="museum-exhibit"),
    path("museum/exhibits/<code:code>/edit/", views.exhibit_edit, name="museum-exhibit-edit"),
    path("museum/exhibits/<code:code>/move/", views.exhibit_move, name="museum-exhibit-move"),
    path("museum/exhibits/<code:code>/lend/", views.exhibit_lend, name="museum-exhibit-lend"),
    path("museum/loans/", views.loans, name="museum-loans"),
    path("museum/loans/<code:code>/return/", views.loan_return, name="museum-loan-return"),
    path("museum/visits/", views.visits, name="museum-visits"),
    path("collection/", views.public_collection, name="museum-public"),
    path("collection/<code:code>/", views.public_exhibit, name="museum-public-exhibit"),
    path("collection/<code:code>/image/<uuid:attachment_id>/", views.public_image, name="museum-public-image"),
]
