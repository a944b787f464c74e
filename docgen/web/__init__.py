"""Serve docgen as a web page (`docgen serve`): the second thin door onto the library, beside the CLI.

The top layer: it calls the library (loader, pipeline, registry, archive, blank) and nothing in the library imports
it.  Modules:

    uploads   uploaded files and .zip archives → workbooks in a job's folder, with limits; names cleaned
    jobs      one folder per upload, work in background threads with progress and cancel, deleted after retention
    pool      one LibreOffice pool for the whole server: never more converters than cores, requests queue
    app       the Starlette application: pages (Jinja, autoescaped), downloads, access token, size limits
"""
