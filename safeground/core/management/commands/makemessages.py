"""`makemessages` that also extracts `N_("...")`: the models mark choice labels with
`gettext_noop as N_` (no runtime effect; pages translate them when they show them)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
