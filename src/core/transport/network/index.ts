/** Vascular-network simulation: graph, Poiseuille flow, transit, exchange, simulated DCE. */
export * from "./dceSimulation.js";
export * from "./exchange.js";
export * from "./fitComparison.js";
export * from "./graph.js";
export * from "./networkJson.js";
export * from "./poiseuille.js";
export * from "./skeletonGraph.js";
export * from "./synthetic.js";
export * from "./thinning.js";
export * from "./transit.js";
export * from "./viscosity.js";
export * from "./voxelise.js";
