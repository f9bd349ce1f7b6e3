/**
 * Vectors sent to Postgres in its binary format instead of as text. The `pg` driver sends a Buffer parameter in
 * binary, and the server then reads it with the parameter type's receive function: pgvector's `vector_recv`
 * for a vector, Postgres's `array_recv` for an array. Parsing a 512-d vector's text was most of the time of
 * writing a version's chunks (2,585 chunks of 500 SciFact articles through `db:dev`: 3.39 s as text, 0.48 s in
 * binary; scripts/experiments/pg-write-times.ts), and the floats arrive exactly as they were.
 */

/** `bytea`'s type id, fixed in every Postgres (pg_type.dat). */
const BYTEA_OID = 17;

/** A vector as pgvector's `vector_send` writes it: dimensions (int16), an unused int16, then big-endian float4s. */
function writeVector(buffer: Buffer, offset: number, vector: Float32Array): number {
  offset = buffer.writeInt16BE(vector.length, offset);
  offset = buffer.writeInt16BE(0, offset);
  for (let k = 0; k < vector.length; k++) offset = buffer.writeFloatBE(vector[k]!, offset);
  return offset;
}

const vectorSize = (vector: Float32Array) => 4 + vector.length * 4;

/** One vector, for a `$n::vector` parameter. */
export function vectorParam(vector: Float32Array): Buffer {
  const buffer = Buffer.allocUnsafe(vectorSize(vector));
  writeVector(buffer, 0, vector);
  return buffer;
}

/** A one-dimensional array as `array_send` writes it: its header, then each element's length and bytes. */
function arrayParam(elementOid: number, count: number, size: (i: number) => number, write: (buffer: Buffer, offset: number, i: number) => number): Buffer {
  let total = 20;
  for (let i = 0; i < count; i++) total += 4 + size(i);
  const buffer = Buffer.allocUnsafe(total);
  let offset = buffer.writeInt32BE(1, 0); // dimensions
  offset = buffer.writeInt32BE(0, offset); // no nulls
  offset = buffer.writeInt32BE(elementOid, offset);
  offset = buffer.writeInt32BE(count, offset);
  offset = buffer.writeInt32BE(1, offset); // lower bound
  for (let i = 0; i < count; i++) {
    offset = buffer.writeInt32BE(size(i), offset);
    offset = write(buffer, offset, i);
  }
  if (offset !== total) throw new Error(`an array parameter of ${total} bytes was written with ${offset}`);
  return buffer;
}

/**
 * Vectors for a `$n::vector[]` parameter. `vectorOid` is the `vector` type's id in the database at hand (an
 * extension's types get theirs when it is created), which the array's header names. Postgres's `array_recv`
 * checks that name only between built-in types, and reads the elements as the parameter's type; the header
 * still says what it holds.
 */
export const vectorArrayParam = (vectorOid: number, vectors: Float32Array[]): Buffer =>
  arrayParam(vectorOid, vectors.length, (i) => vectorSize(vectors[i]!), (buffer, offset, i) => writeVector(buffer, offset, vectors[i]!));

/** Byte strings for a `$n::bytea[]` parameter (as text, each would travel as hex, twice its size). */
export const byteaArrayParam = (values: Uint8Array[]): Buffer =>
  arrayParam(BYTEA_OID, values.length, (i) => values[i]!.byteLength, (buffer, offset, i) => offset + Buffer.from(values[i]!.buffer, values[i]!.byteOffset, values[i]!.byteLength).copy(buffer, offset));

/** A vector of `dimension` from `vector_send(embedding)`'s bytes; one of another size is refused. */
export function vectorFromSend(bytes: Uint8Array, dimension: number): Float32Array {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength !== 4 + dimension * 4 || buffer.readInt16BE(0) !== dimension) {
    throw new Error(`a stored vector has ${bytes.byteLength} bytes and says ${bytes.byteLength >= 2 ? buffer.readInt16BE(0) : '?'} dimensions, not the ${dimension} of the version's model`);
  }
  const vector = new Float32Array(dimension);
  for (let k = 0; k < dimension; k++) vector[k] = buffer.readFloatBE(4 + k * 4);
  return vector;
}
