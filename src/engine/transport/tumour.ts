/**
 * Particle delivery into a tumour (core/transport/tumourTransport.ts: IFP → extravasation →
 * transport) with the transport solve on worker threads (threaded.ts). Steps 1–2 (IFP solve,
 * pore-theory extravasation coefficients) are the same calls, in the same order, as
 * simulateTumourTransport's (core's tumourTransportProblem); a test checks that threads = 1 and
 * threads = 2 reproduce simulateTumourTransport exactly.
 */
import {
  type TumourTransportInput,
  type TumourTransportResult,
  tumourTransportProblem,
} from "../../core/transport/tumourTransport.js";
import { solveTransportThreaded, type TransportThreadOptions } from "./threaded.js";

/** simulateTumourTransport with the transport step on worker threads (identical result) */
export async function simulateTumourTransportThreaded(
  p: TumourTransportInput,
  opts: TransportThreadOptions = {},
): Promise<TumourTransportResult> {
  const { ifp, problem, parameters } = tumourTransportProblem(p);
  const transport = await solveTransportThreaded(problem, opts);
  return { ifp, transport, parameters };
}
