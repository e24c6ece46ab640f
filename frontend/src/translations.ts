// The card's strings, by language; a missing language or key falls back to English.

const en = {
  "card.name": "Media requests",
  "card.description": "Media requests from Seerr to Jellyfin: stage, download progress, timeline and actions.",
  "card.empty": "No requests to show.",
  "card.no_tracker": "No Media Request Tracker requests found. Is the integration set up?",
  "filter.active": "Active",
  "filter.all": "All",
  "filter.stalled": "Stalled",
  "stage.requested": "Requested",
  "stage.approved": "Approved",
  "stage.searching": "Searching",
  "stage.grabbing": "Grabbing",
  "stage.downloading": "Downloading",
  "stage.downloaded": "Downloaded",
  "stage.importing": "Importing",
  "stage.anime_matching": "Anime matching",
  "stage.available": "Available",
  "stage.failed": "Failed",
  "stage.declined": "Declined",
  "stage.match_failed": "Match failed",
  "stage.deleted": "Deleted",
  "request.by": "by {name}",
  "request.eta": "{time} left",
  "request.episodes": "{done} of {total} episodes available",
  "request.stalled": "Stalled",
  "request.inferred": "inferred",
  "request.timeline": "Timeline",
  "request.no_timeline": "Nothing recorded yet.",
  "action.refresh": "Refresh",
  "action.search_again": "Search again",
  "action.approve": "Approve",
  "action.decline": "Decline",
  "action.mark_available": "Mark available",
  "action.remove": "Remove",
  "action.confirm_remove": "Click again to remove",
  "action.done": "Done",
  "action.failed": "Failed: {message}",
  "editor.title": "Title",
  "editor.filter": "Show",
  "editor.max_items": "At most this many requests",
  "editor.show_posters": "Show posters",
} as const;

export type TranslationKey = keyof typeof en;
type Table = Partial<Record<TranslationKey, string>>;

const de: Table = {
  "card.name": "Medienanfragen",
  "card.empty": "Keine Anfragen.",
  "filter.active": "Aktiv",
  "filter.all": "Alle",
  "filter.stalled": "Hängt",
  "stage.requested": "Angefragt",
  "stage.approved": "Genehmigt",
  "stage.searching": "Suche",
  "stage.grabbing": "Übergabe",
  "stage.downloading": "Lädt herunter",
  "stage.downloaded": "Heruntergeladen",
  "stage.importing": "Import",
  "stage.anime_matching": "Anime-Abgleich",
  "stage.available": "Verfügbar",
  "stage.failed": "Fehlgeschlagen",
  "stage.declined": "Abgelehnt",
  "stage.match_failed": "Abgleich fehlgeschlagen",
  "stage.deleted": "Gelöscht",
  "request.by": "von {name}",
  "request.eta": "noch {time}",
  "request.episodes": "{done} von {total} Folgen verfügbar",
  "request.stalled": "Hängt",
  "request.inferred": "erschlossen",
  "request.timeline": "Verlauf",
  "action.refresh": "Aktualisieren",
  "action.search_again": "Erneut suchen",
  "action.approve": "Genehmigen",
  "action.decline": "Ablehnen",
  "action.mark_available": "Als verfügbar markieren",
  "action.remove": "Entfernen",
  "action.confirm_remove": "Zum Entfernen erneut klicken",
  "editor.title": "Titel",
  "editor.filter": "Anzeigen",
  "editor.max_items": "Höchstens so viele Anfragen",
  "editor.show_posters": "Poster zeigen",
};

const tables: Record<string, Table> = { en, de };

export type Translate = (key: TranslationKey, values?: Record<string, string | number>) => string;

/** A translator for `language` (Home Assistant's `hass.language`, e.g. "de" or "en-GB"). */
export function translator(language: string | undefined): Translate {
  const table = tables[language ?? "en"] ?? tables[(language ?? "en").split("-")[0]] ?? en;
  return (key, values = {}) =>
    (table[key] ?? en[key]).replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ""));
}
