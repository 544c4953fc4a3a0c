"""Reads an .xlsx with openpyxl and prints every sheet as JSON ({sheet: [[cell, ...], ...]}),
each row padded with nulls to the width of the sheet's header."""

import json
import sys

from openpyxl import load_workbook

book = load_workbook(sys.argv[1], read_only=True)
sheets = {}
for ws in book.worksheets:
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    width = len(rows[0]) if rows else 0
    sheets[ws.title] = [row + [None] * (width - len(row)) for row in rows]
print(json.dumps(sheets))
