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
/** Copies a stored vector's bytes into slot `slot` of packed vectors of `dimension`, refusing one of another size. */
export function setVectorBytes(vectors: Float32Array, slot: number, dimension: number, bytes: Uint8Array): void {
  if (bytes.byteLength !== dimension * 4) throw new Error(`a stored vector has ${bytes.byteLength} bytes, not the ${dimension * 4} of ${dimension} dimensions`);
  new Uint8Array(vectors.buffer, vectors.byteOffset + slot * dimension * 4, dimension * 4).set(bytes);
}

