"""The one error the backup modules raise: a sentence for the operator, shown without a traceback."""


class BackupError(Exception):
    """What went wrong and where (file, database, program), in one line."""
