"""MapLibre's own interface words, translated: the titles of its buttons, the "Ctrl + scroll" hint of
maps that let the page scroll past them. A context processor for templates/includes/maplibre_locale.html
(static/js/map-locale.js gives them to every map); a function, so only pages with a map build it.
"""

from django.utils.translation import gettext as _


def maplibre_locale() -> dict[str, str]:
    return {
        "AttributionControl.ToggleAttribution": _("Show or hide the sources"),
        "AttributionControl.MapFeedback": _("Map feedback"),
        "CooperativeGesturesHandler.WindowsHelpText": _("Use Ctrl + scroll to zoom the map"),
        "CooperativeGesturesHandler.MacHelpText": _("Use ⌘ + scroll to zoom the map"),
        "CooperativeGesturesHandler.MobileHelpText": _("Use two fingers to move the map"),
        "FullscreenControl.Enter": _("Enter full screen"),
        "FullscreenControl.Exit": _("Exit full screen"),
        "GeolocateControl.FindMyLocation": _("Find my location"),
        "GeolocateControl.LocationNotAvailable": _("Location not available"),
        "LogoControl.Title": _("MapLibre logo"),
        "Map.Title": _("Map"),
        "Marker.Title": _("Map marker"),
        "NavigationControl.ResetBearing": _("Drag to rotate the map, click to reset north"),
        "NavigationControl.ZoomIn": _("Zoom in"),
        "NavigationControl.ZoomOut": _("Zoom out"),
        "Popup.Close": _("Close popup"),
    }


def context(request) -> dict:
    return {"maplibre_locale": maplibre_locale}
