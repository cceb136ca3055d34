"""The shared shape of every import: read, check headers, validate rows, write atomically.

Pass 1 parses and validates every row and collects per-row errors without
touching the database; pass 2 writes the valid rows in one transaction. A dry
run performs pass 2 and rolls it back, so its counts are exactly what a real
run would do; so does a strict run that rejected a row.

Only pass 2 is a transaction. On SQLite a write transaction holds the one write lock for
the whole database from its start (settings: IMMEDIATE), and everyone else who writes
waits for it, so reading, validating and locating rows happen before it begins.
"""

import gc
import gzip
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

import pandas as pd

from django.db import transaction


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, empty, wrong columns)."""


class RowError(Exception):
    def __init__(self, field_name, message):
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass
class RowProblem:
    row: int  # the line number a person sees in a spreadsheet (header is row 1)
    field: str
    message: str

    def __str__(self):
        where = f"row {self.row}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0
    dry_run: bool = False
    problems: list = field(default_factory=list)
    notices: list = field(default_factory=list)

    def summary(self):
        text = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.rejected} rejected"
        )
        if self.skipped:
            text += f", {self.skipped} skipped"
        return text + (" (dry run: nothing was written)" if self.dry_run else "")


class _Rollback(Exception):
    """Ends pass 2 of a dry run, or of a strict run that rejected rows, writing nothing."""


def decode(raw: bytes):
    """Text and a notice when the bytes were not UTF-8 (council exports are often cp1252)."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "The file is not UTF-8; it was read as Windows-1252."
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "The file is not UTF-8; it was read as Latin-1."


def read_table(source, *, sep=None):
    """A DataFrame of strings from a CSV/TSV/XLSX path or file object, and any notices."""
    name = str(getattr(source, "name", source))
    notices = []
    try:
        if name.lower().endswith((".xlsx", ".xlsm")):
            frame = pd.read_excel(source, dtype=str, keep_default_na=False)
        else:
            raw = source.read() if hasattr(source, "read") else Path(source).read_bytes()
            if name.endswith(".gz"):
                raw = gzip.decompress(raw)
            text, notice = decode(raw)
            if notice:
                notices.append(notice)
            frame = pd.read_csv(
                io.StringIO(text.replace("\x00", "")),  # PostgreSQL text cannot hold NUL
                sep=sep or ("\t" if ".tsv" in name else ","),
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
                quoting=3 if ".tsv" in name else 0,  # TSV names may contain quotes
            )
    except FileNotFoundError:
        raise ImportFileError(f"There is no file at {name}.") from None
    except pd.errors.EmptyDataError:
        raise ImportFileError("The file is empty.") from None
    except (
        pd.errors.ParserError,
        ValueError,
        OSError,
        EOFError,
        zlib.error,  # a broken .gz
        zipfile.BadZipFile,
        KeyError,
        ParseError,
    ) as error:  # a broken XLSX
        raise ImportFileError(f"The file could not be read as a table: {error}") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame, notices


class BaseImporter:
    """Subclasses name their columns and implement parse_row() and write()."""

    required_columns: tuple = ()
    sep = None

    def __init__(self, source, *, dry_run=False, strict=False, progress=None):
        self.source = source
        self.dry_run = dry_run
        self.strict = strict  # write nothing if any row is rejected
        self.progress = progress or (lambda iterable, **kwargs: iterable)
        self.report = ImportReport(dry_run=dry_run)

    def read(self):
        frame, notices = read_table(self.source, sep=self.sep)
        self.report.notices.extend(notices)
        return frame

    def check_columns(self, columns):
        missing = [column for column in self.required_columns if column not in columns]
        if missing:
            raise ImportFileError(
                f"Missing column(s): {', '.join(missing)}. "
                f"The file has: {', '.join(columns) or 'no columns'}."
            )

    def row_key(self, record):
        """A key that must be unique within the file, or None."""
        return None

    def parse_row(self, row):
        raise NotImplementedError

    def prepare(self, records):
        """Hook for whole-file work between the passes (bulk geocoding, area lookup)."""
        return records

    def write(self, records):
        raise NotImplementedError

    def rows(self):
        """Every data row as a dict, after the header check."""
        frame = self.read()
        self.check_columns(list(frame.columns))
        return frame.to_dict("records")

    def run(self):
        # An import makes hundreds of thousands of objects that all live to the end: the
        # cyclic garbage collector finds nothing to free and cost a quarter of the run time
        # (bench/import_assets.py), so it waits until the import is over.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if collecting:
                gc.enable()

    def _run(self):
        rows = self.rows()
        records, first_row_of_key = [], {}
        for position, row in enumerate(self.progress(rows, desc="validating", unit="row")):
            row_number = position + 2
            try:
                record = self.parse_row(row)
            except RowError as error:
                self.reject(row_number, error.field, error.message)
                continue
            if record is None:
                self.report.skipped += 1
                continue
            key = self.row_key(record)
            if key is not None:
                if key in first_row_of_key:
                    self.reject(row_number, "", f"duplicate of row {first_row_of_key[key]} ({key})")
                    continue
                first_row_of_key[key] = row_number
            record["_row"] = row_number
            records.append(record)
        del rows  # pass 1 is done: the raw rows need not outlive it
        records = self.prepare(records)
        try:
            with transaction.atomic():
                self.write(records)
                if self.dry_run or self.refused:
                    raise _Rollback
        except _Rollback:
            if self.refused:
                self.report.notices.append("--strict: rows were rejected, so nothing was written")
        if self.written:
            transaction.on_commit(self.after_commit)
        return self.report

    @property
    def refused(self):
        """A strict run that rejected a row writes nothing."""
        return self.strict and self.report.rejected > 0

    @property
    def written(self):
        return not (self.dry_run or self.refused)

    def after_commit(self):
        """Hook for work that must only follow a committed import (cache invalidation)."""

    def reject(self, row_number, field_name, message):
        self.report.rejected += 1
        self.report.problems.append(RowProblem(row_number, field_name, message))


def text(row, column):
    value = row.get(column, "")
    return "" if value is None else str(value).strip()
