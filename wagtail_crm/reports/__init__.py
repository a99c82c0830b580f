"""Sales reports: Wagtail report views (exportable to XLSX/CSV) with a chart each.

Every figure is aggregated in the database (a constant number of queries per
page, whatever the number of records) over querysets narrowed by
``permissions.visible_to``, so a manager's reports count their own records.
"""
