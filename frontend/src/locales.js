// Which translation file serves a user's language code: openimis-fe.json's "locales".
import { locales } from "./modules.generated";

function find(lang) {
  if (!lang) return null;
  const code = String(lang);
  return (
    locales.find((l) => l.languages.includes(code)) ||
    locales.find((l) => l.languages.some((known) => known.split("-")[0] === code.split("-")[0])) ||
    null
  );
}

export const localesManager = {
  getLocale(lang) {
    return find(lang)?.intl ?? "en-GB";
  },
  getFileNameByLang(lang) {
    return find(lang)?.fileNames ?? "en";
  },
};
