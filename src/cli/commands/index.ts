/** Every CLI command module, one file per command family. */
import type { Command } from "commander";
import { register as biodist } from "./biodist.js";
import { register as convert } from "./convert.js";
import { register as dce } from "./dce.js";
import { register as deid } from "./deid.js";
import { register as nca } from "./nca.js";
import { register as phantom } from "./phantom.js";
import { register as pk } from "./pk.js";
import { register as report } from "./report.js";
import { register as roi } from "./roi.js";
import { register as serve } from "./serve.js";
import { register as stats } from "./stats.js";
import { register as study } from "./study.js";
import { register as t1 } from "./t1.js";

export function registerAll(program: Command): void {
  for (const r of [study, biodist, nca, pk, t1, dce, stats, roi, convert, deid, phantom, report, serve])
    r(program);
}
