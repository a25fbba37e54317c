"""Signals other apps listen to, so that hazards never import the apps built on top of them."""

from django.dispatch import Signal

#: Sent inside the writing transaction after a hazard is created or changed.
#: Arguments: hazard, old_geom (GEOS geometry before the change, or None).
hazard_changed = Signal()
