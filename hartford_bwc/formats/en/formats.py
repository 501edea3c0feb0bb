"""How dates and times read everywhere: one date format, 24-hour HH:MM, from this file alone.

Templates' `date`/`time` filters, django-tables2 columns and `hartford_bwc.timefmt` (messages, table
cells, chart axes) all read these names, so a date reads "Dec 2, 2026" wherever a person sees it.
The SHORT_* names are the same formats on purpose: Django and django-tables2 pick them for compact
cells, and a second way of writing a date is what this file exists to prevent. Exports keep ISO 8601
(`timefmt.iso_minutes`), which a spreadsheet sorts. Django's own English formats print "7:03 p.m.";
a police department reads "19:03".
"""

DATE_FORMAT = "M j, Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "M j, Y H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "M j"
YEAR_MONTH_FORMAT = "F Y"
