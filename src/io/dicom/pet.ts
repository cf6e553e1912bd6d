/**
 * PET radiopharmaceutical module → SUV factor (body weight), following the QIBA/PET-BIDS
 * conventions: injected activity RadionuclideTotalDose (Bq) at RadiopharmaceuticalStartTime,
 * decayed with RadionuclideHalfLife (s) to the scan reference time when DecayCorrection is START
 * (SeriesTime, or AcquisitionTime when earlier), SUVbw factor = weight[g]/dose_at_scan[Bq], so
 * that SUV = pixel [Bq/mL] × factor. Units other than BQML are reported, not converted.
 */
import { type Dataset, dicomTimeS } from "./read.js";

export interface PetInfo {
  radionuclide: string | null;
  injectedBq: number | null;
  injectionTimeS: number | null;
  halfLifeS: number | null;
  units: string | null;
  decayCorrection: string | null;
  scanTimeS: number | null;
  weightKg: number | null;
  suvBwFactor: number | null;
}

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

export function petInfo(ds: Dataset): PetInfo {
  const rp = first(ds.RadiopharmaceuticalInformationSequence) as Dataset | undefined;
  const nuclideCode = first(rp?.RadionuclideCodeSequence) as Dataset | undefined;
  const injectedBq = rp?.RadionuclideTotalDose !== undefined ? Number(rp.RadionuclideTotalDose) : null;
  const injectionTimeS =
    rp?.RadiopharmaceuticalStartTime !== undefined ? dicomTimeS(rp.RadiopharmaceuticalStartTime) : null;
  const halfLifeS = rp?.RadionuclideHalfLife !== undefined ? Number(rp.RadionuclideHalfLife) : null;
  const series = dicomTimeS(ds.SeriesTime);
  const acq = dicomTimeS(ds.AcquisitionTime);
  const scanTimeS =
    Number.isFinite(series) && Number.isFinite(acq)
      ? Math.min(series, acq)
      : Number.isFinite(series)
        ? series
        : Number.isFinite(acq)
          ? acq
          : null;
  const weightKg = ds.PatientWeight !== undefined ? Number(ds.PatientWeight) : null;
  const decayCorrection = ds.DecayCorrection !== undefined ? String(ds.DecayCorrection) : null;
  let suv: number | null = null;
  if (injectedBq && weightKg && halfLifeS && injectionTimeS !== null && scanTimeS !== null) {
    const dt = decayCorrection === "NONE" ? 0 : scanTimeS - injectionTimeS;
    suv = (weightKg * 1000) / (injectedBq * 2 ** (-dt / halfLifeS));
  }
  return {
    radionuclide: nuclideCode?.CodeMeaning ? String(nuclideCode.CodeMeaning) : null,
    injectedBq,
    injectionTimeS,
    halfLifeS,
    units: ds.Units !== undefined ? String(ds.Units) : null,
    decayCorrection,
    scanTimeS,
    weightKg,
    suvBwFactor: suv,
  };
}

/** BIDS / PET-BIDS sidecar keys for a series (times in s, activity in MBq). */
export function bidsSidecar(ds: Dataset, frameTimesS: number[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Modality: ds.Modality,
    Manufacturer: ds.Manufacturer,
    ManufacturersModelName: ds.ManufacturerModelName,
    SeriesDescription: ds.SeriesDescription,
    SeriesInstanceUID: ds.SeriesInstanceUID,
  };
  if (ds.Modality === "MR") {
    Object.assign(out, {
      MagneticFieldStrength:
        ds.MagneticFieldStrength !== undefined ? Number(ds.MagneticFieldStrength) : undefined,
      FlipAngle: ds.FlipAngle !== undefined ? Number(ds.FlipAngle) : undefined,
      RepetitionTime: ds.RepetitionTime !== undefined ? Number(ds.RepetitionTime) / 1000 : undefined,
      EchoTime: ds.EchoTime !== undefined ? Number(ds.EchoTime) / 1000 : undefined,
    });
  }
  if (ds.Modality === "PT" || ds.Modality === "NM") {
    const p = petInfo(ds);
    Object.assign(out, {
      TracerRadionuclide: p.radionuclide ?? undefined,
      InjectedRadioactivity: p.injectedBq !== null ? p.injectedBq / 1e6 : undefined,
      InjectedRadioactivityUnits: "MBq",
      Units: p.units ?? undefined,
      DecayCorrection: p.decayCorrection ?? undefined,
      SUVbwFactor: p.suvBwFactor ?? undefined,
      BodyWeight: p.weightKg ?? undefined,
      TimeZero: ds.SeriesTime,
    });
  }
  if (frameTimesS.length > 1) out.FrameTimesStart = frameTimesS;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}
