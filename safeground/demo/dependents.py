"""Demo data of the apps built on top of the core dataset (training, victims, EORE, sign-ins).

Their synthetic rows point at the core dataset's hazards, teams and organisations, so they are
deleted before the core dataset is replaced and built after it, in the same transaction.
"""

from safeground.attachments import services as attachment_services
from safeground.cooperation import demo as cooperation_demo
from safeground.eore import demo as eore_demo
from safeground.library import demo as library_demo
from safeground.museum import demo as museum_demo
from safeground.ordnance import demo as ordnance_demo
from safeground.organisations import roles
from safeground.qm import demo as qm_demo
from safeground.tasking import demo as tasking_demo
from safeground.training import demo as training_demo
from safeground.victims import demo as victims_demo
from safeground.workbench import demo as workbench_demo


def delete() -> None:
    """Remove the dependents' synthetic rows, most dependent first."""
    attachment_services.delete_synthetic()  # photos on synthetic records (they point at every kind)
    library_demo.delete_synthetic()
    cooperation_demo.delete_synthetic()
    museum_demo.delete_synthetic()  # before EORE: its guided visits point at EORE sessions
    qm_demo.delete_synthetic()
    workbench_demo.delete_synthetic()
    tasking_demo.delete_synthetic()
    eore_demo.delete_synthetic()
    victims_demo.delete_synthetic()
    training_demo.delete_synthetic()
    ordnance_demo.delete_synthetic()  # the library's demo aliases (its illustrations went with the attachments)


def build(seed: int, scale: str, report) -> list[str]:
    """Build accreditations, training and progress reports, casualties, EORE, the demo sign-ins and a few
    workbench submissions waiting for review."""
    report("Building training, accreditation and progress reports …")
    training_demo.build(seed, scale, report=lambda m: report(f"  {m}"))
    report("Building accidents, victims and assistance (encrypted personal data) …")
    victims_demo.build(seed, scale, report=report)
    report("Building risk education sessions …")
    eore_demo.build(seed, scale, report=report)
    report("Building tasks, development requests and priority weights …")
    tasking_demo.build(seed, scale, report=report)
    accounts = roles.ensure_demo_accounts()
    report("Building the library's EOD sign-in and demo render-safe procedures …")
    library_demo.build(accounts, report=lambda m: report(f"  {m}"))
    report("Building workbench submissions …")
    workbench_demo.build(accounts, report=report)
    report("Building quality management visits, non-conformities, samples and hand-overs …")
    qm_demo.build(seed, scale, report=report, accounts=accounts)
    report("Building the cooperation register: partners, the delegation's visit, actions and lessons …")
    cooperation_demo.build(seed, scale, report=report)
    report("Adding local names and illustrations to the ordnance library …")
    ordnance_demo.build(report=report)
    report("Building the museums: exhibits from demo device records, loans, visits (guided EORE sessions) …")
    museum_demo.build(seed, scale, report=report)
    return list(accounts)
