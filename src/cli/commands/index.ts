/** Every CLI command module, one file per command family. */
import type { Command } from "commander";
import { register as biodist } from "./biodist.js";
import { register as ceus } from "./ceus.js";
import { register as convert } from "./convert.js";
import { register as dce } from "./dce.js";
import { register as deid } from "./deid.js";
import { register as dsc } from "./dsc.js";
import { register as dwi } from "./dwi.js";
import { register as fret } from "./fret.js";
import { register as histo } from "./histo.js";
import { register as iron } from "./iron.js";
import { register as labels } from "./labels.js";
import { register as nca } from "./nca.js";
import { register as pet } from "./pet.js";
import { register as phantom } from "./phantom.js";
import { register as pk } from "./pk.js";
import { register as planar } from "./planar.js";
import { register as queue } from "./queue.js";
import { register as registerCmd } from "./register.js";
import { register as relax } from "./relax.js";
import { register as release } from "./release.js";
import { register as report } from "./report.js";
import { register as resample } from "./resample.js";
import { register as roi } from "./roi.js";
import { register as segment } from "./segment.js";
import { register as serve } from "./serve.js";
import { register as simulate } from "./simulate.js";
import { register as stats } from "./stats.js";
import { register as study } from "./study.js";
import { register as swe } from "./swe.js";
import { register as t1 } from "./t1.js";
import { register as thermo } from "./thermo.js";
import { register as unmix } from "./unmix.js";

export function registerAll(program: Command): void {
  for (const r of [
    study,
    biodist,
    nca,
    pk,
    t1,
    dce,
    stats,
    roi,
    convert,
    deid,
    phantom,
    report,
    serve,
    queue,
    histo,
  ])
    r(program);
  for (const r of [relax, dwi, ceus, swe, iron]) r(program);
  dsc(program);
  for (const r of [thermo, unmix, release, fret]) r(program);
  planar(program);
  pet(program);
  simulate(program);
  for (const r of [registerCmd, resample, segment, labels]) r(program);
}
