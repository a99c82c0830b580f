"""Spreadsheet import: one pipeline for the admin wizard, ``crm_import`` and tasks."""
