/** The progress bars and the embed summary, shared by `npm run embed` and `npm run ask` on a fresh clone. */
import cliProgress from 'cli-progress';
import type { BuildProgress, BuildReport } from '../index/build.js';

/** A bar on standard error, started by its first update: `label |███| done/total unit | %`. */
function countingBar(label: string, unit: string): { update: (done: number, total: number) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { format: `${label} |{bar}| {value}/{total} ${unit} | {percentage}% | ETA {eta_formatted}`, hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else bar.update(done);
    },
    // Once: an error after the bar was stopped stops it again on its way out.
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}

export function embedProgressBar(): { update: (progress: BuildProgress) => void; stop: () => void } {
  const bar = countingBar('Embedding', 'texts');
  return { update: ({ embedded, toEmbed }) => bar.update(embedded, toEmbed), stop: bar.stop };
}

/** Pages fetched from the web, one step per article of the feeds and --url. */
export const fetchProgressBar = () => countingBar('Fetching', 'pages');

/** "1 article", "2 articles". */
export const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export function formatBuildReport(report: BuildReport): string {
  const size = `${count(report.articles, 'article')}, ${count(report.chunks, 'chunk')}, ${count(report.sentences, 'sentence')}`;
  if (report.vectorIndex === 'unchanged') {
    return `Index ${report.version} is up to date: ${size}; nothing changed, nothing written (${report.seconds.toFixed(1)} s).`;
  }
  const details = report.detailsChanged.length > 0 ? `${report.detailsChanged.length} with new details only (headline, date, address, file…), ` : '';
  const rate = report.embeddedTexts > 0 ? ` (${(report.embeddedTexts / report.seconds).toFixed(1)} texts/s)` : '';
  const lines = [
    `Index ${report.version}: ${size}.`,
    `This run: ${report.added.length} new, ${report.changed.length} changed, ${details}${report.removed.length} removed, ${report.unchanged} unchanged articles; ` +
      `${report.embeddedTexts} chunks and sentences embedded in ${report.seconds.toFixed(1)} s${rate}` +
      (report.vectorIndex === 'updated' ? '; the vector index was updated in place.' : '.'),
  ];
  if (report.fullRebuildReason) lines.unshift(`Rebuilt from scratch: ${report.fullRebuildReason.replace(/\.$/, '')}.`);
  return lines.join('\n');
}
