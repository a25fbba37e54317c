"""The land release ledger: `compute` (pure geometry), `store` (read inputs, write rows), `queries`
(read-side aggregates), `proposals` (status changes a person confirms) and `api` (the Ninja router)."""
