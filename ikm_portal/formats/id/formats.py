# One way to write a date and time on every page (Django's Indonesian defaults mix "29 Nov.
# 2026, 18.21" and "29-11-2026 18.33"): "29 November 2026 18:21".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
