from django.urls import include, path

# The models' pages last: `library/<slug>/` would otherwise take the exchange's and the posters' fixed paths.
urlpatterns = [
    path("", include("safeground.library.urls_exchange")),
    path("", include("safeground.library.urls_posters")),
    path("", include("safeground.library.urls_models")),
]
