/**
 * The bit-exact JSON form of the EM driver's state, for checkpoints (`runEm` with
 * `checkpoint` / `resume`). Plain JSON loses what a resumed fit needs to end at the same bits:
 * `-0`, NaN and ±Infinity, and it spells a Float64Array as an object of strings. So
 * `encodeState` keeps finite numbers as JSON numbers (JavaScript prints the shortest decimal
 * that parses back to the same double), writes the other numbers as `{"$num": "NaN"}`, and a
 * typed array as `{"$f64": base64}` of its little-endian bytes; `decodeState` undoes it. Only
 * plain objects, arrays, strings, booleans, null, numbers and typed arrays are accepted: a
 * model whose params are anything else (a class instance, a Map) cannot be checkpointed and
 * says so.
 */

/** What `encodeState` produces: JSON, ready for `JSON.stringify`. */
export type EncodedState = null | boolean | number | string | EncodedState[] | { [key: string]: EncodedState };

/** A state that cannot be encoded or decoded; the message names the value's place. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

const typedArrays = {
  $f64: Float64Array,
  $f32: Float32Array,
  $i32: Int32Array,
  $u32: Uint32Array,
  $u8: Uint8Array,
} as const;
type TypedTag = keyof typeof typedArrays;
type AnyTyped = InstanceType<(typeof typedArrays)[TypedTag]>;

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function bytesOf(a: AnyTyped): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
  if (!littleEndian && a.BYTES_PER_ELEMENT > 1) {
    for (let i = 0; i < bytes.length; i += a.BYTES_PER_ELEMENT) bytes.subarray(i, i + a.BYTES_PER_ELEMENT).reverse();
  }
  return bytes;
}

function typedFrom(tag: TypedTag, base64: string, where: string): AnyTyped {
  const type = typedArrays[tag];
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64(base64);
  } catch {
    throw new CheckpointError(`${where}: not base64`);
  }
  if (bytes.length % type.BYTES_PER_ELEMENT !== 0)
    throw new CheckpointError(`${where}: a ${tag} of ${bytes.length} bytes`);
  if (!littleEndian && type.BYTES_PER_ELEMENT > 1) {
    for (let i = 0; i < bytes.length; i += type.BYTES_PER_ELEMENT)
      bytes.subarray(i, i + type.BYTES_PER_ELEMENT).reverse();
  }
  return new type(bytes.buffer, 0, bytes.length / type.BYTES_PER_ELEMENT);
}

/** Base64 through the binary-string built-ins, so the runtime needs no Node `Buffer`. */
function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

const specialNumbers: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  '-0': -0,
};

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The JSON form of `value`; throws a `CheckpointError` naming the first value it cannot hold. */
export function encodeState(value: unknown, where = 'state'): EncodedState {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { $num: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (typeof value === 'object') {
    for (const [tag, type] of Object.entries(typedArrays)) {
      if (value instanceof type) return { [tag]: toBase64(bytesOf(value as AnyTyped)) };
    }
    if (Array.isArray(value)) return value.map((v, i) => encodeState(v, `${where}[${i}]`));
    if (isPlainObject(value)) {
      const out: Record<string, EncodedState> = {};
      for (const [k, v] of Object.entries(value)) {
        if (v !== undefined) out[k] = encodeState(v, `${where}.${k}`);
      }
      // A key that looks like a tag would decode as one: wrap such objects.
      return Object.keys(out).some((k) => k.startsWith('$')) ? { $obj: out } : out;
    }
  }
  const what = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  throw new CheckpointError(`${where}: a ${what} cannot be saved in a checkpoint`);
}

/** The value `encodeState` was given (plain objects, arrays and typed arrays rebuilt). */
export function decodeState(json: unknown, where = 'state'): unknown {
  if (json === null || typeof json === 'string' || typeof json === 'boolean' || typeof json === 'number') return json;
  if (Array.isArray(json)) return json.map((v, i) => decodeState(v, `${where}[${i}]`));
  if (typeof json === 'object') {
    const entries = Object.entries(json);
    const [first] = entries;
    if (entries.length === 1 && first && first[0].startsWith('$')) {
      const [tag, payload] = first;
      if (tag === '$num' && typeof payload === 'string' && Object.hasOwn(specialNumbers, payload))
        return specialNumbers[payload];
      if (Object.hasOwn(typedArrays, tag) && typeof payload === 'string')
        return typedFrom(tag as TypedTag, payload, where);
      if (tag === '$obj' && typeof payload === 'object' && payload !== null && !Array.isArray(payload))
        return decodeObject(Object.entries(payload), where);
      throw new CheckpointError(`${where}: unknown tag '${tag}'`);
    }
    return decodeObject(entries, where);
  }
  throw new CheckpointError(`${where}: not JSON`);
}

function decodeObject(entries: [string, unknown][], where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) out[k] = decodeState(v, `${where}.${k}`);
  return out;
}
