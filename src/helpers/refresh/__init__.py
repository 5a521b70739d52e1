"""Refresh the snapshots of the agencies' own series (``make refresh`` = ``python -m helpers.refresh``).

One module a source: ``wdi`` (World Bank WDI via wbgapi), ``imf`` (IMF IMTS and WEO via sdmx1), ``comtrade``
(UN Comtrade via comtradeapicall); ``plan`` reads ``data/snapshots/sources.yaml``, ``store`` merges an answer
into a snapshot and logs revisions, ``seed`` builds the first snapshots from public copies, ``net`` retries
politely, ``runner`` runs them and holds the exit codes. Reports never call this package: they read the
snapshots through ``helpers.snapshots``.

A source that cannot be reached, refuses, or answers in an unexpected format keeps its last good snapshot;
the others are still refreshed. Nothing is half-written (temporary files and renames).
"""
