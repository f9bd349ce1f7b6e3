/**
 * The rows both databases keep (the local SQLite file and Postgres): a chunk and a sentence as the view of one
 * question reads them, a text as the lexical indexes store it, a vector as bytes. Apart from either database,
 * so that neither backend's code loads the other's driver.
 */
import type { SentenceAnnotation } from '../reader/annotate.js';
import { LexicalIndex } from './lexical-index.js';

/** A chunk and a sentence as a view of one question reads them (the same rows as the Postgres tables'). */
export interface ChunkRow {
  label: number;
  article_id: string;
  start_offset: number;
  end_offset: number;
  first_sentence: number;
  sentence_count: number;
}
export interface SentenceRow {
  id: number;
  article_id: string;
  start_offset: number;
  end_offset: number;
  annotation: SentenceAnnotation;
  embedding: Uint8Array;
}

/** A text as the lexical indexes store it: its normalized terms, joined by spaces. */
export const termText = (text: string): string => LexicalIndex.terms(text).join(' ');
export const vectorBytes = (vector: Float32Array): Buffer => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
export const bytesVector = (bytes: Uint8Array): Float32Array => new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

