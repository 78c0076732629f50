// Symbolic dimensions: integer polynomials over named symbols (B, T, d, …) in a canonical normal form.
//
// A Dim is a sum of terms `coef * a1 * a2 * …`; each term's atoms are sorted by key (a repeated atom is a
// power) and the terms are sorted by monomial key, with zero coefficients dropped. Equal polynomials
// therefore have identical structure, so `2*d + d` equals `3*d` and `T - 1 + 1` equals `T` by a plain
// structural comparison (`dimEquals`). Division that is not exact and not concrete becomes an opaque
// `floordiv` atom holding its operands (e.g. a conv output size over a symbolic height), which still
// substitutes and simplifies once its operands become concrete. Everything here is plain data.

export type Atom = { kind: "sym"; name: string } | { kind: "floordiv"; num: Dim; den: Dim };

export interface Term {
  coef: number;
  atoms: Atom[];
}

export interface Dim {
  terms: Term[];
}

export type Shape = Dim[];

function atomKey(a: Atom): string {
  return a.kind === "sym" ? a.name : `⌊${formatDim(a.num)} / ${formatDim(a.den)}⌋`;
}

function monoKey(atoms: readonly Atom[]): string {
  return atoms.map(atomKey).join("*");
}

/** Builds the normal form from any list of terms: merge equal monomials, drop zeros, sort. */
function normalize(terms: readonly Term[]): Dim {
  const byKey = new Map<string, Term>();
  for (const t of terms) {
    if (t.coef === 0) continue;
    const atoms = [...t.atoms].sort((a, b) => cmp(atomKey(a), atomKey(b)));
    const key = monoKey(atoms);
    const prev = byKey.get(key);
    if (prev) prev.coef += t.coef;
    else byKey.set(key, { coef: t.coef, atoms });
  }
  const out = [...byKey.entries()].filter(([, t]) => t.coef !== 0);
  // Higher degree first, then alphabetical; the constant term last (reads like `4*d + 1`).
  out.sort(([ka, a], [kb, b]) => b.atoms.length - a.atoms.length || cmp(ka, kb));
  return { terms: out.map(([, t]) => t) };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function dimConst(n: number): Dim {
  return n === 0 ? { terms: [] } : { terms: [{ coef: n, atoms: [] }] };
}

export function dimSym(name: string): Dim {
  return { terms: [{ coef: 1, atoms: [{ kind: "sym", name }] }] };
}

export function dimAdd(a: Dim, b: Dim): Dim {
  const av = dimValue(a);
  const bv = dimValue(b);
  if (av !== undefined && bv !== undefined) return dimConst(av + bv);
  if (av === 0) return b;
  if (bv === 0) return a;
  return normalize([...a.terms, ...b.terms]);
}

export function dimNeg(a: Dim): Dim {
  return { terms: a.terms.map((t) => ({ coef: -t.coef, atoms: t.atoms })) };
}

export function dimSub(a: Dim, b: Dim): Dim {
  return dimAdd(a, dimNeg(b));
}

export function dimMul(a: Dim, b: Dim): Dim {
  const av = dimValue(a);
  const bv = dimValue(b);
  if (av !== undefined && bv !== undefined) return dimConst(av * bv);
  if (av === 1) return b;
  if (bv === 1) return a;
  const terms: Term[] = [];
  for (const x of a.terms) for (const y of b.terms) terms.push({ coef: x.coef * y.coef, atoms: [...x.atoms, ...y.atoms] });
  return normalize(terms);
}

/** The value when the Dim has no symbols. */
export function dimValue(d: Dim): number | undefined {
  if (d.terms.length === 0) return 0;
  const [t] = d.terms;
  return d.terms.length === 1 && t && t.atoms.length === 0 ? t.coef : undefined;
}

export function isConcrete(d: Dim): boolean {
  return dimValue(d) !== undefined;
}

/** Structural equality of normal forms (which is equality of the polynomials). */
export function dimEquals(a: Dim, b: Dim): boolean {
  if (a === b) return true;
  if (a.terms.length !== b.terms.length) return false;
  for (let i = 0; i < a.terms.length; i++) {
    const x = a.terms[i]!;
    const y = b.terms[i]!;
    if (x.coef !== y.coef || x.atoms.length !== y.atoms.length) return false;
    for (let j = 0; j < x.atoms.length; j++) {
      const p = x.atoms[j]!;
      const q = y.atoms[j]!;
      if (p.kind === "sym" ? q.kind !== "sym" || p.name !== q.name : q.kind !== "floordiv" || !dimEquals(p.num, q.num) || !dimEquals(p.den, q.den)) return false;
    }
  }
  return true;
}

export function shapeEquals(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => dimEquals(d, b[i]!));
}

/** Concrete numbers of a shape, or undefined when some dim is symbolic. */
export function concreteShape(shape: readonly Dim[]): number[] | undefined {
  const out: number[] = [];
  for (const d of shape) {
    const v = dimValue(d);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** Exact division, or undefined when the quotient is not a polynomial we can see. */
export function dimDivExact(a: Dim, b: Dim): Dim | undefined {
  const bv = dimValue(b);
  if (bv !== undefined) {
    if (bv === 0) return undefined;
    if (a.terms.every((t) => t.coef % bv === 0)) return { terms: a.terms.map((t) => ({ coef: t.coef / bv, atoms: t.atoms })) };
    return undefined;
  }
  // A single-term divisor divides when every term holds its atoms and its coefficient divides.
  if (b.terms.length !== 1) return dimEquals(a, b) ? dimConst(1) : undefined;
  const div = b.terms[0]!;
  const terms: Term[] = [];
  for (const t of a.terms) {
    if (t.coef % div.coef !== 0) return undefined;
    const rest = [...t.atoms];
    for (const atom of div.atoms) {
      const i = rest.findIndex((x) => atomKey(x) === atomKey(atom));
      if (i < 0) return undefined;
      rest.splice(i, 1);
    }
    terms.push({ coef: t.coef / div.coef, atoms: rest });
  }
  return normalize(terms);
}

/** Floor division: concrete when both are, exact when it divides, otherwise an opaque atom. */
export function dimFloorDiv(a: Dim, b: Dim): Dim {
  const av = dimValue(a);
  const bv = dimValue(b);
  if (av !== undefined && bv !== undefined && bv !== 0) return dimConst(Math.floor(av / bv));
  const exact = dimDivExact(a, b);
  if (exact) return exact;
  return { terms: [{ coef: 1, atoms: [{ kind: "floordiv", num: a, den: b }] }] };
}

/** Replaces symbols by the bound Dims (and re-simplifies opaque divisions). */
export function dimSubst(d: Dim, bind: ReadonlyMap<string, Dim>): Dim {
  let out = dimConst(0);
  for (const t of d.terms) {
    let term = dimConst(t.coef);
    for (const a of t.atoms) {
      const v = a.kind === "sym" ? (bind.get(a.name) ?? dimSym(a.name)) : dimFloorDiv(dimSubst(a.num, bind), dimSubst(a.den, bind));
      term = dimMul(term, v);
    }
    out = dimAdd(out, term);
  }
  return out;
}

/** Names of the symbols a Dim mentions (inside opaque divisions too). */
export function dimSymbols(d: Dim, into: Set<string> = new Set()): Set<string> {
  for (const t of d.terms)
    for (const a of t.atoms) {
      if (a.kind === "sym") into.add(a.name);
      else {
        dimSymbols(a.num, into);
        dimSymbols(a.den, into);
      }
    }
  return into;
}

/** `4*d + 1`, `B`, `T - 1`, `⌊(H + 1) / 2⌋`. */
export function formatDim(d: Dim): string {
  if (d.terms.length === 0) return "0";
  let s = "";
  d.terms.forEach((t, i) => {
    const neg = t.coef < 0;
    const c = Math.abs(t.coef);
    const mono = t.atoms.map((a) => (a.kind === "sym" ? a.name : `⌊${wrap(a.num)} / ${wrap(a.den)}⌋`)).join("*");
    const body = mono === "" ? String(c) : c === 1 ? mono : `${c}*${mono}`;
    s += i === 0 ? (neg ? `-${body}` : body) : neg ? ` - ${body}` : ` + ${body}`;
  });
  return s;
}

function wrap(d: Dim): string {
  const s = formatDim(d);
  return d.terms.length > 1 ? `(${s})` : s;
}

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.map(formatDim).join(", ")}]`;
}

/** Product of the dims (1 for a scalar). */
export function dimProduct(shape: readonly Dim[]): Dim {
  return shape.reduce((acc, d) => dimMul(acc, d), dimConst(1));
}

/** Sum of Dims. */
export function dimSum(ds: readonly Dim[]): Dim {
  return ds.reduce((acc, d) => dimAdd(acc, d), dimConst(0));
}

/**
 * Solves `pattern = value` for the one unbound symbol of `pattern` when `pattern` is linear in it
 * (`T`, `T + 1`, `2*T`); returns the binding, or undefined when it cannot be solved that way.
 */
export function solveLinear(pattern: Dim, value: Dim, bound: ReadonlyMap<string, Dim>): { name: string; dim: Dim } | undefined {
  const p = dimSubst(pattern, bound);
  const free = [...dimSymbols(p)];
  if (free.length !== 1) return undefined;
  const name = free[0]!;
  let coef = 0;
  const rest: Term[] = [];
  for (const t of p.terms) {
    if (t.atoms.length === 1 && t.atoms[0]!.kind === "sym" && t.atoms[0]!.name === name) coef += t.coef;
    else if (t.atoms.length === 0) rest.push(t);
    else return undefined;
  }
  if (coef === 0) return undefined;
  const dim = dimDivExact(dimSub(value, normalize(rest)), dimConst(coef));
  return dim ? { name, dim } : undefined;
}
