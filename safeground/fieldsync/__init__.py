"""Field-office sync: a laptop's new and changed records reach the national workbench as a signed package,
and a signed receipt tells the laptop what was accepted, returned or is pending (issue 18)."""
