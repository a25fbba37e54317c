ENUMS: dict = {}


def migrate(run, table):
    run.report.read(table, 0)
