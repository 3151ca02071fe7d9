// Messages that no module carries but fe-core asks for without a module prefix (any language).
export const messages = {
  appName: "openIMIS",
  currency: "$",
  "autosuggest.more": "More...",
};
