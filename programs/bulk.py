"""Moving a million rows between pandas and PostgreSQL: COPY in and out, with Arrow writing and
reading the CSV (pandas' writer and the driver's tuples cost seconds at that size)."""
import io

import pyarrow as pa
import pyarrow.csv as pa_csv


def copy_frame(cursor, table, frame, *, texts=()):
    """COPY ``frame`` into ``table`` (columns by name). Missing values arrive as NULL, except
    in the ``texts`` columns, where an empty cell is an empty string. (Arrow quotes strings,
    so an empty one stays empty, and leaves a missing value unquoted, which COPY reads as NULL.)"""
    buffer = io.BytesIO()
    pa_csv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), buffer, pa_csv.WriteOptions(include_header=False))
    buffer.seek(0)
    keep_empty = f", FORCE_NOT_NULL ({', '.join(texts)})" if texts else ""
    columns = ", ".join(f'"{column}"' for column in frame.columns)
    cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv{keep_empty})", buffer)


def copy_query(cursor, sql, params, types):
    """The rows of ``sql`` as a DataFrame, read with COPY; ``types`` maps each column, in
    order, to its Arrow type (NULL is allowed in all but strings, where it reads as "")."""
    buffer = io.BytesIO()
    cursor.cursor.copy_expert(f"COPY ({cursor.cursor.mogrify(sql, params).decode()}) TO STDOUT WITH (FORMAT csv)", buffer)
    if not buffer.tell():
        return pa.table({column: pa.array([], kind) for column, kind in types.items()}).to_pandas()
    buffer.seek(0)
    table = pa_csv.read_csv(buffer, read_options=pa_csv.ReadOptions(column_names=list(types)),
                            convert_options=pa_csv.ConvertOptions(column_types=types, strings_can_be_null=False))
    return table.to_pandas()


def temporary_table(cursor, name, frame):
    """``frame`` copied into a new temporary table ``name`` (dropped at commit), analysed:
    whole numbers as bigint, anything else as text."""
    kinds = {"int64": "bigint", "Int64": "bigint"}
    cursor.execute("CREATE TEMP TABLE {} ({}) ON COMMIT DROP".format(
        name, ", ".join(f'"{column}" {kinds.get(str(dtype), "text")}' for column, dtype in frame.dtypes.items())))
    copy_frame(cursor, name, frame)
    cursor.execute(f"ANALYZE {name}")


