/**
 * Run panel: starts `run` on the server (POST /api/run) and follows its server-sent events:
 * a progress bar advanced per finished task, the current task, and a task log (done, up to date,
 * failed with its message). When the run finishes, `onFinished` refreshes the figures.
 */
import { api, type RunEvent } from "../api.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class RunPanel {
  /** arrival times (ms since the run started) of the progress events, for the page and tests */
  arrivals: number[] = [];

  constructor(private onFinished: () => Promise<void>) {
    $("run-button").onclick = () => void this.start();
  }

  async start(): Promise<void> {
    const bar = $<HTMLProgressElement>("run-progress");
    const status = $("run-status");
    const log = $("run-log");
    const button = $<HTMLButtonElement>("run-button");
    bar.value = 0;
    log.replaceChildren();
    this.arrivals = [];
    status.textContent = "starting…";
    button.disabled = true;
    const t0 = performance.now();
    let failed = 0;
    try {
      await api.run();
    } catch (e) {
      status.textContent = String(e);
      button.disabled = false;
      return;
    }
    const es = api.events();
    es.onmessage = (m) => {
      const e = JSON.parse(m.data) as RunEvent;
      if (e.type === "start") status.textContent = `${(e.index ?? 0) + 1}/${e.total}: ${e.task}`;
      if (e.type === "done" || e.type === "skip" || e.type === "fail") {
        bar.value = Math.round((100 * ((e.index ?? 0) + 1)) / (e.total ?? 1));
        this.arrivals.push(Math.round(performance.now() - t0));
        document.body.dataset.runEvents = String(this.arrivals.length);
        document.body.dataset.runArrivals = JSON.stringify(this.arrivals);
        const li = document.createElement("li");
        li.className = e.type;
        li.textContent =
          e.type === "done"
            ? `✓ ${e.task} — ${e.rows} rows, ${Math.round(e.ms ?? 0)} ms`
            : e.type === "skip"
              ? `= ${e.task} — up to date`
              : `✗ ${e.task} — ${e.message}`;
        if (e.type === "fail") failed++;
        log.prepend(li);
      }
      if (e.type === "finished" || e.type === "idle") {
        es.close();
        bar.value = 100;
        const err = e.summary?.error;
        status.textContent = err ? `failed: ${err}` : failed ? `done, ${failed} failed` : "done";
        $<HTMLDetailsElement>("run-details").open = failed > 0 || Boolean(err);
        button.disabled = false;
        void this.onFinished().then(() => {
          document.body.dataset.runFinished = String(Date.now());
        });
      }
    };
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) button.disabled = false;
    };
  }
}
