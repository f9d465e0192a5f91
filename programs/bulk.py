"""Moving a million rows between pandas and PostgreSQL: COPY in and out, with Arrow writing and
reading the CSV (pandas' writer and the driver's tuples cost seconds at that size)."""
import csv
import io

import pyarrow as pa
import pyarrow.csv as pa_csv


def _frame_csv(frame):
    """``frame`` as CSV for COPY, without header: strings quoted (so an empty one stays
    empty), missing values unquoted (NULL). A column Arrow cannot type (mixed objects) sends
    the frame through pandas' writer, which quotes every text and writes missing ones as a
    quoted empty string: name such columns in ``copy_frame``'s ``nullable``."""
    buffer = io.BytesIO()
    try:
        pa_csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), buffer, pa_csv.WriteOptions(include_header=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        text = io.StringIO()
        frame.to_csv(text, index=False, header=False, quoting=csv.QUOTE_NONNUMERIC, na_rep="")
        buffer = io.BytesIO(text.getvalue().encode())
    buffer.seek(0)
    return buffer


def copy_frame(cursor, table, frame, *, texts=(), nullable=()):
    """COPY ``frame`` into ``table`` (columns by name). Missing values arrive as NULL, except
    in the ``texts`` columns, where an empty cell is an empty string; in the ``nullable``
    columns an empty cell is NULL even quoted."""
    options = ["FORMAT csv"]
    if texts:
        options.append(f"FORCE_NOT_NULL ({', '.join(texts)})")
    if nullable:
        options.append(f"FORCE_NULL ({', '.join(nullable)})")
    columns = ", ".join(f'"{column}"' for column in frame.columns)
    cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH ({', '.join(options)})", _frame_csv(frame))


def copy_query(cursor, sql, params, types):
    """The rows of ``sql`` as a DataFrame, read with COPY; ``types`` maps each column, in
    order, to its Arrow type (NULL is allowed in all but strings, where it reads as "")."""
    buffer = io.BytesIO()
    cursor.cursor.copy_expert(f"COPY ({cursor.cursor.mogrify(sql, params).decode()}) TO STDOUT WITH (FORMAT csv)", buffer)
    if not buffer.tell():
        return pa.table({column: pa.array([], kind) for column, kind in types.items()}).to_pandas()
    buffer.seek(0)
    table = pa_csv.read_csv(buffer, read_options=pa_csv.ReadOptions(column_names=list(types)),
                            convert_options=pa_csv.ConvertOptions(column_types=types, strings_can_be_null=False, true_values=["t"], false_values=["f"]))
    return table.to_pandas()


def temporary_table(cursor, name, frame, *, drop_at_commit=True):
    """``frame`` copied into a new temporary table ``name``, analysed: whole numbers as
    bigint, anything else as text. Dropped at commit, unless not ``drop_at_commit`` (the
    caller, outside a transaction, drops it)."""
    kinds = {"int64": "bigint", "Int64": "bigint"}
    cursor.execute("CREATE TEMP TABLE {} ({}){}".format(
        name, ", ".join(f'"{column}" {kinds.get(str(dtype), "text")}' for column, dtype in frame.dtypes.items()),
        " ON COMMIT DROP" if drop_at_commit else ""))
    copy_frame(cursor, name, frame)
    cursor.execute(f"ANALYZE {name}")
