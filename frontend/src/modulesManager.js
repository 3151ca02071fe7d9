// The modules manager: the one object through which fe-core and every module reach the contributions of
// the others and the configuration the server sent (moduleConfigurations). Built once at boot.

import { baseTranslations } from "./messages";
import { NotAvailablePage } from "./NotAvailable";

const MAIN_MENU_SUFFIX = ".MainMenu";
const CORE_MAIN_MENU = "core.MainMenu";
const HIDDEN = 1; // bit of a control's usage that hides the field

const TRANSLATIONS = "translations";
const FALLBACK_LANGUAGE = "en";

// fe-core merges the translation contributions of the user's language in order: put every English message
// first under each other language, so that a key its language pack lacks reads in English, not as the key.
function withEnglishFallback(contributions) {
  const english = contributions
    .filter((contribution) => contribution.key === FALLBACK_LANGUAGE)
    .reduce((all, contribution) => Object.assign(all, contribution.messages), {});
  const others = [...new Set(contributions.map((contribution) => contribution.key))].filter(
    (language) => language !== FALLBACK_LANGUAGE,
  );
  return [...others.map((language) => ({ key: language, messages: english })), ...contributions];
}

function asList(value) {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

// The server can hide a module's contributions under some keys until the backend behind them exists:
// configuration {"hiddenContributions": ["core.AppBar", "insuree.MainMenu"]} of that module.
function withoutHidden(contributions, moduleConfig) {
  const hidden = new Set(asList(moduleConfig.hiddenContributions));
  if (!hidden.size) return contributions;
  return Object.fromEntries(Object.entries(contributions).filter(([key]) => !hidden.has(key)));
}

// Routes whose backend the server does not run yet show a "not available" page instead of failing:
// configuration {"unavailableRoutes": ["tools/reports"]} of the module that contributes them.
function withUnavailableRoutes(contributions, moduleConfig) {
  const unavailable = new Set(asList(moduleConfig.unavailableRoutes));
  const routes = contributions["core.Router"];
  if (!unavailable.size || !routes) return contributions;
  const replaced = asList(routes).map((route) =>
    unavailable.has(route.path) ? { ...route, component: NotAvailablePage } : route,
  );
  return { ...contributions, "core.Router": replaced };
}

export class ModulesManager {
  // modules: [{key, name, package, version, load}] (modules.generated.js); config: {"fe-core": {...}, ...}
  constructor(modules, config, release) {
    this.config = config || {};
    this.release = release;
    this.modules = modules.map((module) => {
      const moduleConfig = this.config[module.key] || {};
      const contributions = withoutHidden(module.load(moduleConfig) || {}, moduleConfig);
      return { ...module, contributions: withUnavailableRoutes(contributions, moduleConfig) };
    });
    this.contributionCache = new Map();
    this.refs = new Map();
    for (const { key, ref } of this.getContribs("refs")) this.refs.set(key, ref);
  }

  // Every module's contributions under `key`, in module order, concatenated (cached).
  getContribs(key) {
    if (!this.contributionCache.has(key)) {
      const all = [];
      for (const module of this.modules) all.push(...asList(module.contributions[key]));
      const contributions = key === TRANSLATIONS ? withEnglishFallback([...baseTranslations, ...all]) : all;
      this.contributionCache.set(key, contributions);
    }
    return this.contributionCache.get(key);
  }

  // The object contributed under `key` in `refs` (the last module that contributes it wins).
  getRef(key) {
    return this.refs.get(key);
  }

  // A ref that lists field names, as a GraphQL selection: "{a, b, c}" ("" when nothing is contributed).
  getProjection(key) {
    const ref = this.getRef(key);
    if (Array.isArray(ref)) return `{${ref.join(", ")}}`;
    return typeof ref === "string" ? ref : "";
  }

  // One setting of a module's configuration: `module` is the configuration key ("fe-core"), `key` a setting
  // name; a dotted name not found as such is also looked up as a path in nested objects.
  getConf(module, key, defaultValue) {
    const conf = this.config[module];
    if (!conf) return defaultValue;
    if (Object.prototype.hasOwnProperty.call(conf, key) && conf[key] !== undefined) return conf[key];
    if (typeof key === "string" && key.includes(".")) {
      let value = conf;
      for (const part of key.split(".")) {
        if (value === null || typeof value !== "object" || !(part in value)) return defaultValue;
        value = value[part];
      }
      if (value !== undefined) return value;
    }
    return defaultValue;
  }

  // Whether the server's controls hide a field: control `fe-<module>.<key>` (or `<key>` in the module's own
  // controls) with the hidden bit of its usage set.
  hideField(module, key) {
    // tables without a `module` (the price-list details) and non-text headers: nothing to look up
    if (typeof module !== "string" || typeof key !== "string") return false;
    const moduleKey = module.startsWith("fe-") ? module : `fe-${module}`;
    const names = new Set([`${moduleKey}.${key}`, `${module}.${key}`]);
    const own = asList(this.config[moduleKey]?.controls);
    const control =
      own.find((c) => c && (c.field === key || names.has(c.field))) ||
      Object.values(this.config)
        .flatMap((conf) => asList(conf?.controls))
        .find((c) => c && names.has(c.field));
    return !!control && (Number(control.usage) & HIDDEN) === HIDDEN;
  }

  // The report contributed under `reports` with that key (each has getParams and isValid).
  getReport(key) {
    return this.getContribs("reports").find((report) => report.key === key) || null;
  }

  // Every entry of the modules' main menus (contributions under "<something>.MainMenu", not core.MainMenu).
  getMenuEntries() {
    if (!this.menuEntries) {
      const keys = new Set();
      for (const module of this.modules) {
        for (const key of Object.keys(module.contributions)) {
          if (key.endsWith(MAIN_MENU_SUFFIX) && key !== CORE_MAIN_MENU) keys.add(key);
        }
      }
      this.menuEntries = [...keys].flatMap((key) => this.getContribs(key)).filter((e) => e && typeof e === "object");
    }
    return this.menuEntries;
  }

  getOpenIMISVersion() {
    return this.release;
  }

  getModulesVersions() {
    return this.modules.map((module) => `${module.package}@${module.version}`);
  }
}
