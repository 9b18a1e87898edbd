/* finding_codes.h — every finding the pipeline can report: its stable code,
 * its severity, what it means, and what the pipeline does about it (the
 * Handling column of the Fund table). Included with FINDING() defined (X-macro);
 * docs/findings.md is the same list for people. Codes never change meaning;
 * new ones are added at the end of their group. */

/* Errors: the document is rejected. */
FINDING(FILE_UNREADABLE,       ERROR,   "the file cannot be opened or read",
        "Dokumentet afvist")
FINDING(FILE_TOO_LARGE,        ERROR,   "the file is larger than the configured maximum",
        "Dokumentet afvist")
FINDING(GZIP_INVALID,          ERROR,   "the gzip stream is corrupt or truncated",
        "Dokumentet afvist")
FINDING(GZIP_EXPANSION,        ERROR,   "the gzip stream expands past the configured size or ratio",
        "Dokumentet afvist")
FINDING(ENCODING_UNSUPPORTED,  ERROR,   "the declared encoding is not UTF-8, ISO-8859-1 or windows-1252",
        "Dokumentet afvist")
FINDING(XML_MALFORMED,         ERROR,   "the XML is not well-formed",
        "Dokumentet afvist")
FINDING(XML_DTD,               ERROR,   "a DTD or entity declaration is present",
        "Dokumentet afvist")
FINDING(XML_ENTITY,            ERROR,   "an entity or external reference is used",
        "Dokumentet afvist")
FINDING(ROOT_INVALID,          ERROR,   "the root element is not statusnotat",
        "Dokumentet afvist")
FINDING(NAMESPACE_INVALID,     ERROR,   "an element is not in the statusnotat namespace",
        "Dokumentet afvist")
FINDING(VERSION_UNSUPPORTED,   ERROR,   "version is missing or not 1.0",
        "Dokumentet afvist")
FINDING(TALFORMAT_INVALID,     ERROR,   "talformat is neither da nor iso",
        "Dokumentet afvist")
FINDING(ELEMENT_UNKNOWN,       ERROR,   "an element the format does not allow here",
        "Dokumentet afvist")
FINDING(ATTRIBUTE_UNKNOWN,     ERROR,   "an attribute the format does not allow here",
        "Dokumentet afvist")
FINDING(ELEMENT_MISSING,       ERROR,   "a required element is missing",
        "Dokumentet afvist")
FINDING(ELEMENT_REPEATED,      ERROR,   "an element occurs more often than allowed",
        "Dokumentet afvist")
FINDING(ATTRIBUTE_MISSING,     ERROR,   "a required attribute is missing",
        "Dokumentet afvist")
FINDING(TEXT_UNEXPECTED,       ERROR,   "text inside an element that holds only elements",
        "Dokumentet afvist")
FINDING(VALUE_EMPTY,           ERROR,   "a required text is empty",
        "Dokumentet afvist")
FINDING(ID_INVALID,            ERROR,   "indsats/@id does not match [A-Z0-9-]{2,20}",
        "Dokumentet afvist")
FINDING(ID_DUPLICATE,          ERROR,   "indsats/@id occurs twice in the document",
        "Dokumentet afvist")
FINDING(ID_CONFLICT,           ERROR,   "indsats/@id is used by another department in the same period",
        "Dokumentet afvist")
FINDING(DEPARTMENT_UNKNOWN,    ERROR,   "the department is not in the configured list",
        "Dokumentet afvist")
FINDING(DEPARTMENT_CONFLICT,   ERROR,   "forvaltning/@kode and the name name different departments",
        "Dokumentet afvist")
FINDING(PERIOD_INVALID,        ERROR,   "the period is not a valid half year",
        "Dokumentet afvist")
FINDING(DATE_INVALID,          ERROR,   "indsendt is not a valid date",
        "Dokumentet afvist")
FINDING(AMOUNT_INVALID,        ERROR,   "a bevilling is not a valid amount in whole kroner",
        "Dokumentet afvist")
FINDING(YEAR_INVALID,          ERROR,   "bevilling/@aar is not a valid year",
        "Dokumentet afvist")
FINDING(YEAR_REPEATED,         ERROR,   "two bevillinger of one indsats name the same year",
        "Dokumentet afvist")
FINDING(COUNT_INVALID,         ERROR,   "a staffing count is not a valid whole number",
        "Dokumentet afvist")
FINDING(STATUS_UNKNOWN,        ERROR,   "status is not one of the configured statuses",
        "Dokumentet afvist")
FINDING(EFFECT_UNKNOWN,        ERROR,   "effekt/@vurdering is not one of the effect codes",
        "Dokumentet afvist")
FINDING(ANBEFALING_UNKNOWN,    ERROR,   "anbefaling is not one of the configured recommendations",
        "Dokumentet afvist")
FINDING(INTERNAL,              ERROR,   "the program failed (out of memory or a library error)",
        "Dokumentet afvist")
FINDING(TOO_MANY_ROWS,         ERROR,   "more indsatser, indikatorer or niveauer than the configured maximum per document",
        "Dokumentet afvist")
FINDING(ENCODING_MISMATCH,     ERROR,   "the bytes are not in the declared encoding (UTF-8 saved as ISO-8859-1, or the reverse)",
        "Dokumentet afvist")
FINDING(FILE_EMPTY,            ERROR,   "the file is empty or holds only whitespace",
        "Dokumentet afvist")
FINDING(FILE_TRUNCATED,        ERROR,   "the file ends before the document does: it looks cut off",
        "Dokumentet afvist")
FINDING(ATTRIBUTES_TOO_MANY,   ERROR,   "an element carries more than 32 attributes (namespace declarations included)",
        "Dokumentet afvist")
FINDING(BOM_CONTRADICTS,       ERROR,   "a UTF-8 byte order mark before a declaration that names another encoding",
        "Dokumentet afvist")
FINDING(NUMBER_LEADING_ZERO,   ERROR,   "a first number group starts with 0 before a '.': a decimal point where a comma was meant",
        "Dokumentet afvist")
FINDING(TEXT_TOO_LONG,         ERROR,   "a text, comment or attribute value is longer than the XML reader's limit (10.000.000 bytes)",
        "Dokumentet afvist")
FINDING(NAME_TOO_LONG,         ERROR,   "an element or attribute name is longer than the XML reader's limit (50.000 bytes)",
        "Dokumentet afvist")
FINDING(NESTING_TOO_DEEP,      ERROR,   "elements are nested deeper than the XML reader's limit (256 levels)",
        "Dokumentet afvist")

/* Warnings: the document is kept, the value is flagged. */
FINDING(INDICATOR_TEXT,        WARNING, "an indicator value is kept as text",
        "Gemt som tekst")
FINDING(INDICATOR_DATE,        WARNING, "indikator/@dato is not a valid date and is left out",
        "Datoen er udeladt")
FINDING(INDICATOR_YEAR,        WARNING, "indikator/@aar is not a valid year and is left out",
        "Året er udeladt")
FINDING(EFFECT_DERIVED,        WARNING, "the effect category was derived from the text",
        "Effekten er udledt af teksten")
FINDING(PCT_INVALID,           WARNING, "a stated pct is not a valid percentage and is left out",
        "Procentsatsen er udeladt")
FINDING(PCT_MISMATCH,          WARNING, "a stated pct differs from antal / i_alt by more than the tolerance",
        "Andelen beregnes af antallene")
FINDING(TOTAL_MISMATCH,        WARNING, "a stated total differs from the sum of its rows",
        "Summen af rækkerne bruges")
FINDING(OPGJORT_INVALID,       WARNING, "personale/@opgjort is not a valid date and is left out",
        "Datoen er udeladt")
FINDING(THEME_UNKNOWN,         WARNING, "the theme is not configured and is counted under Øvrige",
        "Talt under Øvrige")
FINDING(YEAR_OUTSIDE_BUDGET,   WARNING, "bevilling/@aar is outside the configured budget years",
        "Beløbet tælles ikke med")
FINDING(TEXT_TRUNCATED,        WARNING, "a text is longer than an Excel cell holds and was cut",
        "Teksten er afkortet i regnearket")
FINDING(DOCUMENT_OLDER,        WARNING, "an older document for a department and period already reported; it does not count",
        "Dokumentet tælles ikke med")
FINDING(AMOUNT_ABOVE_FRAME,    WARNING, "a single bevilling is larger than the whole budget frame of its year",
        "Beløbet tælles med; kontrollér det")
