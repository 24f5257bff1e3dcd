"""Date formats per language (FORMAT_MODULE_PATH): templates name a format
(date:"DATE_FORMAT"), each language says how it reads. English keeps the site's
"2 December 2026"; Spanish reads "2 de diciembre de 2026"."""
