# Spanish dates: "2 de diciembre de 2026", "octubre de 2024" (Django's own Spanish
# formats, with the site's 24-hour time).
DATE_FORMAT = r"j \d\e F \d\e Y"
YEAR_MONTH_FORMAT = r"F \d\e Y"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
