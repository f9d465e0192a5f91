"""Reading uploaded spreadsheets without letting a hostile file take the worker down.

- An XLSX is looked at before it is read: the members' uncompressed sizes (a zip bomb), the
  sheet's declared dimension, and, streamed in chunks, its row and cell counts and widest
  column. A sheet beyond the limits is refused with a message.
- The reading itself (calamine, native code) runs in a forked child process with a memory
  cap. A crafted file that makes it abort (a cell at XFD1048576 does) or run out of memory
  ends the child, not the worker: the import is rejected with a message.
- A CSV's encoding is found from its byte-order mark or by trying UTF-8 and Windows-1252;
  anything else is refused, naming the accepted encodings. Its header is counted before the
  file is parsed.
"""
import io
import logging
import multiprocessing
import pickle
import re
import resource
import zipfile

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_COLUMNS = 200
#: Uncompressed bytes a workbook may expand to (a 50 MB upload of the template is ~400 MB).
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
#: Memory the reading child may use, and how long it may take.
READER_MEMORY_BYTES = 3 * 1024 * 1024 * 1024
READER_TIMEOUT_SECONDS = 300

ACCEPTED_ENCODINGS = "UTF-8, UTF-16, Windows-1252"


class SpreadsheetRefused(Exception):
    """The file cannot be used as it is; the message says why, for the officer."""


def _column_number(letters):
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - 64)
    return number


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]*\d*:?([A-Z]+)(\d+)"')
_ROW = re.compile(rb'<row [^>]*?r="(\d+)"')
# Cells in columns AA and beyond only: the template's columns fit in A-Z, so this scan has
# almost nothing to match in an ordinary file.
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,3})\d+"')


def check_workbook(data, *, max_rows):
    """Refuse a workbook too big to read safely, before reading it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise SpreadsheetRefused(_("The workbook is damaged and cannot be opened.")) from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if "xl/workbook.xml" not in names:
            raise SpreadsheetRefused(_("This is not an Excel workbook. Upload the .xlsx template or a CSV file."))
        if sum(member.file_size for member in members) > MAX_UNCOMPRESSED_BYTES:
            raise SpreadsheetRefused(_("The workbook expands to more than %(mb)s MB when opened. Save it again from Excel, or as CSV.") % {"mb": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)})
        sheet = _first_sheet(archive, names)
        if sheet is None:
            raise SpreadsheetRefused(_("The workbook has no sheet to read."))
        rows, columns, cells = _measure(archive, sheet)
    if rows > max_rows + 1 or columns > MAX_COLUMNS or cells > (max_rows + 1) * MAX_COLUMNS:
        raise SpreadsheetRefused(
            _("The sheet reaches row %(rows)s and column %(columns)s; at most %(max_rows)s rows and %(max_columns)s columns are accepted. Delete the empty rows and columns beyond your data (or copy the data into a new sheet) and upload again.")
            % {"rows": f"{rows:,}".replace(",", "."), "columns": f"{columns:,}".replace(",", "."), "max_rows": f"{max_rows:,}".replace(",", "."), "max_columns": MAX_COLUMNS}
        )


def _first_sheet(archive, names):
    # The first sheet is the one calamine reads (sheet_name=0): workbook order, via its relation.
    try:
        workbook = archive.read("xl/workbook.xml")
        relation = re.search(rb'<sheet [^>]*?r:id="([^"]+)"', workbook)
        rels = archive.read("xl/_rels/workbook.xml.rels")
        if relation:
            target = re.search(rb'<Relationship [^>]*?Id="' + re.escape(relation.group(1)) + rb'"[^>]*?Target="([^"]+)"', rels) or re.search(
                rb'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="' + re.escape(relation.group(1)) + rb'"', rels
            )
            if target:
                path = target.group(1).decode().lstrip("/")
                path = path if path.startswith("xl/") else f"xl/{path}"
                if path in names:
                    return path
    except (KeyError, zipfile.BadZipFile):
        pass
    sheets = sorted(name for name in names if name.startswith("xl/worksheets/") and name.endswith(".xml"))
    return sheets[0] if sheets else None


def _measure(archive, sheet):
    """(last row, widest column, cells) of a sheet, streamed in 1 MB chunks."""
    rows = columns = cells = 0
    tail = b""
    with archive.open(sheet) as stream:
        first = True
        while True:
            chunk = stream.read(1024 * 1024)
            if not chunk:
                break
            text = tail + chunk
            if first:
                declared = _DIMENSION.search(text[:4096])
                if declared:
                    rows, columns = int(declared.group(2)), _column_number(declared.group(1).decode())
                first = False
            # A tag may straddle two chunks: the last 64 bytes are looked at again with the
            # next chunk (maxima do not mind; cells are counted only once).
            scanned, tail = text[:-64], text[-64:]
            cells += scanned.count(b"<c ") + scanned.count(b"<c>")
            rows, columns = _maxima(text, rows, columns)
        cells += tail.count(b"<c ") + tail.count(b"<c>")
    return rows, columns, cells


def _maxima(text, rows, columns):
    last_row = None
    for last_row in _ROW.finditer(text):
        pass
    if last_row:
        rows = max(rows, int(last_row.group(1)))
    for cell in _WIDE_CELL.finditer(text):
        columns = max(columns, _column_number(cell.group(1).decode()))
    return rows, columns


def read_workbook(data):
    """The first sheet as a DataFrame of raw cells (dtype object), read in a child process."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_read_in_child, args=(data, sender), daemon=True)
    child.start()
    sender.close()
    payload = None
    try:
        if receiver.poll(READER_TIMEOUT_SECONDS):
            payload = receiver.recv_bytes()
    except EOFError:  # the child died before sending anything
        payload = None
    finally:
        receiver.close()
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
            child.join()
    if payload is None:
        logger.warning("workbook reader ended with exit code %s", child.exitcode)
        raise SpreadsheetRefused(_("The workbook could not be read: it is damaged or made in a way the portal cannot open. Open it in Excel and save it again as .xlsx, or save it as CSV."))
    kind, value = pickle.loads(payload)
    if kind == "error":
        logger.info("unreadable workbook: %s", value)
        raise SpreadsheetRefused(_("The workbook is damaged and cannot be opened."))
    return value


def _read_in_child(data, sender):
    # The child only reads and sends: it never touches the parent's database connections or
    # files, and its memory is capped so a bomb fails here, not on the whole machine.
    import pandas as pd

    try:
        resource.setrlimit(resource.RLIMIT_AS, (READER_MEMORY_BYTES, READER_MEMORY_BYTES))
    except (ValueError, OSError):
        pass
    try:
        frame = pd.read_excel(io.BytesIO(data), engine="calamine", sheet_name=0, dtype=object)
        payload = pickle.dumps(("frame", frame), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # calamine raises its own types for broken files
        payload = pickle.dumps(("error", str(error)[:500]))
    sender.send_bytes(payload)
    sender.close()


# --- CSV ------------------------------------------------------------------------------------

def decode_text(data):
    """The text of a CSV upload: UTF-8 (with or without BOM), UTF-16 (with BOM, or recognised
    by its zero bytes) or Windows-1252; anything else is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode(data[3:], "utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode(data, "utf-16")
    sample = data[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a byte-order mark: every other byte of Latin text is zero.
        return _decode(data, "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be")
    if b"\x00" in sample:
        raise SpreadsheetRefused(_("This is not a text file. Upload the .xlsx template or a CSV file."))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode(data, "cp1252")


def _decode(data, encoding):
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise SpreadsheetRefused(
            _("The file's characters cannot be read. Save it as “CSV UTF-8” in Excel; accepted encodings: %(encodings)s.") % {"encodings": ACCEPTED_ENCODINGS}
        ) from None
    if "\x00" in text:
        raise SpreadsheetRefused(_("This is not a text file. Upload the .xlsx template or a CSV file."))
    return text


def check_header(first_line, separator):
    """Refuse a CSV with more columns than any upload can have, before parsing it."""
    count = first_line.count(separator) + 1
    if count > MAX_COLUMNS:
        raise SpreadsheetRefused(
            _("The file has %(count)s columns; at most %(max)s are accepted. Download the template to see the expected columns.")
            % {"count": f"{count:,}".replace(",", "."), "max": MAX_COLUMNS}
        )


# --- messages ---------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MESSAGE_LIMIT = 500


def clean_message(text, limit=MESSAGE_LIMIT):
    """A message fit to store and show: no control characters (PostgreSQL refuses NUL), at
    most ``limit`` characters."""
    text = _CONTROL.sub("", str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def name_list(names, limit=20):
    """``a, b, c`` — or the first ``limit`` and how many more."""
    names = [clean_message(name, 60) for name in names]
    if len(names) <= limit:
        return ", ".join(names)
    return _("%(names)s and %(count)s more") % {"names": ", ".join(names[:limit]), "count": f"{len(names) - limit:,}".replace(",", ".")}
