"""The words of the page, in Dutch (the default) and English."""

from __future__ import annotations

LANGS = ("nl", "en")

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "RESV-bestand controleren",
        "intro": "Controleer een declaratie- of retourbericht volgens de RESV-standaard. "
        "Het bestand wordt alleen voor deze controle gebruikt en daarna direct verwijderd.",
        "switch": "English",
        "file": "Bestand (XML, JSON, NDJSON, Vektis EI, CSV of ZIP)",
        "drop": "Sleep een bestand hierheen of kies het hieronder.",
        "format": "Formaat van het bestand",
        "auto": "automatisch herkennen",
        "check": "Controleren",
        "retour": "Retourbericht downloaden",
        "to": "Omzetten naar",
        "convert": "Omzetten en downloaden",
        "report": "Monitoringsrapport openen",
        "result": "Uitslag voor",
        "valid": "Geldig: geen fouten gevonden.",
        "invalid": "Ongeldig: {errors} fout(en) en {warnings} waarschuwing(en).",
        "unreadable": "Onleesbaar: het bestand kon niet (volledig) worden gelezen.",
        "facts": "Formaat {format}, bericht {message}, {lines} regels.",
        "issues": "Meldingen",
        "none": "Geen meldingen.",
        "filter": "Zoeken in de meldingen",
        "severity": "Ernst",
        "all": "alle",
        "fatal": "fataal",
        "error": "fout",
        "warning": "waarschuwing",
        "info": "informatie",
        "code": "Code",
        "place": "Plaats",
        "message": "Melding",
        "advice": "Wat te doen",
        "sort": "Klik op een kolomkop om te sorteren.",
        "shown": "{shown} van {total} meldingen getoond",
        "busy": "Bezig met controleren…",
        "failed": "Dat lukte niet: {detail}",
        "convert_failed": "Omzetten is niet gelukt: het bestand heeft fouten (zie de meldingen).",
        "no_file": "Kies eerst een bestand.",
        "api": "Voor programma's: de API is beschreven in",
        "standard": "Standaard versie",
    },
    "en": {
        "title": "Check a RESV file",
        "intro": "Check a declaration or return message against the RESV standard. The file "
        "is used for this check only and deleted right after.",
        "switch": "Nederlands",
        "file": "File (XML, JSON, NDJSON, Vektis EI, CSV or ZIP)",
        "drop": "Drop a file here or choose it below.",
        "format": "Format of the file",
        "auto": "detect automatically",
        "check": "Check",
        "retour": "Download return message",
        "to": "Convert to",
        "convert": "Convert and download",
        "report": "Open monitoring report",
        "result": "Result for",
        "valid": "Valid: no errors found.",
        "invalid": "Invalid: {errors} error(s) and {warnings} warning(s).",
        "unreadable": "Unreadable: the file could not be read (completely).",
        "facts": "Format {format}, message {message}, {lines} lines.",
        "issues": "Issues",
        "none": "No issues.",
        "filter": "Search the issues",
        "severity": "Severity",
        "all": "all",
        "fatal": "fatal",
        "error": "error",
        "warning": "warning",
        "info": "info",
        "code": "Code",
        "place": "Place",
        "message": "Message",
        "advice": "What to do",
        "sort": "Click a column heading to sort.",
        "shown": "{shown} of {total} issues shown",
        "busy": "Checking…",
        "failed": "That did not work: {detail}",
        "convert_failed": "Conversion failed: the file has errors (see the issues).",
        "no_file": "Choose a file first.",
        "api": "For programs: the API is described in",
        "standard": "Standard version",
    },
}


def pick_lang(requested: str | None, default: str = "nl") -> str:
    """``requested`` if it is a known language, else ``default`` (Dutch unless the service was
    started with ``--lang en``), whatever the browser prefers: the page has a visible switch."""
    if requested in LANGS:
        return str(requested)
    return default if default in LANGS else "nl"
