/** Transport physics, interstitial fluid pressure, particle transport and nanoparticle PBPK. */
export * from "./baxterJain.js";
export * from "./conjugateGradient.js";
export * from "./extravasation.js";
export * from "./fvMesh.js";
export * from "./ifpSolver.js";
export * from "./particleTransport.js";
export * from "./pbpk/model.js";
export * from "./pbpk/nanoparticle.js";
export * from "./pbpk/species.js";
export * from "./poreTheory.js";
export * from "./starling.js";
export * from "./stokesEinstein.js";
export * from "./tumourTransport.js";
