/**
 * A lexer for learners' TypeScript/JavaScript, producing what Dolos's fingerprinting needs: a
 * token stream and each token's place in the file. Names and literals are reduced to their kind
 * (renaming a variable or changing a constant does not hide copied code); keywords, operators
 * and punctuation stay; comments and whitespace go. (Dolos's own tokenizer uses tree-sitter's
 * native parsers, which do not build here: see server/similarity/analyse.ts.)
 */
import { Region } from "@dodona/dolos-core";

const KEYWORDS = new Set(
  "abstract as async await break case catch class const continue debugger default delete do else enum export extends false finally for from function get if implements import in instanceof interface let new null of private protected public readonly return set static super switch this throw true try type typeof undefined var void while with yield".split(" "),
);

// Order matters: comments before "/", template and strings before punctuation, 3-char operators before 2 and 1.
const LEXEMES: [RegExp, ((s: string) => string) | null][] = [
  [/\/\/[^\n]*/y, null],
  [/\/\*[\s\S]*?(?:\*\/|$)/y, null],
  [/\s+/y, null],
  [/`(?:\\[\s\S]|\$\{[^}]*\}|[^`\\])*`?/y, () => "S"],
  [/"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?/y, () => "S"],
  [/(?:0[xX][\da-fA-F_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)n?/y, () => "N"],
  [/[A-Za-z_$][\w$]*/y, (s) => (KEYWORDS.has(s) ? s : "I")],
  [/>>>=|\.\.\.|===|!==|\*\*=|<<=|>>=|>>>|&&=|\|\|=|\?\?=|=>|==|!=|<=|>=|&&|\|\||\?\?|\?\.|\+\+|--|\+=|-=|\*=|\/=|%=|&=|\|=|\^=|\*\*|<<|>>/y, (s) => s],
  [/[\s\S]/y, (s) => s],
];

export interface Tokens {
  tokens: string[];
  mapping: Region[];
}

export function tokenize(code: string): Tokens {
  const tokens: string[] = [];
  const mapping: Region[] = [];
  // Row/column of every offset, computed incrementally as the lexer advances.
  let row = 0;
  let col = 0;
  let at = 0;
  const advance = (to: number) => {
    for (; at < to; at++) {
      if (code.charCodeAt(at) === 10) {
        row++;
        col = 0;
      } else col++;
    }
  };
  let i = 0;
  while (i < code.length) {
    for (const [re, kind] of LEXEMES) {
      re.lastIndex = i;
      const m = re.exec(code);
      if (!m || !m[0].length) continue;
      advance(i);
      const s = { row, col };
      advance(i + m[0].length);
      if (kind) {
        tokens.push(kind(m[0]));
        mapping.push(new Region(s.row, s.col, row, col));
      }
      i += m[0].length;
      break;
    }
  }
  return { tokens, mapping };
}
