/**
 * A test-only pseudo-language (issue 17): English with every letter accented and every message
 * wrapped in ⟦…⟧, so a page in it shows at a glance, and a test finds by its plain ASCII letters,
 * any text that did not come from a catalogue. Offered only when GRADLAB_PSEUDO_LOCALE=1 (reached
 * by Accept-Language or the locale cookie; never listed in the language menu).
 * Placeholders ({name}, {n, plural, …}, {0}), rich-text tags (<b>…</b>) and ICU quoting stay as
 * they are; only the literal text changes.
 */
export const PSEUDO_LOCALE = "en-XA";
export const OPEN = "⟦";
export const CLOSE = "⟧";

export function pseudoEnabled(): boolean {
  return process.env.GRADLAB_PSEUDO_LOCALE === "1";
}

const PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ACCENTED = [..."àƀçđéƒĝĥîĵķļɱñöƥǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĻṀÑÖƤǪŔŠŢÛṼŴẊÝŽ"];
const accent = (c: string) => {
  const i = PLAIN.indexOf(c);
  return i >= 0 ? ACCENTED[i] : c;
};

/** An ICU message (next-intl's) in the pseudo-language. */
export function pseudoMessage(icu: string): string {
  let i = 0;
  const s = icu;
  // Literal text up to the end, or up to the `}` that closes a plural/select branch.
  function text(inBranch: boolean): string {
    let out = "";
    while (i < s.length) {
      const c = s[i];
      if (c === "}" && inBranch) return out;
      if (c === "{") out += argument();
      else if (c === "<") {
        const end = s.indexOf(">", i);
        const tag = end < 0 ? s.slice(i) : s.slice(i, end + 1);
        out += tag;
        i += tag.length;
      } else if (c === "'" && /['{}<#|]/.test(s[i + 1] ?? "")) {
        // ICU quoting: '' is an apostrophe; '{…}' is literal text, kept exactly.
        if (s[i + 1] === "'") {
          out += "''";
          i += 2;
        } else {
          const end = s.indexOf("'", i + 1);
          const quoted = end < 0 ? s.slice(i) : s.slice(i, end + 1);
          out += quoted;
          i += quoted.length;
        }
      } else {
        out += accent(c);
        i++;
      }
    }
    return out;
  }
  // {name}, {n, number}, {n, plural, one {…} other {…}}: names, types and keys kept, branches pseudo.
  function argument(): string {
    const start = i;
    i++; // {
    const head = /^\s*([\w]+)\s*(?:,\s*(\w+)\s*)?/.exec(s.slice(i))!;
    i += head[0].length;
    const kind = head[2];
    if (kind !== "plural" && kind !== "select" && kind !== "selectordinal") {
      let depth = 1;
      while (i < s.length && depth) {
        if (s[i] === "{") depth++;
        else if (s[i] === "}") depth--;
        i++;
      }
      return s.slice(start, i);
    }
    let out = s.slice(start, i);
    while (i < s.length && s[i] !== "}") {
      if (s[i] === ",") {
        out += s[i++];
        continue;
      }
      const key = /^\s*[^\s{}]+\s*/.exec(s.slice(i));
      if (key) {
        out += key[0];
        i += key[0].length;
      }
      if (s[i] === "{") {
        i++;
        out += `{${text(true)}}`;
        i++; // }
      } else if (!key) {
        out += s[i++];
      }
      const ws = /^\s*/.exec(s.slice(i))![0];
      out += ws;
      i += ws.length;
    }
    i++; // }
    return `${out}}`;
  }
  return `${OPEN}${text(false)}${CLOSE}`;
}

/** A grader template ("{0} has shape [{1}]") in the pseudo-language: only {0}, {1}… are kept. */
export function pseudoTemplate(template: string): string {
  return `${OPEN}${template.split(/(\{\d+\})/).map((part, n) => (n % 2 ? part : [...part].map(accent).join(""))).join("")}${CLOSE}`;
}

type Tree = { [key: string]: string | Tree };

/** A whole message tree (namespaces of next-intl messages) in the pseudo-language. */
export function pseudoMessages<T extends Tree>(tree: T): T {
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, typeof v === "string" ? pseudoMessage(v) : pseudoMessages(v)])) as T;
}
