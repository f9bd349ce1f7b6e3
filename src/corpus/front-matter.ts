/**
 * Markdown front matter, read with gray-matter, in YAML only, every scalar kept as written: js-yaml's default schema
 * reads an unquoted `published: 2023-09-13T01:30:00+03:00` as a Date, which has no offset, so the outlet's own
 * day would be lost (12 Sep in UTC), and `id: 0123` as a number. A date stays the text written, read like any other
 * (declared-date.ts).
 */
import { createRequire } from 'node:module';
import matter from 'gray-matter';

interface YamlSchema {
  implicit: unknown[];
  explicit: unknown[];
}
interface JsYaml {
  Schema: new (definition: { include: YamlSchema[]; implicit: unknown[]; explicit?: unknown[] }) => YamlSchema;
  FAILSAFE_SCHEMA: YamlSchema;
  DEFAULT_SAFE_SCHEMA: YamlSchema;
  safeLoad(text: string, options: { schema: YamlSchema }): unknown;
}

// The js-yaml (3.x) gray-matter itself uses; it ships no types.
const yaml = createRequire(import.meta.url)('js-yaml') as JsYaml;

const NULL = 'tag:yaml.org,2002:null';
/**
 * Every scalar as written (js-yaml's failsafe schema), but an empty value or `~`, which is none: YAML 1.1 would read
 * `id: 0123` as the octal 83, `title: 3.10` as 3.1, a 20-digit id as a rounded number, a date as a Date in UTC.
 */
const SCHEMA = new yaml.Schema({
  include: [yaml.FAILSAFE_SCHEMA],
  implicit: yaml.DEFAULT_SAFE_SCHEMA.implicit.filter((type) => (type as { tag?: string }).tag === NULL),
});

/** gray-matter's other engines, refused: its JavaScript engine runs the block (`---js`), on any file of the corpus. */
const notYaml = (language: string) => () => {
  throw new Error(`front matter in ${language} is not read: write it in YAML, after a plain --- line`);
};

/**
 * The front matter and body of a Markdown file; throws (js-yaml's error) when the front matter is not valid YAML, or
 * is in another language (`---js`, `---json`, `---coffee`: gray-matter would run or read it).
 */
export function readFrontMatter(content: string): matter.GrayMatterFile<string> {
  return matter(content, {
    language: 'yaml',
    engines: {
      yaml: (text: string) => (yaml.safeLoad(text, { schema: SCHEMA }) ?? {}) as object,
      javascript: notYaml('JavaScript'),
      json: notYaml('JSON'),
      coffee: notYaml('CoffeeScript'),
    },
  });
}
