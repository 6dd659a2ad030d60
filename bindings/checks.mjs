// checks.mjs - argument validation shared by the JavaScript API's parts:
// each check names the call (where), the argument (what), what it got and
// what is allowed, and throws descent's Error; toMatrix flattens the API's
// Matrix into a Float32Array of whole rows.

export function fail(where, message) {
  return new Error(`${where}: ${message}`);
}

/** Any value as message text: strings quoted, and never a throw (BigInt, Symbol, cycles). */
export function show(value) {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' || value === undefined) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeOf(value);
  }
}

export function oneOf(where, what, value, names) {
  const i = names.indexOf(value);
  if (i < 0) throw fail(where, `${what} ${show(value)} is not one of ${names.join(', ')}`);
  return i;
}

/** object's keys must be among allowed; what names the parameter when where does not. */
export function checkKeys(where, object, allowed, what) {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    throw fail(where, `${what ? `${what} must be an object` : 'expected an object'}, got ${typeOf(object)}`);
  }
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw fail(where, `unknown option '${key}' (allowed: ${allowed.join(', ')})`);
    }
  }
}

export function typeOf(v) {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

export function num(where, what, value, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw fail(where, `${what} must be a number, got ${typeOf(value)} ${String(value)}`);
  }
  return value;
}

export function int(where, what, value, fallback, min, max) {
  const v = num(where, what, value, fallback);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw fail(where, `${what} must be an integer in ${min}..${max}, got ${v}`);
  }
  return v;
}

export function bool(where, what, value, fallback) {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw fail(where, `${what} must be true or false, got ${typeOf(value)}`);
  return value;
}

// The most float32 values one WebAssembly heap (at most 2 GiB here) can hold.
export const MAX_VALUES = 2 ** 29;

/** A list's length, checked: an integer that fits the wasm heap. */
export function lengthOf(where, what, value, limit = MAX_VALUES) {
  const n = value.length;
  if (!Number.isSafeInteger(n) || n < 0) throw fail(where, `${what} has length ${show(n)}: not an array`);
  if (n > limit) throw fail(where, `${what} has ${n} values: more than the ${limit} a WebAssembly heap can hold`);
  return n;
}

export function number(where, what, v) {
  if (typeof v !== 'number') throw fail(where, `${what} is ${typeOf(v)} ${show(v)}: expected a number`);
  return v;
}

/** Flattens a Matrix into a Float32Array of rows × columns, naming what is wrong. */
export function toMatrix(where, what, value, columns) {
  if (value === null || value === undefined || typeof value !== 'object' || typeof value.length !== 'number') {
    throw fail(where, `${what} must be a Float32Array, an array of numbers or an array of rows, got ${typeOf(value)}`);
  }
  let flat;
  if (value instanceof Float32Array) {
    flat = value;
  } else if (value.length > 0 && typeof value[0] === 'object' && value[0] !== null) {
    const rows = lengthOf(where, what, value, Math.floor(MAX_VALUES / columns));
    flat = new Float32Array(rows * columns);
    for (let r = 0; r < rows; r++) {
      const row = value[r];
      if (!row || typeof row !== 'object' || row.length !== columns) {
        throw fail(where, `${what}[${r}] has ${show(row && row.length)} values, expected ${columns}`);
      }
      for (let c = 0; c < columns; c++) flat[r * columns + c] = number(where, `${what}[${r}][${c}]`, row[c]);
    }
  } else {
    const n = lengthOf(where, what, value);
    flat = new Float32Array(n);
    if (ArrayBuffer.isView(value)) {
      if (typeof value[0] === 'bigint') throw fail(where, `${what} is a ${value.constructor.name}: expected numbers`);
      flat.set(value);
    } else {
      for (let i = 0; i < n; i++) flat[i] = number(where, `${what}[${i}]`, value[i]);
    }
  }
  if (flat.length === 0 || flat.length % columns !== 0) {
    throw fail(where, `${what} has ${flat.length} values: expected a positive multiple of ${columns} (one row per sample)`);
  }
  return flat;
}

/** x and y as float32 rows for model (its inputs and outputs): [x, y, n]. */
export function modelRows(where, model, x, y) {
  const xs = toMatrix(where, 'x', x, model.inputs);
  const ys = toMatrix(where, 'y', y, model.outputs);
  const n = xs.length / model.inputs;
  if (ys.length / model.outputs !== n) {
    throw fail(where, `x has ${n} rows but y has ${ys.length / model.outputs} (${model.outputs} value${model.outputs === 1 ? '' : 's'} per row)`);
  }
  return [xs, ys, n];
}

/** A scaler {mean, std} of expected columns (any when null); returns its column count. */
export function checkScaler(where, scaler, expected) {
  if (!scaler || !(scaler.mean instanceof Float32Array || Array.isArray(scaler.mean)) ||
      !(scaler.std instanceof Float32Array || Array.isArray(scaler.std))) {
    throw fail(where, 'scaler must be { mean, std } with one value per column');
  }
  if (scaler.mean.length !== scaler.std.length || scaler.mean.length === 0) {
    throw fail(where, `scaler.mean has ${scaler.mean.length} values and scaler.std ${scaler.std.length}: they must match`);
  }
  if (expected !== null && scaler.mean.length !== expected) {
    throw fail(where, `scaler has ${scaler.mean.length} columns, expected ${expected}`);
  }
  // A std of 0 would turn every value into Infinity; fitScaler gives 1 for a constant column.
  for (let j = 0; j < scaler.mean.length; j++) {
    const m = scaler.mean[j];
    const sd = scaler.std[j];
    if (typeof m !== 'number' || !Number.isFinite(m)) throw fail(where, `scaler.mean[${j}] is ${show(m)}: it must be a finite number`);
    if (typeof sd !== 'number' || !Number.isFinite(sd) || !(Math.fround(sd) > 0)) {
      throw fail(where, `scaler.std[${j}] is ${show(sd)}: it must be a finite number > 0 (fitScaler gives 1 for a constant column)`);
    }
  }
  return scaler.mean.length;
}
