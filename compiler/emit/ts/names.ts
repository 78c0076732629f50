// Names and text in generated TypeScript: user-chosen names (models, layers, fields, state tensors) become
// valid, non-clashing JS identifiers; user strings become string literals; user text inside comments
// cannot end the comment.
//
// Identifiers are camelCase from the name's word characters ("hidden.weight" → hiddenWeight, "conv-1" →
// conv1), prefixed with `_` when they would start with a digit, and suffixed with `_` when they hit a
// reserved word, a name the class itself uses, or a runtime import. A Namer hands out unique names in
// order of request, so the same program always gets the same identifiers (goldens stay stable).

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "implements interface let package private protected public static yield await async of get set as any boolean " +
    "number string symbol never unknown object bigint undefined declare type readonly abstract constructor " +
    "__proto__ then prototype arguments eval NaN Infinity globalThis Math Object Array Error Float32Array " +
    "Int32Array ArrayBuffer Promise Record Number String Symbol"
  ).split(" "),
);

/** camelCase identifier from any text; never empty, never starting with a digit. */
export function identifier(text: string, style: "camel" | "pascal" = "camel"): string {
  // Word boundaries: anything but letters, digits and `$`, so `log_softmax` and `hidden.weight` camelCase too.
  const words = text.split(/[^A-Za-z0-9$]+/).filter((w) => w.length > 0);
  let id = words
    .map((w, i) => (i === 0 && style === "camel" ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join("");
  if (style === "pascal") id = id.charAt(0).toUpperCase() + id.slice(1);
  if (id === "") id = "_";
  if (/^[0-9]/.test(id)) id = `_${id}`;
  return id;
}

/** Hands out unique identifiers; `taken` are names already in use (runtime imports, class members). */
export class Namer {
  private readonly used = new Set<string>();

  constructor(taken: Iterable<string> = []) {
    for (const t of taken) this.used.add(t);
  }

  reserve(name: string): void {
    this.used.add(name);
  }

  has(name: string): boolean {
    return this.used.has(name);
  }

  /** A fresh identifier derived from `text`: `hidden`, then `hidden2`, `hidden3`… */
  fresh(text: string, style: "camel" | "pascal" = "camel"): string {
    let base = identifier(text, style);
    if (RESERVED.has(base)) base = `${base}_`;
    let name = base;
    for (let k = 2; this.used.has(name); k++) name = `${base}${k}`;
    this.used.add(name);
    return name;
  }
}

/**
 * A string literal for any text: JSON escaping (quotes, backslashes, control characters) plus the two line
 * terminators JSON allows but older JS did not, and `<` before `/` so the text is also safe in HTML.
 * Backticks and `${` are harmless inside a double-quoted literal.
 */
export function stringLiteral(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** A property key (object literal, interface): bare when it is an identifier, quoted otherwise ("hidden.weight"). */
export function propertyKey(name: string): string {
  // A quoted "__proto__" key in an object literal still sets the prototype; the computed form does not.
  if (name === "__proto__") return `[${stringLiteral(name)}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : stringLiteral(name);
}

/** Property access: `obj.name` or `obj["na-me"]`. */
export function propertyAccess(obj: string, name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${obj}.${name}` : `${obj}[${stringLiteral(name)}]`;
}

/** User text made safe for a `//` or `/* *\/` comment: one line, no comment terminator. */
export function commentText(text: string): string {
  return text
    .replace(/\r\n|[\r\n\u2028\u2029]/g, " ")
    .replace(/\*\//g, "* /")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "?")
    .trim();
}
