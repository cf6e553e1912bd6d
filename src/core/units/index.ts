export * from "./isoTime.js";
export * from "./units.js";
