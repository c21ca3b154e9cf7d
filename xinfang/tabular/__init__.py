"""Tables in and out: CSV and XLSX. The only user of openpyxl.

`read_table(path)` gives every data row with the row number the user sees in the sheet (header =
row 1) and the cells as strings keyed by the header; `write_xlsx(path, headers, rows)` writes an
export.
"""
from .io import TableError, decode_text, read_table, write_csv, write_xlsx

__all__ = ["TableError", "decode_text", "read_table", "write_csv", "write_xlsx"]
