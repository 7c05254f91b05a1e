/**
 * Catalogue band 1xxx: lexical and syntax errors (packages/dsl/src/syntax). Tokens are named
 * by their text (`'}'`, `'for'`, `the end of the line`), never by token-type names; the
 * syntax module decides which entry fits a chevrotain error (syntax/describe-error.ts).
 */
import { message } from './message.js';

/** Where in an item a token was expected; selects the hint. */
export type SyntaxContext = 'model' | 'size' | 'declaration' | 'type' | 'let' | 'for' | 'statement' | 'expression';

const contextHints: Record<SyntaxContext, string | undefined> = {
  model: "a model file reads 'model NAME { … }'",
  size: "sizes are declared as 'size N, D', 'size K = 3' or 'size T[S]'",
  declaration: "a declaration reads 'data NAME[dims]: TYPE', e.g. 'data x[N]: real[D]'",
  type: "a type reads 'real', 'real[D]', 'real[R, C]', 'cat[K]', …",
  let: "a definition reads 'let NAME = EXPRESSION'",
  for: "a loop reads 'for i in N { … }' or 'for t in 1..T[s] { … }'",
  statement: "a statement reads 'TARGET ~ Distribution(ARGS)'",
  expression: undefined,
};

function charHint(text: string): string | undefined {
  if (text.startsWith('#')) return "comments start with '//'";
  if (text.startsWith('.')) return "write a number with digits before the point, e.g. '0.5'; ranges are written 'a..b'";
  if ([...text].some((c) => (c.codePointAt(0) ?? 0) > 0x7f)) return "names use ASCII letters, digits and '_'";
  return 'remove it';
}

export const syntaxMessages = {
  unexpectedCharacter: message<{ text: string }>(
    'E1001',
    'a character that is not part of the language',
    (a) => (a.text.length === 1 ? `unexpected character '${a.text}'` : `unexpected characters '${a.text}'`),
    (a) => charHint(a.text),
  ),
  unterminatedComment: message<Record<string, never>>(
    'E1002',
    'a block comment that is never closed',
    () => "this '/*' comment is never closed",
    () => "end the comment with '*/'",
  ),
  malformedNumber: message<{ text: string; problem: 'letters' | 'point' | 'range'; digits: string }>(
    'E1003',
    'a malformed number',
    (a) =>
      a.problem === 'range'
        ? `the number '${a.text}' is too large`
        : a.problem === 'point'
          ? `malformed number '${a.text}': a number starts with a digit`
          : `malformed number '${a.text}': letters directly after a number`,
    (a) => {
      const letters = a.text.slice(a.digits.length);
      if (a.problem === 'range') return 'numbers must fit in a double (at most about 1.8e308)';
      if (a.problem === 'point') return `write '${a.digits}'`;
      if (/^[eE]$/.test(letters)) return "an exponent needs digits, as in '1e-3'";
      return `to multiply, write '${a.digits} * ${letters}'`;
    },
  ),
  emptyFile: message<Record<string, never>>(
    'E1004',
    'a file without a model',
    () => 'the file contains no model',
    () => "write the model as 'model NAME { … }'",
  ),
  missingModelHeader: message<{ found: string }>(
    'E1005',
    "declarations outside a 'model' block",
    (a) => `expected 'model NAME {' before ${a.found}`,
    () => "put the declarations and statements inside 'model NAME { … }'",
  ),
  expectedToken: message<{ expected: string; found: string; after?: string; context?: SyntaxContext }>(
    'E1006',
    'a missing token',
    (a) => `expected ${a.expected}${a.after ? ` after '${a.after}'` : ''}, found ${a.found}`,
    (a) => (a.context ? contextHints[a.context] : undefined),
  ),
  unexpectedToken: message<{ found: string; afterItem?: string; closer?: boolean }>(
    'E1007',
    'a token that cannot start or continue an item',
    (a) =>
      a.afterItem
        ? `unexpected ${a.found} after the end of the ${a.afterItem}`
        : `expected a declaration or a statement, found ${a.found}`,
    (a) =>
      a.closer
        ? 'remove it, or check that the brackets before it are balanced'
        : a.afterItem
          ? 'an item ends with its line; remove the extra text or put it on a line of its own'
          : 'items start with size, data, param, latent, let, for, or the target of a statement',
  ),
  expectedExpression: message<{ found: string; after?: string; keyword?: boolean }>(
    'E1008',
    'a missing expression',
    (a) => `expected an expression${a.after ? ` after '${a.after}'` : ''}, found ${a.found}`,
    (a) =>
      a.keyword
        ? `${a.found} is a keyword, so it cannot be used as a value`
        : a.after?.endsWith('..')
          ? "a range needs both bounds, as in '1..T[s]'"
          : undefined,
  ),
  missingTilde: message<{ target: string; found: string }>(
    'E1009',
    "a statement without '~'",
    (a) => `expected '~' or '=' after '${a.target}', found ${a.found}`,
    () => "a statement reads 'TARGET ~ Distribution(ARGS)', e.g. 'x[n] ~ Normal(mu, sigma)'",
  ),
  missingArguments: message<{ name: string; found: string }>(
    'E1010',
    'a distribution without an argument list',
    (a) => `expected '(' and the parameters of '${a.name}', found ${a.found}`,
    (a) => `a distribution takes its parameters in parentheses: '${a.name}(…)'`,
  ),
  unclosedBlock: message<{ block: 'model' | 'for'; line: number }>(
    'E1011',
    "a block whose '}' is missing",
    (a) =>
      `expected '}' to close the ${a.block === 'model' ? 'model' : "'for'"} block opened on line ${a.line}, found the end of the file`,
    () => "add the missing '}'",
  ),
  unclosedBracket: message<{
    open: string;
    close: string;
    line: number;
    col: number;
    found: string;
    hint?: 'dims' | 'operator';
  }>(
    'E1012',
    'a bracket that is not closed',
    (a) => `expected '${a.close}' to match the '${a.open}' at ${a.line}:${a.col}, found ${a.found}`,
    (a) =>
      a.hint === 'dims'
        ? "write each array dimension in its own brackets: 'x[N][D]'"
        : a.hint === 'operator'
          ? "if the bracket is closed later, an operator or a ',' is missing before this"
          : undefined,
  ),
  keywordAsName: message<{ name: string }>(
    'E1013',
    'a keyword used as a name',
    (a) => `'${a.name}' is a keyword and cannot be used as a name`,
    (a) => `choose another name, such as '${a.name}_'`,
  ),
  secondModel: message<{ name?: string }>(
    'E1014',
    'more than one model in a file',
    (a) => `a file holds one model, but a second model${a.name ? ` '${a.name}'` : ''} starts here`,
    () => 'put each model in its own .em file',
  ),
  textAfterModel: message<{ found: string; line: number }>(
    'E1015',
    'text after the end of the model',
    (a) => `unexpected ${a.found} after the end of the model`,
    (a) => `the '}' on line ${a.line} closes the model; if it is one '}' too many, remove it`,
  ),
  missingSeparator: message<{ found: string }>(
    'E1016',
    'two items on one line',
    (a) => `expected a new line or ';' before ${a.found}`,
    () => "put each declaration and statement on its own line (or separate them with ';')",
  ),
  callOnNonName: message<{ text: string; number: boolean }>(
    'E1017',
    'a call of something that is not a function name',
    (a) => `'${a.text}' is not a function name, so it cannot be called`,
    (a) =>
      a.number
        ? `to multiply, write '*': '${a.text} * (…)'`
        : "only named functions can be called, e.g. 'exp(x)'; to multiply, write '*'",
  ),
  missingComma: message<{ found: string }>(
    'E1018',
    'a missing comma in a list',
    (a) => `expected ',' before ${a.found}`,
    () => "separate arguments, indices and vector elements with ','",
  ),
  stanLoopHeader: message<{ parens: boolean; colon: boolean }>(
    'E1019',
    "a loop header written Stan's way",
    (a) =>
      a.parens && a.colon
        ? "this loop header is written Stan's way"
        : a.parens
          ? 'a loop header takes no parentheses'
          : "a range is written 'lo..hi', not 'lo:hi'",
    (a) =>
      a.colon
        ? "write 'for n in N { … }': 'lo..hi' counts lo, lo+1, …, hi-1 and indices start at 0, so Stan's 'for (n in 1:N)' is 'for n in N' here"
        : "write 'for n in N { … }' or 'for t in 1..T[s] { … }'",
  ),
  tooComplex: message<{ what: 'nesting' | 'operators' | 'stack'; limit: number }>(
    'E1020',
    'an item too deeply nested to read',
    (a) =>
      a.what === 'nesting'
        ? `brackets are nested more than ${a.limit} deep here; the rest of the file is not read`
        : a.what === 'operators'
          ? `this item has more than ${a.limit} operators; the rest of the file is not read`
          : 'this file is nested too deeply to read',
    () => 'split the expression with let definitions',
  ),
} as const;
