from django.urls import include, path

urlpatterns = [
    path("", include("safeground.library.urls_models")),
    path("", include("safeground.library.urls_exchange")),
    path("", include("safeground.library.urls_posters")),
]
