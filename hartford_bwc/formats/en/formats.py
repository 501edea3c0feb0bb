"""How dates and times read everywhere (templates' `date`/`time` filters, forms): 24-hour HH:MM.

Django's own English formats print "7:03 p.m."; a police department reads "19:03".
"""

DATE_FORMAT = "M j, Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "M j, Y H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "M j"
