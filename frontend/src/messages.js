// Messages that no module carries but fe-core asks for without a module prefix (any language).
export const messages = {
  appName: "openIMIS",
  currency: "$",
  "autosuggest.more": "More...",
};

// Keys fe-core formats that no published package translates. fe-core looks a key up under the page's
// module first, then bare: the searchers' header and buttons and the tables' pagination read these.
// Contributed in English and French before the modules' own translations, so a package that carries
// one of them still wins.
const BASE_TRANSLATIONS = {
  en: {
    "search.title": "Search criteria",
    resetFilterTooltip: "Reset",
    refreshFilterTooltip: "Search",
    "core.rowsPerPage": "Rows per page",
    "core.ofPages": "of",
    "core.ok": "OK",
    "core.cancel": "Cancel",
    "core.close": "Close",
    "core.FatalError.title": "Something went wrong",
    "core.FatalError.message": "The page could not be shown. Go back to the home page and try again.",
    // fe-medical's CareTypePicker (medical items and services, health facilities) labels itself with it
    "medical.careType": "Care type",
    "core.NotAvailable.title": "Not available",
    "core.NotAvailable.message": "This page needs a part of openIMIS that this server does not run yet.",
  },
  fr: {
    "search.title": "Critères de recherche",
    resetFilterTooltip: "Réinitialiser",
    refreshFilterTooltip: "Rechercher",
    "core.rowsPerPage": "Lignes par page",
    "core.ofPages": "sur",
    "core.ok": "OK",
    "core.cancel": "Annuler",
    "core.close": "Fermer",
    "core.FatalError.title": "Une erreur est survenue",
    "core.FatalError.message": "La page n'a pas pu être affichée. Revenez à l'accueil et réessayez.",
    "medical.careType": "Type de soins",
    "core.NotAvailable.title": "Non disponible",
    "core.NotAvailable.message": "Cette page dépend d'une partie d'openIMIS que ce serveur ne propose pas encore.",
  },
};

export const baseTranslations = Object.entries(BASE_TRANSLATIONS).map(([key, messages]) => ({ key, messages }));
