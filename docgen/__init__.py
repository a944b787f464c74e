"""docgen: official papers of municipal internship sites (стажировочные площадки) from Excel workbooks.

Layers, each importing only the ones below it::

    cli                      command line (click), the only place that prints
    registry                 many заявки -> the registries (xlsx, docx, html)
    pipeline                 one workbook -> documents, used by every command
    loader, blank, render, contract, declension, pdf, output     one stage each, one third-party engine each
    kinds, spreadsheet       the registry of papers; reading workbooks' cells (python-calamine)
    rules, profiles, schema  the regulation's rules, municipalities, workbook layouts
    models                   Pydantic models: no openpyxl, docxtpl or LibreOffice
    errors, text             the exception tree, pure text helpers
"""

__version__ = "0.1.0"
