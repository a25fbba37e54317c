"""Signals other apps listen to, so that the gazetteer never imports the apps built on top of it."""

from django.dispatch import Signal

#: Sent inside the writing transaction after a programme profile is added or changed.
#: Arguments: programme, fields (the names of the fields whose value changed; all given ones when added).
programme_changed = Signal()
