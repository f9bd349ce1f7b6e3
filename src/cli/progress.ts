/** The embed progress bar and summary, shared by `npm run embed` and `npm run ask` on a fresh clone. */
import cliProgress from 'cli-progress';
import type { BuildProgress, BuildReport } from '../index/build.js';

export function embedProgressBar(): { update: (progress: BuildProgress) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { format: 'Embedding |{bar}| {value}/{total} texts | {percentage}% | ETA {eta_formatted}', hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update({ embedded, toEmbed }) {
      if (!started) {
        bar.start(toEmbed, embedded);
        started = true;
      } else bar.update(embedded);
    },
    stop: () => started && bar.stop(),
  };
}

export function formatBuildReport(report: BuildReport): string {
  const rate = report.embeddedTexts > 0 ? ` (${(report.embeddedTexts / report.seconds).toFixed(1)} texts/s)` : '';
  const lines = [
    `Index ${report.version}: ${report.articles} articles, ${report.chunks} chunks, ${report.sentences} sentences.`,
    `This run: ${report.added.length} new, ${report.changed.length} changed, ${report.removed.length} removed, ${report.unchanged} unchanged articles; ` +
      `${report.embeddedTexts} chunks and sentences embedded in ${report.seconds.toFixed(1)} s${rate}.`,
  ];
  if (report.fullRebuildReason) lines.unshift(`Rebuilt from scratch: ${report.fullRebuildReason.replace(/\.$/, '')}.`);
  return lines.join('\n');
}
