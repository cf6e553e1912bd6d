export * from "./biodistribution.js";
export * from "./decay.js";
export * from "./nuclides.js";
