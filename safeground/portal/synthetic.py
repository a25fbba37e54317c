"""The synthetic-data banner on every page of a database that holds generated demo data.

A context processor, so that no page can forget it (productivity, training and the workbench once
did). It gives the templates the function, not its answer: the query runs only where a page draws
the banner without saying itself (a record's page says whether that record is synthetic).
"""

from safeground.hazards.queries import has_synthetic


def context(request) -> dict:
    return {"has_synthetic": has_synthetic}
