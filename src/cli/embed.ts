/**
 * `npm run embed`: (re)builds the index from the corpus folder. Only new or changed articles are embedded;
 * deleted ones are removed. Ctrl-C leaves the live index as it was.
 */
import { buildCoverage, openCoverageStore } from '../coverage-store.js';
import type { CoverageStore } from '../index/coverage.js';
import { loadConfig, webAddress, type Config } from '../config.js';
import { ingest, type IngestSources } from '../ingest/ingest.js';
import type { IndexLock } from '../index/lock.js';
import { formatIngestReport } from '../ingest/report.js';
import { CorpusError, loadCorpus, unreadableFilesError } from '../corpus/load.js';
import { loadEmbedder } from '../embedder.js';
import { exitWithError } from '../errors.js';
import { sanitizeForTerminal } from '../terminal.js';
import { parseCommandLine } from './args.js';
import { exitInterrupted, listenForInterrupt, type Interrupt } from './interrupt.js';
import { count, embedProgressBar, fetchProgressBar, formatBuildReport } from './progress.js';

const USAGE = `Usage: npm run embed [-- --skip-invalid] [--feed URL]... [--url URL]...

Reads the articles in CORPUS_DIR (.txt, .md with front matter, .jsonl, .html), embeds new or changed ones
and writes the index to EMBEDDINGS_DIR. Unreadable files stop the run unless --skip-invalid is given.

Options:
  --feed URL   read an RSS or Atom feed first, and save its new or changed articles into CORPUS_DIR/web/
               (repeatable; added to the feeds of FEEDS)
  --url URL    fetch one article page first and save it the same way (repeatable)`;

async function main(): Promise<void> {
  const { values } = parseCommandLine(
    {
      options: {
        'skip-invalid': { type: 'boolean' },
        feed: { type: 'string', multiple: true },
        url: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'npm run embed',
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const feeds = (values.feed ?? []).map((url) => webAddress(url, '--feed'));
  const urls = (values.url ?? []).map((url) => webAddress(url, '--url'));
  const config = await loadConfig();
  const sources = { feeds: [...new Set([...config.ingest.feeds, ...feeds])], urls };
  const store = await openCoverageStore(config);
  let interrupted = false;
  try {
    // The whole run holds the embed lock, fetching too: two runs fetching at once would each write the fetch
    // state read before the other's, and lose what the other fetched. A second run is refused before it fetches.
    const lock = await store.target.lock('embed');
    // Ctrl-C from here on stops the step under way (the fetch keeps what it saved), and the lock is released.
    const interrupt = listenForInterrupt();
    try {
      const fetchesFailed = await fetchSources(sources, config, interrupt.signal);
      await embedCorpus(store, config, { skipInvalid: values['skip-invalid'] === true, fetchesFailed, lock, interrupt });
    } catch (error) {
      if (!interrupt.signal.aborted) throw error;
      interrupted = true;
    } finally {
      interrupt.stop();
      await lock.release();
    }
  } finally {
    await store.close();
  }
  if (interrupted) exitInterrupted('the index was not changed');
}

/** Reads the feeds and pages (none: nothing to do) and prints the summary; returns how many fetches asked for by name failed. */
async function fetchSources(sources: IngestSources, config: Config, signal: AbortSignal): Promise<number> {
  if (sources.feeds.length + sources.urls.length === 0) return 0;
  const bar = fetchProgressBar();
  const report = await ingest(sources, { corpusDir: config.corpusDir, fetch: config.ingest.fetch, maxFeedItems: config.ingest.maxFeedItems, maxArticleBytes: config.maxArticleBytes, onProgress: bar.update, signal }).finally(bar.stop);
  console.log(sanitizeForTerminal(formatIngestReport(report), { keepNewlines: true }));
  // What was asked for by name: a feed, a --url page. A feed's item that fails (a 404 the outlet left in its
  // feed) is named in the summary, but would fail every run the feed changes: it does not set the exit code.
  const asked = new Set(sources.urls);
  return report.feeds.filter((f) => f.reason).length + report.articles.filter((a) => a.kind === 'failed' && asked.has(a.url)).length;
}

/** Throws when interrupted (Ctrl-C) before the build is done; the caller releases the lock and says so. */
async function embedCorpus(
  store: CoverageStore,
  config: Config,
  { skipInvalid, fetchesFailed, lock, interrupt }: { skipInvalid: boolean; fetchesFailed: number; lock: IndexLock; interrupt: Interrupt },
): Promise<void> {
  interrupt.signal.throwIfAborted();
  // The live version's articles keep their ids where a new file gives the same one (src/corpus/ids.ts); read
  // under the embed lock, so the version they are read from is the one the build reuses.
  const corpus = await loadCorpus(config.corpusDir, { maxArticleBytes: config.maxArticleBytes, known: await store.knownArticles() });
  if (corpus.problems.length > 0 && !skipInvalid) throw unreadableFilesError(corpus.problems, 'The index was not changed');
  for (const problem of corpus.problems) console.error(sanitizeForTerminal(`Skipped ${problem.source}: ${problem.reason}`, { keepNewlines: false }));
  // Skipping every file would embed nothing and remove every article from the live index.
  if (corpus.articles.length === 0) {
    // A problem is a file, or a line of a .jsonl file (`file.jsonl:12`).
    const files = new Set(corpus.problems.map((p) => p.source.replace(/:\d+$/, ''))).size;
    throw new CorpusError(`Every file in ${config.corpusDir} was skipped (${count(files, 'file')}, above). The index was not changed.`);
  }
  console.error(`Corpus: ${count(corpus.articles.length, 'article')} in ${config.corpusDir}. Model: ${config.embedding.modelId}.`);
  const embedder = await loadEmbedder(config.embedding);
  interrupt.signal.throwIfAborted();

  const bar = embedProgressBar();
  try {
    const report = await buildCoverage(store, config, corpus.articles, embedder, { onProgress: bar.update, signal: interrupt.signal, lock, corpusAsOf: corpus.readAt });
    // Built: a Ctrl-C from now on ends the process as usual.
    interrupt.stop();
    bar.stop();
    console.log(formatBuildReport(report));
    // Repeated after the summary, where they are seen.
    for (const warning of corpus.warnings) console.log(sanitizeForTerminal(`Warning: ${warning.message}.`, { keepNewlines: false }));
    if (fetchesFailed > 0) {
      // The rest is indexed, but a scheduled run must not look like a clean one.
      console.error(`Error: ${fetchesFailed === 1 ? '1 fetch' : `${fetchesFailed} fetches`} failed (named above); everything else was indexed.`);
      process.exitCode = 1;
    }
  } finally {
    bar.stop();
  }
}

main().catch((error: unknown) => exitWithError(error));
