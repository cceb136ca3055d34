"""The shared shape of every import: read, check headers, validate rows, write atomically.

Pass 1 parses and validates every row and collects per-row errors without
touching the database; pass 2 writes the valid rows in one transaction. A dry
run performs pass 2 and rolls it back, so its counts are exactly what a real
run would do; so does a strict run that rejected a row.

Only pass 2 is a transaction. On SQLite a write transaction holds the one write lock for
the whole database from its start (settings: IMMEDIATE), and everyone else who writes
waits for it, so reading, validating and locating rows happen before it begins.

Headings are matched ignoring case, spaces, underscores and hyphens ("Post Code"
is `postcode`), and through each importer's documented aliases. A problem in a
CSV or TSV file names the file's line where the row starts (a blank line or a
cell with a line break does not shift the count); in a spreadsheet, its row.
"""

import csv
import gc
import gzip
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

from django.db import transaction

from assets_register.core.bulk_writes import bulk_write


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, empty, wrong columns)."""


class RowError(Exception):
    def __init__(self, field_name, message):
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass
class RowProblem:
    row: int  # the file's line where the row starts, or a spreadsheet's row (header is 1)
    field: str
    message: str
    unit: str = "row"  # "line" for CSV and TSV files

    def __str__(self):
        where = f"{self.unit} {self.row}" + (f", {self.field}" if self.field else "")
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


UTF8_BOM = b"\xef\xbb\xbf"


def decode(raw: bytes):
    """Text and a notice when the bytes were not UTF-8 (council exports are often cp1252)."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    # A spreadsheet that saved Windows-1252 text behind a UTF-8 byte-order mark: the mark
    # is not part of the first heading.
    raw = raw.removeprefix(UTF8_BOM)
    try:
        return raw.decode("cp1252"), "The file is not UTF-8; it was read as Windows-1252."
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "The file is not UTF-8; it was read as Latin-1."


def read_table(source, *, sep=None):
    """A DataFrame of strings from a CSV/TSV/XLSX path or file object, and any notices."""
    frame, notices, _text = _read_table(source, sep=sep)
    return frame, notices


def _read_table(source, *, sep=None):
    """read_table(), plus the decoded text of a delimited file (None for a spreadsheet)."""
    # pandas is imported when a file is read, not with this module: every web process
    # imports the importers (their admin hooks), and pandas would hold ~36 MB in each.
    import pandas as pd

    name = str(getattr(source, "name", source))
    notices, text = [], None
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
            text = text.replace("\x00", "")  # PostgreSQL text cannot hold NUL
            frame = pd.read_csv(io.StringIO(text), **_csv_dialect(name, sep), dtype=str)
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
        SyntaxError,  # lxml's XMLSyntaxError, from a part of an XLSX that is not XML
    ) as error:  # a broken XLSX
        raise ImportFileError(f"The file could not be read as a table: {error}") from None
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame, notices, text


def _csv_dialect(name, sep):
    tsv = ".tsv" in name
    return {
        "sep": sep or ("\t" if tsv else ","),
        "keep_default_na": False,
        "skipinitialspace": True,
        "quoting": csv.QUOTE_NONE if tsv else csv.QUOTE_MINIMAL,  # TSV names may hold quotes
    }


def record_lines(text, name, sep=None):
    """The line where each data record of a delimited file starts (the header's is left
    out), counted as a text editor does: blank lines are skipped by the reader but still
    counted, and a quoted cell with line breaks spans several lines."""
    dialect = _csv_dialect(name, sep)
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=dialect["sep"],
        skipinitialspace=True,
        quoting=dialect["quoting"],
    )
    starts, last_line = [], 0
    try:
        for values in reader:
            if values:  # the csv module reads a blank line as [], as pandas skips it
                starts.append(last_line + 1)
            last_line = reader.line_num
    except csv.Error:
        return None  # a file pandas read but csv cannot: fall back to counting rows
    return starts[1:]


def heading_key(heading):
    """How headings are compared: 'Post Code', 'post_code' and 'POSTCODE' are one."""
    return re.sub(r"[\s_\-]+", "", str(heading).removeprefix("\ufeff")).casefold()


_PLACEHOLDER = re.compile(
    r"\[.*\]|n/?a|none|null|nil|unknown|not known|tbc|tbd|-+|\?+|\\N|n/a\b.*",
    re.IGNORECASE | re.DOTALL,
)


def is_placeholder(value):
    """Whether a cell stands for "unknown" or "not applicable" instead of giving a value:
    '[Unknown]', '[No registered public address]', 'n/a - mobile', 'N/A', '-', '\\N'."""
    return bool(_PLACEHOLDER.fullmatch(str(value).strip()))


class BaseImporter:
    """Subclasses name their columns and implement parse_row() and write().

    required_columns must be in the file, optional_columns are read when present, and
    column_aliases maps a column to the other headings it is published under (documented
    in each importer's docstring). null_markers are cells that mean "no value" in that
    source's files (Open Pubs writes `\\N`).
    """

    required_columns: tuple = ()
    optional_columns: tuple = ()
    column_aliases: dict = {}
    null_markers: tuple = ()
    sep = None

    def __init__(self, source, *, dry_run=False, strict=False, progress=None):
        self.source = source
        self.dry_run = dry_run
        self.strict = strict  # write nothing if any row is rejected
        self.progress = progress or (lambda iterable, **kwargs: iterable)
        self.report = ImportReport(dry_run=dry_run)
        self.columns = []  # the file's columns, by the importer's names
        self._text = None  # a delimited file's text, to find its rows' line numbers
        self._lines = None
        self.current_row = None  # the row parse_row() is reading, for its notices

    def read(self):
        frame, notices, self._text = _read_table(self.source, sep=self.sep)
        self.report.notices.extend(notices)
        return frame

    def rename_columns(self, headings):
        """The file's headings by the importer's own column names, where they match."""
        names = {}
        for column in (*self.required_columns, *self.optional_columns):
            names.setdefault(heading_key(column), column)
        for column, aliases in self.column_aliases.items():
            for alias in aliases:
                names.setdefault(heading_key(alias), column)
        renamed, heading_of = [], {}
        for heading in headings:
            column = names.get(heading_key(heading), str(heading).removeprefix("\ufeff"))
            if column in heading_of:
                raise ImportFileError(
                    f"The columns {heading_of[column]!r} and {heading!r} both give {column}: "
                    "keep one."
                )
            heading_of[column] = heading
            renamed.append(column)
        return renamed

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
        return self.table().to_dict("records")

    def table(self):
        """The file as a DataFrame of strings, its columns renamed and checked."""
        frame = self.read()
        frame.columns = self.rename_columns(list(frame.columns))
        self.columns = list(frame.columns)
        self.check_columns(self.columns)
        if self.null_markers:
            frame = frame.replace(list(self.null_markers), "")
        if self._text is not None:
            name = str(getattr(self.source, "name", self.source))
            lines = record_lines(self._text, name, self.sep)
            if lines is not None and len(lines) == len(frame):
                self._lines = lines
            self._text = None
        return frame

    def parsed_rows(self):
        """(position, record, or the RowError that rejects it) for every data row, in the
        file's order: parse_row() on each of rows(). An importer may read whole columns
        at once instead, as long as what it gives is what parse_row() would."""
        for position, row in enumerate(self.rows()):
            self.current_row = self.row_number(position)
            try:
                yield position, self.parse_row(row)
            except RowError as error:
                yield position, error

    def row_number(self, position):
        """The number a person looks for: the file's line, or the spreadsheet's row."""
        return self._lines[position] if self._lines is not None else position + 2

    @property
    def row_unit(self):
        return "line" if self._lines is not None else "row"

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
        records, first_of_key, duplicates = [], {}, {}
        parsed = self.progress(self.parsed_rows(), desc="validating", unit="row")
        for position, record in parsed:
            row_number = self.row_number(position)
            if isinstance(record, RowError):
                self.reject(row_number, record.field, record.message)
                continue
            if record is None:
                self.report.skipped += 1
                continue
            key = self.row_key(record)
            if key is not None:
                if key in first_of_key:
                    duplicates.setdefault(key, [first_of_key[key]]).append(record)
                else:
                    first_of_key[key] = record
            record["_row"] = row_number
            records.append(record)
        del parsed  # pass 1 is done: the raw rows need not outlive it
        records = self._settle_duplicates(records, duplicates)
        records = self.prepare(records)
        try:
            with bulk_write(), transaction.atomic():
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

    def tell_apart(self, records):
        """Hook: records that share a row_key. Give them distinct keys where the data
        allows and return True; otherwise every one after the first is rejected."""
        return False

    def _settle_duplicates(self, records, duplicates):
        rejected = set()
        for key, group in duplicates.items():
            if self.tell_apart(group) and len({self.row_key(r) for r in group}) == len(group):
                continue
            for record in group[1:]:
                first = group[0]["_row"]
                self.reject(record["_row"], "", f"duplicate of {self.row_unit} {first} ({key})")
                rejected.add(id(record))
        if duplicates:  # keys given to tell records apart must not meet another record's
            first_row = {}
            for record in records:
                key = self.row_key(record)
                if id(record) in rejected:
                    continue
                if key in first_row:
                    self.reject(
                        record["_row"], "", f"duplicate of {self.row_unit} {first_row[key]} ({key})"
                    )
                    rejected.add(id(record))
                else:
                    first_row[key] = record["_row"]
        self.report.problems.sort(key=lambda problem: problem.row)
        return [r for r in records if id(r) not in rejected] if rejected else records

    def after_commit(self):
        """Hook for work that must only follow a committed import (cache invalidation)."""

    def reject(self, row_number, field_name, message):
        self.report.rejected += 1
        self.report.problems.append(RowProblem(row_number, field_name, message, self.row_unit))

    def notice(self, message, row_number=None):
        """A kept row's notice (what was assumed, or recorded as unknown); by default about
        the row parse_row() is reading."""
        row_number = self.current_row if row_number is None else row_number
        self.report.notices.append(f"{self.row_unit} {row_number}: {message}")


def text(row, column):
    value = row.get(column, "")
    return "" if value is None else str(value).strip()
