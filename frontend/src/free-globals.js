// Injected by esbuild (scripts/build.mjs): free identifiers that the packages use without importing them.
// fe-core 1.11's useGraphqlQuery calls `_.isEqual` with no import of lodash.
import lodash from "lodash";

export { lodash as _ };
