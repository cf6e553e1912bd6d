/** piscina worker: fits a chunk of DCE voxels (see dceChunk.ts). */
import { type DceChunkInput, fitDceChunk } from "./dceChunk.js";

export default function run(input: DceChunkInput) {
  return fitDceChunk(input);
}
