"""GeoDjango's SpatiaLite backend, initialising only the core spatial metadata.

SpatiaLite 5's `InitSpatialMetaDataFull` adds ISO-metadata tables whose triggers use `rowid`; newer
SQLite (3.35+, as bundled by pysqlite3-binary) rejects them as soon as Django rebuilds a table
("error in trigger ISO_metadata_reference_row_id_value_insert: no such column: rowid").
SafeGround uses none of those tables, so `InitSpatialMetaData(1)` is enough.

The wheels' native libraries are loaded before the first connection loads `mod_spatialite`
(decision 0025). SQLite loads an extension with `dlopen(RTLD_NOW | RTLD_GLOBAL)`, which puts the OS's
SpatiaLite and its dependencies (libsqlite3, libproj, libgeos) in the process's global symbol scope.
The pyogrio, pyproj and shapely wheels carry their own copies of those libraries under the same
symbol names; one loaded after that binds part of its calls to the OS's copies: pyogrio's GDAL then
allocates a SpatiaLite cache with the OS's SpatiaLite and frees it with its own, and the GeoPackage
writer dies with SIGSEGV when it closes the file. Loaded first (Python loads extensions with
RTLD_NOW), each binds to its own copy for good.
"""

import pyogrio  # noqa: F401 - loaded for its GDAL (with SQLite, SpatiaLite, PROJ, GEOS inside): see above
import pyproj  # noqa: F401 - its PROJ and SQLite
import shapely  # noqa: F401 - its GEOS
from django.contrib.gis.db.backends.spatialite.base import DatabaseWrapper as SpatiaLiteWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper


class DatabaseWrapper(SpatiaLiteWrapper):
    def prepare_database(self):
        SQLiteWrapper.prepare_database(self)
        with self.cursor() as cursor:
            cursor.execute("PRAGMA table_info(geometry_columns);")
            if cursor.fetchall() == []:
                cursor.execute("SELECT InitSpatialMetaData(1)")

    def get_new_connection(self, conn_params):
        """Also the text folding that accent- and case-insensitive search uses (core/folding.py), and
        the settings that let several clients share the file (decision 0022):

        - WAL: readers never wait for a writer, nor a writer for readers;
        - `busy_timeout` set again after SpatiaLite loads, which puts back its own 5 s: a writer
          waits its turn for the settings' `timeout` (30 s) instead of failing with "database is locked";
        - `synchronous = NORMAL`, safe with WAL (a power cut may lose the last commits, never corrupt).
        """
        from safeground.core.folding import fold

        conn = super().get_new_connection(conn_params)
        conn.create_function("sg_fold", 1, fold, deterministic=True)
        timeout_s = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] not in ("wal", "memory"):
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        return conn
