/**
 * `npm run ask -- "question"`: answers from the command line, no Discord needed. `--json` prints the answer
 * object; with no question, reads one per line from standard input and writes JSON Lines. Builds the index
 * first on a fresh clone.
 */
import readline from 'node:readline';
import { loadConfig } from '../config.js';
import { wholeNumber } from '../config-values.js';
import { periodFromBounds, type Period } from '../dates.js';
import { openPipeline, type Pipeline } from '../pipeline.js';
import { checkPeriod, QuestionError } from '../answer-question.js';
import { exitWithError } from '../errors.js';
import { endOnClosedOutput, sanitizeForTerminal, terminalJson } from '../terminal.js';
import { formatAnswer } from './answer-text.js';
import { staleCorpusNote } from './corpus-note.js';
import { parseCommandLine } from './args.js';
import { exitInterrupted, listenForInterrupt, type Interrupt } from './interrupt.js';
import { embedProgressBar, formatBuildReport } from './progress.js';

const USAGE = `Usage: npm run ask -- [--json] [--k N] [--since WHEN] [--until WHEN] "your question"
       npm run ask -- [--k N] < questions.txt      (one question per line, JSON Lines out)

Options:
  --json          print the answer object as JSON
  --k N           number of passages to quote (1-10)
  --since WHEN    only articles published from then on: 2023-09-13, 2023-09, 2023, or 7d, 2w, 3m, 1y ago
  --until WHEN    only articles published until then (same forms; a day, month or year counts whole)`;

function parsePassages(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const k = wholeNumber(raw);
  if (!Number.isInteger(k) || k < 1 || k > 10) throw new QuestionError(`--k must be a whole number from 1 to 10 (got "${raw}").`);
  return k;
}

/**
 * The questions of standard input, one a line (blank lines skipped), once the first has come: none at all is the
 * user's mistake, found before the pipeline opens (and perhaps builds the index) for nothing.
 */
async function stdinQuestions(outputClosed: AbortSignal): Promise<AsyncGenerator<string>> {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  // Reading stops when nobody reads the answers any more, even while the next question is slow to come.
  outputClosed.addEventListener('abort', () => lines.close(), { once: true });
  const questions = (async function* () {
    for await (const line of lines) if (line.trim()) yield line;
  })();
  const first = await questions.next();
  if (first.done && !outputClosed.aborted) throw new QuestionError('No question was given: put one in quotes after the command, or one per line on standard input.');
  return (async function* () {
    if (!first.done) yield first.value;
    yield* questions;
  })();
}

async function answerStdin(pipeline: Pipeline, questions: AsyncGenerator<string>, passages: number | undefined, period: Period | undefined, outputClosed: AbortSignal): Promise<boolean> {
  let ok = true;
  for await (const line of questions) {
    if (outputClosed.aborted) break;
    try {
      console.log(terminalJson(await pipeline.ask(line, { passages, period })));
    } catch (error) {
      if (!(error instanceof QuestionError)) throw error;
      ok = false;
      console.log(terminalJson({ question: line, error: error.message }));
    }
  }
  return ok;
}

async function main(): Promise<void> {
  const outputClosed = endOnClosedOutput();
  const { values, positionals } = parseCommandLine(
    {
      allowPositionals: true,
      options: { json: { type: 'boolean' }, k: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    },
    'npm run ask',
  );
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const passages = parsePassages(values.k);
  const period = periodFromBounds({ since: values.since, until: values.until }, { since: '--since', until: '--until' });
  const question = positionals.join(' ');
  if (positionals.length > 0 && !question.trim()) throw new QuestionError('Please ask a question: it was empty.');
  if (positionals.length === 0 && process.stdin.isTTY) {
    console.error(USAGE);
    process.exit(1);
  }

  const questions = positionals.length === 0 ? await stdinQuestions(outputClosed) : undefined;
  const config = await loadConfig();
  const bar = embedProgressBar();
  // Ctrl-C stops a first build as it stops `npm run embed`; outside the build it ends the process as usual.
  let interrupt: Interrupt | undefined;
  let builtNow = false;
  const pipeline = await openPipeline(config, {
    buildIfMissing: true,
    warmUp: positionals.length === 0,
    onBuildStart: () => {
      builtNow = true;
      console.error('No index yet: building it from the corpus first (this happens once).');
      interrupt = listenForInterrupt();
      return interrupt.signal;
    },
    onBuildProgress: bar.update,
    onBuildDone: (report, warnings) => {
      bar.stop();
      console.error(formatBuildReport(report));
      // As `npm run embed` says them, on standard error here: standard output is the answer's.
      for (const warning of warnings) console.error(sanitizeForTerminal(`Warning: ${warning.message}.`, { keepNewlines: false }));
    },
  }).catch((error: unknown) => {
    bar.stop();
    if (interrupt?.signal.aborted) exitInterrupted('no index was built');
    throw error;
  });
  interrupt?.stop();
  // Looked for while the question is answered, said after it (on stderr, whatever stdout holds): files of the
  // corpus newer than the local index. Not after a build this run made, nor for the database's coverage.
  // Only a note: a folder it cannot read costs the answer nothing.
  const note = builtNow || pipeline.store.backend !== 'local' ? undefined : staleCorpusNote(config).catch(() => undefined);
  const sayNote = async () => {
    const line = await note;
    if (line && !outputClosed.aborted) console.error(line);
  };
  if (questions) {
    // A period the coverage cannot have (--since over undated articles) is said once, not for every line.
    checkPeriod(pipeline.index, period);
    if (!(await answerStdin(pipeline, questions, passages, period, outputClosed))) process.exitCode = 1;
    await sayNote();
    return;
  }
  const answer = await pipeline.ask(question, { passages, period });
  console.log(values.json ? terminalJson(answer, 2) : formatAnswer(answer));
  await sayNote();
}

main().catch((error: unknown) => exitWithError(error));
