/**
 * Progress on stderr for long work: a cli-progress bar on a terminal, one line per step
 * otherwise (CI logs, pipes). Never writes to stdout (which --json keeps for the result).
 */
import cliProgress from "cli-progress";
import type { RunEvent } from "../engine/runner.js";

export function runProgress(enabled = true): { onEvent: (e: RunEvent) => void; stop: () => void } {
  if (!enabled) return { onEvent: () => {}, stop: () => {} };
  const tty = Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | null = null;
  const onEvent = (e: RunEvent) => {
    if (tty) {
      if (e.type === "plan") {
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: " {bar} {percentage}% | {value}/{total} tasks | {task}",
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(e.total, 0, { task: "" });
      } else if (e.type === "start") bar?.update(e.index, { task: e.task.id });
      else if (e.type === "progress") bar?.update({ task: `${e.task.id} ${Math.round(e.fraction * 100)}%` });
      else if (e.type === "done" || e.type === "skip") bar?.update(e.index + 1, { task: e.task.id });
      else if (e.type === "fail") {
        bar?.update(e.index + 1, { task: `${e.task.id} FAILED` });
      }
      return;
    }
    if (e.type === "plan") process.stderr.write(`eprscope: ${e.total} tasks\n`);
    else if (e.type === "done")
      process.stderr.write(
        `[${e.index + 1}/${e.total}] ${e.task.id} ok (${e.rows} results, ${Math.round(e.ms)} ms)\n`,
      );
    else if (e.type === "skip") process.stderr.write(`[${e.index + 1}/${e.total}] ${e.task.id} up to date\n`);
    else if (e.type === "fail")
      process.stderr.write(`[${e.index + 1}/${e.total}] ${e.task.id} FAILED: ${e.message}\n`);
  };
  return { onEvent, stop: () => (bar as cliProgress.SingleBar | null)?.stop() };
}
