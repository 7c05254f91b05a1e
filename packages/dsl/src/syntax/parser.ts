/**
 * The grammar of the model language as a chevrotain CST parser: rules only, no actions.
 * Error recovery is on (the parser resynchronises at line breaks, `}`, `)` and `,`), and
 * one instance is built once and reused for every file. Errors carry an encoded problem
 * from `problemProvider`; describe-error.ts turns them into catalogue diagnostics.
 *
 *   file      := Sep* ( model | items )?
 *   model     := 'model' NAME block
 *   block     := '{' items '}'
 *   items     := Sep* ( item ( Sep+ item? )* )?         (two items need a separator)
 *   item      := sizeDecl | varDecl | letDecl | forStmt | statement
 *   sizeDecl  := 'size' sizeItem ( ',' sizeItem )*
 *   sizeItem  := NAME ( '[' Identifier ']' )? ( '=' expression )?
 *   varDecl   := ('data'|'param'|'latent') NAME ( '[' argList ']' )* ':' typeExpr '?'?
 *   typeExpr  := Identifier ( '[' argList ']' )?
 *   letDecl   := 'let' NAME '=' expression
 *   forStmt   := 'for' '('? NAME 'in' expression ( ('..'|':') expression )? ')'? block
 *   statement := expression ( '~' Identifier '(' argList? ')' | '=' expression )
 *   expression:= term ( ('+'|'-') term )*
 *   term      := unary ( ('*'|'/') unary )*
 *   unary     := '-' unary | power
 *   power     := postfix ( '^' unary )?                   (right-associative, `a^-1` allowed)
 *   postfix   := primary ( '[' argList ']' | '(' argList? ')' )*
 *   primary   := Number | Identifier | Keyword (gated) | '(' expression ')' | '[' argList? ']'
 *   argList   := expression ( ','? expression )*
 *
 * Some mistakes are parsed on purpose so that cst-to-ast can report them precisely instead of
 * a cascade of recovery errors: a keyword where a name is clearly meant (`data for[N]`,
 * `size[n] ~ …`), a missing comma in a list (`F(a b)`), two dimensions in one bracket
 * (`x[N, D]`), and Stan's loop header (`for (n in 1:N)`).
 */
import type { CstNode, IParserErrorMessageProvider, IRecognitionException, IToken, TokenType } from 'chevrotain';
import { CstParser, EOF, tokenMatcher } from './chevrotain.js';
import {
  AddOp,
  allTokens,
  Caret,
  Colon,
  Comma,
  DotDot,
  Equals,
  ForKw,
  Identifier,
  InKw,
  Keyword,
  LBracket,
  LCurly,
  LetKw,
  LParen,
  Minus,
  ModelKw,
  MulOp,
  NumberLiteral,
  Question,
  RBracket,
  RCurly,
  Role,
  RParen,
  Separator,
  SizeKw,
  Tilde,
} from './tokens.js';

/** What went wrong, as chevrotain knows it; encoded as the error's message. */
export type ParseProblem =
  | { readonly kind: 'mismatch'; readonly expected: string }
  | { readonly kind: 'noViableAlt' | 'earlyExit'; readonly expected: string[] }
  | { readonly kind: 'notAllInput' };

const problemProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => encode({ kind: 'mismatch', expected: expected.name }),
  buildNotAllInputParsedMessage: () => encode({ kind: 'notAllInput' }),
  buildNoViableAltMessage: ({ expectedPathsPerAlt }) =>
    encode({ kind: 'noViableAlt', expected: firstTokens(expectedPathsPerAlt.flat()) }),
  buildEarlyExitMessage: ({ expectedIterationPaths }) =>
    encode({ kind: 'earlyExit', expected: firstTokens(expectedIterationPaths) }),
};

function firstTokens(paths: TokenType[][]): string[] {
  return [...new Set(paths.map((p) => p[0]?.name ?? 'EOF'))];
}

function encode(problem: ParseProblem): string {
  return JSON.stringify(problem);
}

/** The problem an error message encodes; an error from elsewhere reads as "no viable alternative". */
export function decodeProblem(message: string): ParseProblem {
  try {
    return JSON.parse(message) as ParseProblem;
  } catch {
    return { kind: 'noViableAlt', expected: [] };
  }
}

const sizeNameFollow = [Comma, Equals, LBracket, Separator, RCurly, EOF];
/** What may follow a name inside an expression (and cannot follow a keyword that starts an item). */
const nameFollow = [
  LBracket,
  RParen,
  RBracket,
  Comma,
  AddOp,
  MulOp,
  Caret,
  Tilde,
  Equals,
  DotDot,
  LCurly,
  RCurly,
  Separator,
  EOF,
];
const varNameFollow = [LBracket, Colon];

class ModelParser extends CstParser {
  /**
   * @param validate run chevrotain's grammar validations (ambiguities, left recursion): a third
   * of the start-up cost, so the shared instance skips them and `grammarProblems` (run by the
   * test suite) checks the grammar once with them on.
   */
  constructor(validate = false) {
    super(allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: 'onlyOffset',
      errorMessageProvider: problemProvider,
      maxLookahead: 2,
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
  }

  /** Recovery may skip a stray token, but never a line break or a brace: those hold items apart. */
  protected override canTokenTypeBeDeletedInRecovery(_expected: TokenType): boolean {
    const next = this.LA(1);
    return !tokenMatcher(next, Separator) && !tokenMatcher(next, LCurly) && !tokenMatcher(next, RCurly);
  }

  file = this.RULE('file', () => {
    this.MANY(() => this.CONSUME(Separator));
    this.OPTION(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.model) },
        {
          // No `model` header: parse the items anyway; cst-to-ast reports the missing header.
          ALT: () => {
            this.SUBRULE(this.item);
            this.MANY2(() => {
              this.AT_LEAST_ONE(() => this.CONSUME2(Separator));
              this.OPTION2(() => this.SUBRULE2(this.item));
            });
          },
        },
      ]),
    );
  });

  model = this.RULE('model', () => {
    this.CONSUME(ModelKw);
    this.SUBRULE(this.declName, { ARGS: [[LCurly]] });
    this.SUBRULE(this.block);
  });

  /** The item list is written inline so that in-repetition recovery can aim at the closing `}`. */
  block = this.RULE('block', () => {
    this.CONSUME(LCurly);
    this.MANY(() => this.CONSUME(Separator));
    this.OPTION(() => {
      this.SUBRULE(this.item);
      this.MANY2(() => {
        this.AT_LEAST_ONE(() => this.CONSUME2(Separator));
        this.OPTION2(() => this.SUBRULE2(this.item));
      });
    });
    this.CONSUME(RCurly);
  });

  item = this.RULE('item', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.sizeDecl) },
      { ALT: () => this.SUBRULE(this.varDecl) },
      { ALT: () => this.SUBRULE(this.letDecl) },
      // `for (` could also start a statement whose target is the keyword `for` called like a function;
      // the loop comes first, which is what is meant.
      { ALT: () => this.SUBRULE(this.forStmt), IGNORE_AMBIGUITIES: true },
      { ALT: () => this.SUBRULE(this.statement) },
    ]);
  });

  /** A declared name; `follow` lists what may come after it, which decides whether a keyword was meant as a name. */
  declName = this.RULE('declName', (follow?: TokenType[]) => {
    this.OR([
      { ALT: () => this.CONSUME(Identifier) },
      {
        GATE: () => (follow ?? []).some((t) => tokenMatcher(this.LA(2), t)),
        ALT: () => this.CONSUME(Keyword),
      },
    ]);
  });

  sizeDecl = this.RULE('sizeDecl', () => {
    this.CONSUME(SizeKw);
    this.SUBRULE(this.sizeItem);
    this.MANY(() => {
      this.CONSUME(Comma);
      this.SUBRULE2(this.sizeItem);
    });
  });

  sizeItem = this.RULE('sizeItem', () => {
    this.SUBRULE(this.declName, { ARGS: [sizeNameFollow] });
    this.OPTION(() => {
      this.CONSUME(LBracket);
      this.CONSUME(Identifier, { LABEL: 'over' });
      this.CONSUME(RBracket);
    });
    this.OPTION2(() => {
      this.CONSUME(Equals);
      this.SUBRULE(this.expression);
    });
  });

  varDecl = this.RULE('varDecl', () => {
    this.CONSUME(Role);
    this.SUBRULE(this.declName, { ARGS: [varNameFollow] });
    this.MANY(() => {
      this.CONSUME(LBracket);
      // One expression per bracket; `[N, P]` is parsed too, so that cst-to-ast can explain it.
      this.SUBRULE(this.argList, { LABEL: 'dims' });
      this.CONSUME(RBracket);
    });
    this.CONSUME(Colon);
    this.SUBRULE(this.typeExpr);
    this.OPTION(() => this.CONSUME(Question));
  });

  typeExpr = this.RULE('typeExpr', () => {
    this.CONSUME(Identifier);
    this.OPTION(() => {
      this.CONSUME(LBracket);
      this.SUBRULE(this.argList);
      this.CONSUME(RBracket);
    });
  });

  letDecl = this.RULE('letDecl', () => {
    this.CONSUME(LetKw);
    this.SUBRULE(this.declName, { ARGS: [[Equals]] });
    this.CONSUME(Equals);
    this.SUBRULE(this.expression);
  });

  /** Stan's `for (n in 1:N)` is parsed too (parentheses, `:`), so that cst-to-ast can explain the difference. */
  forStmt = this.RULE('forStmt', () => {
    this.CONSUME(ForKw);
    this.OPTION(() => this.CONSUME(LParen));
    this.SUBRULE(this.declName, { ARGS: [[InKw]] });
    this.CONSUME(InKw);
    this.SUBRULE(this.expression, { LABEL: 'first' });
    this.OPTION2(() => {
      this.OR([{ ALT: () => this.CONSUME(DotDot) }, { ALT: () => this.CONSUME(Colon, { LABEL: 'stanRange' }) }]);
      this.SUBRULE2(this.expression, { LABEL: 'second' });
    });
    this.OPTION3(() => this.CONSUME(RParen));
    this.SUBRULE(this.block);
  });

  statement = this.RULE('statement', () => {
    this.SUBRULE(this.expression, { LABEL: 'target' });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Tilde);
          this.CONSUME(Identifier, { LABEL: 'dist' });
          this.CONSUME(LParen);
          this.OPTION(() => this.SUBRULE(this.argList));
          this.CONSUME(RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(Equals);
          this.SUBRULE2(this.expression, { LABEL: 'value' });
        },
      },
    ]);
  });

  /** Comma-separated expressions; a missing comma is accepted here and reported by cst-to-ast. */
  argList = this.RULE('argList', () => {
    this.SUBRULE(this.expression);
    this.MANY(() => {
      this.OPTION(() => this.CONSUME(Comma));
      this.SUBRULE2(this.expression);
    });
  });

  expression = this.RULE('expression', () => {
    this.SUBRULE(this.term);
    this.MANY(() => {
      this.CONSUME(AddOp);
      this.SUBRULE2(this.term);
    });
  });

  term = this.RULE('term', () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.CONSUME(MulOp);
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.power) },
    ]);
  });

  power = this.RULE('power', () => {
    this.SUBRULE(this.postfix);
    this.OPTION(() => {
      this.CONSUME(Caret);
      this.SUBRULE(this.unary, { LABEL: 'exponent' });
    });
  });

  postfix = this.RULE('postfix', () => {
    this.SUBRULE(this.primary);
    this.MANY(() => this.SUBRULE(this.suffix));
  });

  suffix = this.RULE('suffix', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(LBracket);
          this.SUBRULE(this.argList);
          this.CONSUME(RBracket);
        },
      },
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.OPTION(() => this.SUBRULE2(this.argList));
          this.CONSUME(RParen);
        },
      },
    ]);
  });

  primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(NumberLiteral) },
      { ALT: () => this.CONSUME(Identifier) },
      {
        // A keyword where the next token shows a value was meant (`size[n]`, `F(data)`); reported by cst-to-ast.
        GATE: () => nameFollow.some((t) => tokenMatcher(this.LA(2), t)),
        ALT: () => this.CONSUME(Keyword),
      },
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(LBracket);
          this.OPTION(() => this.SUBRULE(this.argList));
          this.CONSUME(RBracket);
        },
      },
    ]);
  });
}

/** The one parser instance; `performSelfAnalysis` runs once, when this module loads. */
const parser = new ModelParser();

/**
 * The grammar's definition problems found by chevrotain's validations (none: it is sound);
 * `performSelfAnalysis` throws one error listing them all.
 */
export function grammarProblems(): string[] {
  try {
    new ModelParser(true);
    return [];
  } catch (e) {
    return [e instanceof Error ? e.message : String(e)];
  }
}

export interface ParseOutput {
  readonly cst: CstNode;
  readonly errors: IRecognitionException[];
}

/** Parses a token vector (from lexer.ts) into a CST, collecting recognition errors. */
export function parseTokens(tokens: IToken[]): ParseOutput {
  parser.input = tokens;
  const cst = parser.file();
  return { cst, errors: parser.errors };
}
