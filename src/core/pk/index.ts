export * from "./auc.js";
export * from "./lambdaZ.js";
export * from "./nca.js";
export * from "./ncaParameters.js";
