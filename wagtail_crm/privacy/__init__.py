"""Personal data: find, export and erase everything the CRM holds about a person."""
