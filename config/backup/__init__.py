"""Backup and restore of the whole database, SpatiaLite or PostGIS, safe while the server runs.

`config` holds it because it reads every app's tables (decision 0018); the commands are
`safeground backup` and `safeground restore` (config/management/commands/), the design is
docs/decisions/0024-backup-restore.md.
"""
