/** A parsed `type/subtype; name=value` header value, lower-cased except parameter values. */
export interface MediaType {
  type: string;
  subtype: string;
  /** `type/subtype` */
  essence: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** Parses a Content-Type (or one Accept entry); undefined when it is not `type/subtype`. */
export function parseMediaType(value: string): MediaType | undefined {
  const [essence = '', ...rest] = value.split(';');
  const [type = '', subtype = '', extra] = essence.trim().toLowerCase().split('/');
  if (extra !== undefined || !TOKEN.test(type) || !TOKEN.test(subtype)) return undefined;
  const params: Record<string, string> = {};
  for (const param of rest) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    const name = param.slice(0, eq).trim().toLowerCase();
    let v = param.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    if (name) params[name] = v;
  }
  return { type, subtype, essence: `${type}/${subtype}`, params };
}

export interface AcceptEntry extends MediaType {
  q: number;
}

/** The entries of an Accept header with their q-values (default 1, clamped to [0, 1]); bad entries are skipped. */
export function parseAccept(header: string): AcceptEntry[] {
  const entries: AcceptEntry[] = [];
  for (const part of header.split(',')) {
    if (part.trim() === '') continue;
    const media = parseMediaType(part);
    if (!media) continue;
    const raw = media.params.q;
    const q = raw === undefined ? 1 : Number(raw);
    entries.push({ ...media, q: Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0 });
  }
  return entries;
}

/**
 * The media type to answer with: of the `available` types (in the server's order of preference),
 * the one the Accept header rates highest. Each type takes the q of the most specific entry that
 * matches it (exact, then type/*, then *\/*); ties go to the entry the client listed first, then
 * to the server's order. A missing or blank Accept gets the server's first choice. Undefined means
 * nothing acceptable (answer 406).
 */
export function negotiate(
  accept: string | undefined,
  available: readonly string[],
): string | undefined {
  if (accept === undefined || accept.trim() === '') return available[0];
  const entries = parseAccept(accept);
  if (entries.length === 0) return available[0];
  let best: { type: string; q: number; position: number } | undefined;
  available.forEach((candidate) => {
    const [type] = candidate.split('/');
    const rank = (e: AcceptEntry) =>
      e.essence === candidate
        ? 3
        : e.type === type && e.subtype === '*'
          ? 2
          : e.essence === '*/*'
            ? 1
            : 0;
    let match: { entry: AcceptEntry; index: number } | undefined;
    entries.forEach((entry, index) => {
      const r = rank(entry);
      if (r > 0 && (!match || r > rank(match.entry))) match = { entry, index };
    });
    if (!match || match.entry.q <= 0) return;
    if (
      !best ||
      match.entry.q > best.q ||
      (match.entry.q === best.q && match.index < best.position)
    ) {
      best = { type: candidate, q: match.entry.q, position: match.index };
    }
  });
  return best?.type;
}
