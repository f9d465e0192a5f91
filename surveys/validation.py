"""Checking survey responses: one set of rules for the form, the upload and the API.

Rules work on a pandas DataFrame whose columns are the API field names, so a 100,000-row
upload is checked column by column (vectorised) and a single form or API item is checked as
a one-row frame by the same code. The result says, per row, the errors (which block) and the
warnings (stored, and shown until someone confirms them).

Errors are ``(row, column, message)`` with ``row`` the frame's index label (for uploads: the
spreadsheet row number) and ``column`` an API field name or ``None`` for the whole row.
"""
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.utils.translation import gettext as _

from programs.fields import RUPIAH_NUMBER
from programs.uploads import DistinctCells

from .choices import Need, OperatingStatus, Problem
from .choices import Warning as ResponseWarning

MONEY_COLUMNS = ["turnover_before", "turnover_after", "export_postponed_value"]
COUNT_COLUMNS = ["workers_before", "workers_after", "workers_furloughed", "workers_laid_off"]
PERCENT_COLUMNS = ["capacity_before", "capacity_after"]
REQUIRED_COLUMNS = ["turnover_before", "turnover_after", "workers_before", "workers_after", "operating_status"]
LIST_COLUMNS = {"problems": Problem, "needs": Need}
BOOLEAN_COLUMNS = ["diversified"]
TEXT_COLUMNS = ["diversification_product", "export_postponed_country", "notes"]
# Counts that default to 0 when left empty (most businesses send nobody home).
ZERO_DEFAULTS = ["workers_furloughed", "workers_laid_off"]

#: Plausibility limits that block (hard limits, DHIS2's min/max). The registry's scale rules
#: put a medium industry under 100 workers: a few thousand is already far beyond any IKM,
#: so a larger count is a typo (99.999.999.999), not an answer.
WORKERS_LIMIT = 5_000
#: No amount an IKM reports comes near Rp 1,000 trillion (the form's rupiah limit).
MONEY_LIMIT = 10**15

#: Warning thresholds (warnings are stored and confirmed, they do not block).
#: Turnover this many times (or this fraction of) the business's answer in its previous wave.
PREVIOUS_WAVE_FACTOR = 5
#: Workers after above ``WORKERS_RISE_FACTOR`` × before and at least ``WORKERS_RISE_MARGIN`` more.
WORKERS_RISE_FACTOR = 2
WORKERS_RISE_MARGIN = 10

_TRUE = {"1", "true", "ya", "y", "yes", "benar", "x", "v", "✓"}
_FALSE = {"0", "false", "tidak", "t", "n", "no", "salah", ""}


@dataclass
class CheckResult:
    frame: pd.DataFrame
    errors: list = field(default_factory=list)  # (row, column, message)
    warnings: pd.Series = None  # row → list of warning codes

    @property
    def ok(self):
        return not self.errors

    def rows_with_errors(self):
        return sorted({row for row, _column, _message in self.errors}, key=lambda row: (str(type(row)), row))


def _blank(series):
    return series.isna() | (series.astype("string").str.strip() == "")


def _numbers(frame, column, result, *, message, maximum, beyond=None):
    """Parse a column of whole numbers: numeric cells as they are, text written as 25000000,
    25.000.000 or Rp 25.000.000 (dots group thousands, so "1.5" is refused, not read as 15).
    A number beyond ``maximum`` (the column could not hold it) is refused with ``beyond``
    (by default Django's "at most" message)."""
    raw = frame[column]
    if pd.api.types.is_signed_integer_dtype(raw.dtype):
        return _within(raw.astype("Int64"), frame, column, result, maximum=maximum, beyond=beyond)
    kind = pd.api.types.infer_dtype(raw, skipna=True)
    if kind in ("string", "empty"):
        is_text = raw.notna()
    elif kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        is_text = pd.Series(False, index=raw.index)
    else:  # a spreadsheet column mixing numbers and text
        is_text = raw.map(lambda value: isinstance(value, str))
    if kind in ("string", "empty"):
        return _within(_numbers_from_text(raw, frame, column, result, message=message, maximum=maximum, beyond=beyond), frame, column, result, maximum=maximum, beyond=beyond)
    numeric = pd.to_numeric(raw.where(~is_text), errors="coerce")
    text = raw.where(is_text).astype("str").str.strip() if is_text.any() else pd.Series(pd.NA, index=raw.index, dtype="str")
    # No inline regex flags here: pyarrow runs these on the whole column at once.
    cleaned = text.str.replace(r"^[Rr][Pp]\.?\s*", "", regex=True).str.replace(r",0{1,2}$", "", regex=True)
    well_formed = cleaned.str.fullmatch(RUPIAH_NUMBER.pattern).fillna(False).astype(bool)
    from_text = pd.to_numeric(cleaned.where(well_formed).str.replace(r"[. ]", "", regex=True), errors="coerce")
    values = numeric.where(~is_text, from_text)
    bad = (is_text & ~well_formed & (cleaned.fillna("") != "")) | (~is_text & raw.notna() & numeric.isna())
    bad |= (values.notna() & (values % 1 != 0)).astype(bool)
    for row in frame.index[bad]:
        result.errors.append((row, column, message))
    return _within(values.where(~bad), frame, column, result, maximum=maximum, beyond=beyond)


def _within(values, frame, column, result, *, maximum, beyond=None):
    """``values`` as Int64, those beyond ``±maximum`` refused (the column could not hold them:
    the database would fail the whole batch)."""
    too_big = (values > maximum).fillna(False).astype(bool)
    too_small = (values < -maximum).fillna(False).astype(bool)
    for row in frame.index[too_big]:
        result.errors.append((row, column, beyond or MaxValueValidator.message % {"limit_value": maximum}))
    for row in frame.index[too_small]:
        result.errors.append((row, column, _("Must not be negative.")))
    return values.where(~(too_big | too_small)).round().astype("Int64")


def _numbers_from_text(raw, frame, column, result, *, message, maximum, beyond=None):
    """The all-text column of a CSV, parsed in pyarrow compute kernels (no per-cell Python):
    the same rules as :func:`_numbers`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    source = pa.array(raw.array) if hasattr(raw.array, "__arrow_array__") else pa.array(raw.to_numpy(dtype=object, na_value=None), type=pa.string())
    text = pc.utf8_trim_whitespace(pc.cast(source, pa.string()))
    cleaned = pc.replace_substring_regex(pc.replace_substring_regex(text, r"^[Rr][Pp]\.?\s*", ""), r",0{1,2}$", "")
    well_formed = pc.fill_null(pc.match_substring_regex(cleaned, f"^(?:{RUPIAH_NUMBER.pattern})$"), False)
    digits = pc.replace_substring_regex(pc.if_else(well_formed, cleaned, pa.scalar(None, pa.string())), r"[. ]", "")
    # Text of more digits than the largest 64-bit number is beyond every column's maximum.
    unsigned = pc.replace_substring(digits, "-", "")
    length, largest = pc.utf8_length(unsigned), str(2**63 - 1)
    fits = pc.fill_null(pc.or_(pc.less(length, len(largest)), pc.and_(pc.equal(length, len(largest)), pc.less_equal(unsigned, largest))), True)
    values = pd.Series(pd.arrays.ArrowExtensionArray(pc.cast(pc.if_else(fits, digits, pa.scalar(None, pa.string())), pa.int64())), index=raw.index).astype("Int64")
    bad = pd.Series(pc.fill_null(pc.and_(pc.invert(well_formed), pc.not_equal(cleaned, "")), False).to_numpy(zero_copy_only=False), index=raw.index)
    for row in frame.index[bad]:
        result.errors.append((row, column, message))
    for row in frame.index[~fits.to_numpy(zero_copy_only=False)]:
        result.errors.append((row, column, beyond or MaxValueValidator.message % {"limit_value": maximum}))
    return values.where(~bad)


def _has_containers(series):
    """Whether a column holds lists or objects (API items): they cannot be factorised."""
    return series.dtype == object and series.map(lambda value: isinstance(value, (list, dict))).any()


def _cells(series, parse):
    """``series`` parsed once per distinct cell (:class:`programs.uploads.DistinctCells`);
    ``parse(None)`` answers the empty cells, written as nothing or as an empty text."""
    return DistinctCells(series.mask(series.astype(object) == ""), parse)


def _map_distinct(series, parse):
    """Apply ``parse`` once per distinct value: answers repeat ("demand; raw-material")."""
    if _has_containers(series):  # API items may send lists (or anything JSON holds)
        return series.map(lambda value: parse(value if not isinstance(value, float) or not np.isnan(value) else None))
    return _cells(series, parse).values()


def _parse_distinct(series, parse):
    """``(codes, parsed)``: ``parse`` applied once per distinct cell, and each row's position
    in ``parsed`` (-1: the empty cells, parsed last) — so per-row flags come from numpy
    indexing, not Python per row. Lists (API items) are parsed one by one."""
    if _has_containers(series):
        parsed = [parse(value if not isinstance(value, float) or not np.isnan(value) else None) for value in series]
        return np.arange(len(parsed)), parsed
    cells = _cells(series, parse)
    return cells.codes, cells.parsed


def _choice_lookup(enum):
    """Code and label (in Indonesian and English), lower-cased → code."""
    from django.utils import translation

    lookup = {}
    for language in ("id", "en"):
        with translation.override(language):
            for choice in enum:
                lookup[str(choice.label).lower()] = choice.value
    for choice in enum:
        lookup[choice.value.lower()] = choice.value
    return lookup


def _codes(series, enum):
    """Choices written as their code or their label (either language), case-insensitive."""
    lookup = _choice_lookup(enum)

    def parse(value):
        text = str(value).strip().lower() if value is not None else ""
        return lookup.get(text, ValueError) if text else pd.NA

    return _map_distinct(series, parse)


def _lists(frame, column, enum, result):
    lookup = _choice_lookup(enum)

    def parse(value):
        if isinstance(value, (list, tuple)):
            items = value
        elif value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return []
        else:
            items = [item for item in str(value).replace(";", ",").split(",")]
        codes, unknown = [], []
        for item in items:
            key = str(item).strip().lower()
            if not key:
                continue
            code = lookup.get(key)
            (codes if code else unknown).append(code or str(item).strip())
        return sorted(set(codes)) if not unknown else ("unknown", unknown)

    codes, parsed = _parse_distinct(frame[column], parse)
    allowed = ", ".join(choice.value for choice in enum)
    bad = np.array([isinstance(value, tuple) for value in parsed], dtype=bool)
    for row, position in zip(frame.index[bad[codes]], codes[bad[codes]]):
        items = ", ".join(parsed[position][1])
        result.errors.append((row, column, _("Unknown choice(s) %(items)s; use: %(allowed)s.") % {"items": items, "allowed": allowed}))
    cleaned = np.empty(len(parsed), dtype=object)
    for position, value in enumerate(parsed):
        cleaned[position] = value if isinstance(value, list) else []
    return pd.Series(cleaned[codes], index=frame.index, dtype=object)


def _booleans(frame, column, result):
    def parse(value):
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return False
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        return ValueError

    codes, parsed = _parse_distinct(frame[column], parse)
    bad = np.array([value is ValueError for value in parsed], dtype=bool)[codes]
    for row in frame.index[bad]:
        result.errors.append((row, column, _("Write yes or no (ya/tidak).")))
    return pd.Series(np.array([value is True for value in parsed], dtype=bool)[codes], index=frame.index)


def _column_limits():
    """The largest number (or, for text, the most characters) each answer column holds."""
    from django.db import connection

    from .models import SurveyResponse

    limits = {}
    for column in MONEY_COLUMNS + COUNT_COLUMNS + TEXT_COLUMNS:
        field = SurveyResponse._meta.get_field(column)
        if column in TEXT_COLUMNS:
            limits[column] = field.max_length or np.inf
        else:
            limits[column] = connection.ops.integer_field_range(field.get_internal_type())[1]
    return {**limits, **dict.fromkeys(PERCENT_COLUMNS, 100)}


def _max_length_message(value, limit):
    try:
        MaxLengthValidator(limit)(value)
    except ValidationError as error:
        return error.messages[0]
    return ""


def check_values(frame):
    """Parse and check the answer columns of ``frame`` (API field names). Returns a
    :class:`CheckResult` whose ``frame`` holds typed values; scope and business checks are
    the caller's (see ``surveys.services``)."""
    frame = frame.copy()
    result = CheckResult(frame=frame)
    for column in MONEY_COLUMNS + COUNT_COLUMNS + PERCENT_COLUMNS + list(LIST_COLUMNS) + BOOLEAN_COLUMNS + TEXT_COLUMNS + ["operating_status"]:
        if column not in frame.columns:
            frame[column] = pd.NA

    limits = _column_limits()
    money_beyond = _("At most Rp %(amount)s.") % {"amount": f"{MONEY_LIMIT:,}".replace(",", ".")}
    workers_beyond = _(
        "At most %(limit)s workers: a medium industry has fewer than 100. Check this number."
    ) % {"limit": f"{WORKERS_LIMIT:,}".replace(",", ".")}
    for column in MONEY_COLUMNS:
        frame[column] = _numbers(
            frame, column, result, message=_("Write a whole rupiah amount, e.g. 25000000, 25.000.000 or Rp 25.000.000."),
            maximum=min(limits[column], MONEY_LIMIT), beyond=money_beyond,
        )
    for column in COUNT_COLUMNS:
        frame[column] = _numbers(frame, column, result, message=_("Write a whole number."), maximum=min(limits[column], WORKERS_LIMIT), beyond=workers_beyond)
    for column in PERCENT_COLUMNS:
        frame[column] = _numbers(frame, column, result, message=_("Write a whole number."), maximum=limits[column], beyond=_("A percentage between 0 and 100."))
    for column in ZERO_DEFAULTS:
        frame[column] = frame[column].fillna(0)

    for column in REQUIRED_COLUMNS:
        if column == "operating_status":
            missing = _blank(frame[column])
        else:
            missing = frame[column].isna() & ~frame.index.isin([row for row, col, _m in result.errors if col == column])
        for row in frame.index[missing]:
            result.errors.append((row, column, _("This field is required.")))

    for column in MONEY_COLUMNS + COUNT_COLUMNS:
        for row in frame.index[(frame[column] < 0).fillna(False)]:
            result.errors.append((row, column, _("Must not be negative.")))
    for column in PERCENT_COLUMNS:
        outside = ((frame[column] < 0) | (frame[column] > 100)).fillna(False)
        for row in frame.index[outside]:
            result.errors.append((row, column, _("A percentage between 0 and 100.")))

    too_many = (frame["workers_furloughed"] + frame["workers_laid_off"] > frame["workers_before"]).fillna(False)
    for row in frame.index[too_many]:
        result.errors.append((row, "workers_furloughed", _("Workers sent home plus workers laid off exceed the workers before.")))

    status = _codes(frame["operating_status"], OperatingStatus)
    for row in frame.index[status.map(lambda value: value is ValueError)]:
        allowed = ", ".join(choice.value for choice in OperatingStatus)
        result.errors.append((row, "operating_status", _("Unknown operating status; use: %(allowed)s.") % {"allowed": allowed}))
    frame["operating_status"] = status.where(status.map(lambda value: value is not ValueError), pd.NA)

    for column, enum in LIST_COLUMNS.items():
        frame[column] = _lists(frame, column, enum, result)
    for column in BOOLEAN_COLUMNS:
        frame[column] = _booleans(frame, column, result)
    for column in TEXT_COLUMNS:
        given = frame[column]
        if _has_containers(given):
            for row in frame.index[given.map(lambda value: isinstance(value, (list, dict))).to_numpy(dtype=bool)]:
                result.errors.append((row, column, _("Write this as text.")))
            given = given.map(lambda value: None if isinstance(value, (list, dict)) else value)
        frame[column] = given.astype("str").fillna("").str.strip()
        too_long = (frame[column].str.len() > limits[column]).fillna(False).astype(bool)
        for row in frame.index[too_long]:
            result.errors.append((row, column, _max_length_message(frame.at[row, column], limits[column])))
    frame["export_postponed_country"] = frame["export_postponed_country"].str.upper()
    from programs.services import country_codes

    known = country_codes()
    bad_country = (frame["export_postponed_country"] != "") & ~frame["export_postponed_country"].isin(known)
    for row in frame.index[bad_country]:
        result.errors.append((row, "export_postponed_country", _("Unknown country code; use two letters, e.g. MY.")))

    result.warnings = response_warnings(frame)
    result.frame = frame
    return result


def response_warnings(frame, context=None):
    """Warnings per row (lists of codes): plausible but unusual answers someone should confirm.

    ``context`` (optional, aligned with ``frame``) brings what the answers alone cannot tell:
    ``previous_turnover`` (the business's turnover after in its previous wave) and
    ``turnover_low`` / ``turnover_high`` (the range of its sector × scale learned from verified
    earlier waves, see :mod:`surveys.outliers`)."""
    before, after = frame["turnover_before"], frame["turnover_after"]
    workers_before, workers_after = frame["workers_before"], frame["workers_after"]
    flags = {
        ResponseWarning.TURNOVER_JUMP: (before > 0) & (after > 5 * before),
        ResponseWarning.ZERO_WHILE_NORMAL: (after == 0) & (frame["operating_status"] == OperatingStatus.NORMAL),
        ResponseWarning.WORKERS_RISE: (workers_after > WORKERS_RISE_FACTOR * workers_before) & (workers_after - workers_before >= WORKERS_RISE_MARGIN),
    }
    if context is not None:
        previous = context["previous_turnover"]
        flags[ResponseWarning.PREVIOUS_WAVE] = (previous > 0) & (
            (after > PREVIOUS_WAVE_FACTOR * previous) | (after * PREVIOUS_WAVE_FACTOR < previous)
        )
        flags[ResponseWarning.SECTOR_OUTLIER] = (after > 0) & ((after < context["turnover_low"]) | (after > context["turnover_high"]))
    codes = [code for code in ResponseWarning if code in flags]
    # Each row points at one list of codes per combination of flags (lists are read, never changed).
    combinations = np.empty(2 ** len(codes), dtype=object)
    for key in range(len(combinations)):
        combinations[key] = [code.value for bit, code in enumerate(codes) if key >> bit & 1]
    keys = np.zeros(len(frame), dtype=np.int64)
    for bit, code in enumerate(codes):
        keys += pd.Series(flags[code], index=frame.index).fillna(False).to_numpy(dtype=bool).astype(np.int64) << bit
    return pd.Series(combinations[keys], index=frame.index, dtype=object)
