/** Image viewer panel (NiiVue): a scan with its label map or parametric overlay; click → curve. */
import { Niivue } from "@niivue/niivue";
import { api, type Scan } from "./api.js";

export class Viewer {
  private nv: Niivue;
  onVoxel: (scan: Scan, ijk: [number, number, number]) => void = () => {};
  private scan: Scan | null = null;
  /** number of frames of the base image (4D dynamic series) */
  frames = 1;

  setMultiplanar(on: boolean): void {
    this.nv.setSliceType(on ? this.nv.sliceTypeMultiplanar : this.nv.sliceTypeAxial);
  }

  setFrame(frame: number): void {
    const v = this.nv.volumes[0];
    if (v) this.nv.setFrame4D(v.id, frame);
  }

  constructor(canvas: HTMLCanvasElement) {
    this.nv = new Niivue({ show3Dcrosshair: true, backColor: [0, 0, 0, 1], isColorbar: true });
    void this.nv.attachToCanvas(canvas);
    this.nv.onLocationChange = (data: unknown) => {
      const d = data as { vox?: number[] };
      if (this.scan && d.vox) this.onVoxel(this.scan, [d.vox[0], d.vox[1], d.vox[2]]);
    };
  }

  async show(scan: Scan): Promise<void> {
    this.scan = scan;
    const volumes: { url: string; name: string; colormap?: string; opacity?: number }[] = [
      {
        url: api.fileUrl(scan.files[0]),
        name: scan.files[0].split("/").pop() as string,
        colormap: scan.modality === "MRI" ? "gray" : "hot",
      },
    ];
    if (scan.labels)
      volumes.push({
        url: api.fileUrl(scan.labels),
        name: scan.labels.split("/").pop() as string,
        colormap: "actc",
        opacity: 0.35,
      });
    if (scan.purpose === "dce") {
      // voxelwise Ktrans map written by `eprscope run` (results/maps/<scan>/), colour-mapped over anatomy
      volumes.push({
        url: api.fileUrl(`results/maps/${scan.id}/Ktrans_per_min.nii.gz`),
        name: "Ktrans_per_min.nii.gz",
        colormap: "warm",
        opacity: 0.6,
      });
    }
    await this.nv.loadVolumes(volumes);
    this.nv.setSliceType(this.nv.sliceTypeAxial);
    this.frames = this.nv.volumes[0]?.nFrame4D ?? 1;
    document.body.dataset.viewerLoaded = scan.id;
  }
}
