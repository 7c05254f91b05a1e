/**
 * Catalogue band 2xxx: semantic errors and warnings found by the compiler's check phase,
 * and the texts of the notes (related spans) they carry. Each entry says what is wrong in
 * the user's terms and, in the hint, what to do about it. Arguments are facts, not prose:
 * names, expressions and types already printed as the user would write them, and small
 * enumerations that the entry turns into words.
 */
import { message } from './message.js';

/** What kind of name something is, as the checker reports it. */
export type NameKind = 'size' | 'data' | 'param' | 'latent' | 'let' | 'loop index';

/** Why two dimensions do not agree. */
export type DimConflict =
  | { readonly kind: 'sizes'; readonly got: string; readonly expected: string }
  | { readonly kind: 'length'; readonly size: string; readonly length: number; readonly defaultValue?: number }
  | { readonly kind: 'lengths'; readonly got: number; readonly expected: number }
  | { readonly kind: 'rank' };

/** What a built-in function needed from an argument. */
export type ArgumentNeed =
  | { readonly kind: 'vector' }
  | { readonly kind: 'array' }
  | { readonly kind: 'size' }
  | { readonly kind: 'length'; readonly length: string; readonly like: string };

/** Why the elements covered by `~` statements cannot be worked out. */
export type CoverageObstacle =
  | { readonly kind: 'bound'; readonly bound: string }
  | { readonly kind: 'index-twice'; readonly index: string }
  | { readonly kind: 'ragged'; readonly bound: string }
  | { readonly kind: 'sizes'; readonly a: string; readonly b: string };

const typeList = 'real, positive, prob, int, count, cat[K], simplex[K], cov[D]';

/** `a size`, `data`, `a param`, `a latent`, `a let`, `a loop index`. */
function withArticle(kind: NameKind): string {
  return kind === 'data' ? 'data' : `a ${kind}`;
}

function structureName(structure: 'simplex' | 'cov'): string {
  return structure === 'cov' ? 'covariance matrix' : 'simplex';
}

/** How a value of the required type can be had, for hints. */
function howToGet(required: string, variable: string | undefined): string {
  const base = required.replace(/\[.*$/, '');
  if (variable) {
    const declare = `declare ${variable} with type ${required}`;
    if (base === 'simplex') return `${declare}, or build one with softmax(…)`;
    if (base === 'positive') return `${declare}, or pass exp(…) of a real value`;
    if (base === 'prob') return `${declare}, or pass logistic(…) of a real value`;
    return declare;
  }
  switch (base) {
    case 'simplex':
      return 'pass a declared simplex, a vector literal of probabilities, or softmax(…) of a vector';
    case 'cov':
      return 'pass a declared covariance, eye(D), or a covariance times a positive scalar';
    case 'positive':
      return 'make it positive by construction, e.g. exp(…) of a real value (a log link)';
    case 'prob':
      return 'keep it within [0, 1] by construction, e.g. logistic(…) of a real value (a logit link)';
    default:
      return `pass a ${required} value`;
  }
}

function conflictText(c: DimConflict): string {
  switch (c.kind) {
    case 'sizes':
      return `${c.got} and ${c.expected} are different sizes`;
    case 'length':
      return c.defaultValue === undefined
        ? `the length ${c.length} is not known to equal size ${c.size}`
        : `size ${c.size} defaults to ${c.defaultValue}, not ${c.length}`;
    case 'lengths':
      return `lengths ${c.got} and ${c.expected} differ`;
    case 'rank':
      return 'they have different numbers of dimensions';
  }
}

function needText(n: ArgumentNeed): string {
  switch (n.kind) {
    case 'vector':
      return 'a vector';
    case 'array':
      return 'a vector or an array';
    case 'size':
      return 'a size or a positive integer';
    case 'length':
      return `a vector of length ${n.length}, like ${n.like}`;
  }
}

function obstacleText(o: CoverageObstacle): string {
  switch (o.kind) {
    case 'bound':
      return `the loop bound '${o.bound}' is not a size or a constant (plus or minus a constant)`;
    case 'index-twice':
      return `the loop index '${o.index}' appears in more than one position`;
    case 'ragged':
      return `the ragged bound '${o.bound}' is not indexed by the loop of the dimension before it`;
    case 'sizes':
      return `the ranges compare sizes ${o.a} and ${o.b}, which are unrelated`;
  }
}

const shapeArity: Record<string, string> = {
  cat: 'exactly 1 shape argument (the number of categories)',
  simplex: 'exactly 1 shape argument (the number of entries)',
  cov: 'exactly 1 shape argument (the dimension)',
};

export const checkMessages = {
  // ------------------------------------------------------------------ names and declarations
  unknownName: message<{
    name: string;
    expected: 'size' | 'value';
    scopeNote?: { what: 'loop index' | 'let'; line: number };
  }>(
    'E2001',
    'a name that is not declared (or not in scope here)',
    (a) => `unknown name '${a.name}'`,
    (a) =>
      a.scopeNote
        ? `'${a.name}' is the ${a.scopeNote.what} declared on line ${a.scopeNote.line}; it exists only inside its \`for\``
        : a.expected === 'size'
          ? `declare it with \`size ${a.name}\``
          : `declare it before use, e.g. \`param ${a.name}: real\` or \`let ${a.name} = …\``,
  ),
  duplicateDeclaration: message<{ name: string; first: NameKind }>(
    'E2002',
    'a name declared twice',
    (a) => `'${a.name}' is already declared as ${withArticle(a.first)}`,
    () => 'each name is declared once per model; rename one of them',
  ),
  declarationInLoop: message<{ role: 'size' | 'data' | 'param' | 'latent'; name: string }>(
    'E2003',
    'a size, data, param or latent declared inside a for',
    (a) =>
      `${a.role} '${a.name}' is declared inside a \`for\`; ${a.role} declarations belong at the top level of the model`,
    (a) =>
      a.role === 'size'
        ? 'move the size declaration to the top of the model'
        : `move it to the top level and give it array dims, e.g. \`${a.role} ${a.name}[N]: …\` with one entry per loop index`,
  ),
  letUsedBeforeDeclaration: message<{ name: string }>(
    'E2004',
    'a let used before it is declared',
    (a) => `'${a.name}' is used before its \`let\``,
    () => 'a `let` is visible only after it; move it above its first use',
  ),
  nameShadows: message<{ what: 'loop index' | 'let'; name: string; other: NameKind }>(
    'E2005',
    'a loop index or let that hides another declaration',
    (a) => `${a.what} '${a.name}' hides the ${a.other} of the same name`,
    () => 'choose a different name: inside a model every name means one thing',
  ),
  unknownType: message<{ name: string }>(
    'E2006',
    'an unknown element type',
    (a) => `unknown type '${a.name}'`,
    () => `the element types are ${typeList}`,
  ),
  typeShapeArity: message<{ type: string; got: number }>(
    'E2007',
    'an element type with the wrong number of shape arguments',
    (a) =>
      `type '${a.type}' takes ${shapeArity[a.type] ?? 'at most 2 shape arguments'}, but ${a.got} ${a.got === 1 ? 'was' : 'were'} given`,
    (a) =>
      a.type === 'cat'
        ? 'write cat[K] with K the number of categories'
        : a.type === 'simplex'
          ? 'write simplex[K] with K the number of entries'
          : a.type === 'cov'
            ? 'write cov[D] for a D×D covariance matrix'
            : `write ${a.type}, ${a.type}[D] for a vector or ${a.type}[R, C] for a matrix`,
  ),
  badDimension: message<{ text: string; what: 'not-integer' | 'expression' | NameKind }>(
    'E2008',
    'a dimension that is not a size or a positive integer',
    (a) =>
      `the dimension '${a.text}' is ${
        a.what === 'not-integer'
          ? 'not a positive integer'
          : a.what === 'expression'
            ? 'an expression'
            : withArticle(a.what)
      }; dimensions must be declared sizes or positive integers`,
    () => 'declare the length with `size N` (or `size K = 3` for a default) and use its name',
  ),
  raggedSizePlacement: message<{ name: string; over: string }>(
    'E2009',
    'a ragged size used where it has no parent index',
    (a) =>
      `the ragged size '${a.name}' has one length per index of ${a.over}; it can only be the array dimension right after ${a.over}`,
    (a) => `write the dims as \`[${a.over}][${a.name}]\`, e.g. \`data y[${a.over}][${a.name}]: real\``,
  ),
  badSizeDefault: message<{ name: string; text: string }>(
    'E2010',
    'a size default that is not a positive integer',
    (a) => `the default of size ${a.name} must be a positive integer, not '${a.text}'`,
    (a) => `write a whole number of at least 1, e.g. \`size ${a.name} = 3\``,
  ),
  raggedOverNotSize: message<{ name: string; over: string; problem: 'undeclared' | 'ragged' | NameKind }>(
    'E2011',
    'a ragged size over something that is not a plain size',
    (a) =>
      `the ragged size ${a.name}[${a.over}] needs ${a.over} to be a plain size, but ${a.over} is ${
        a.problem === 'undeclared' ? 'not declared' : a.problem === 'ragged' ? 'itself ragged' : withArticle(a.problem)
      }`,
    (a) => `declare \`size ${a.over}\` (the number of sequences) and then \`size ${a.name}[${a.over}]\``,
  ),
  optionalNotData: message<{ role: 'param' | 'latent'; name: string }>(
    'E2012',
    'missing entries (`?`) declared on something that is not data',
    (a) => `only data can have missing entries, but ${a.role} '${a.name}' is marked with '?'`,
    (a) =>
      a.role === 'param'
        ? 'remove the `?`: a param is estimated as a whole'
        : 'remove the `?`: every entry of a latent is unobserved already',
  ),
  discreteParam: message<{ name: string; type: string }>(
    'E2013',
    'a discrete param',
    (a) => `param '${a.name}' has the discrete type ${a.type}, but params must be continuous`,
    (a) => `EM estimates continuous quantities; an unknown discrete value is a latent: \`latent ${a.name}: …\``,
  ),

  // ------------------------------------------------------------------ distributions and functions
  unknownDistribution: message<{ name: string; known: string; isFunction: boolean }>(
    'E2014',
    'an unknown distribution',
    (a) => `unknown distribution '${a.name}'`,
    (a) =>
      a.isFunction
        ? `${a.name} is a function; the right of ~ names a distribution: ${a.known}`
        : `the distributions are ${a.known}`,
  ),
  unknownFunction: message<{ name: string; known: string; isDistribution: boolean }>(
    'E2015',
    'an unknown function',
    (a) => `unknown function '${a.name}'`,
    (a) =>
      a.isDistribution
        ? `${a.name} is a distribution: it can only appear on the right of ~, as in \`x ~ ${a.name}(…)\``
        : `the functions are ${a.known}`,
  ),
  distributionArity: message<{ dist: string; params: string; expected: number; got: number }>(
    'E2016',
    'a distribution given the wrong number of arguments',
    (a) =>
      `${a.dist} takes ${a.expected} argument${a.expected === 1 ? '' : 's'} (${a.params}), but ${a.got} ${a.got === 1 ? 'was' : 'were'} given`,
    (a) => `write ${a.dist}(${a.params})`,
  ),
  functionArity: message<{ fn: string; params: string; expected: number; got: number }>(
    'E2017',
    'a function given the wrong number of arguments',
    (a) =>
      `${a.fn} takes ${a.expected} argument${a.expected === 1 ? '' : 's'} (${a.params}), but ${a.got} ${a.got === 1 ? 'was' : 'were'} given`,
    (a) => `write ${a.fn}(${a.params})`,
  ),
  argumentOutOfRange: message<{
    dist: string;
    param: string;
    description: string;
    arg: string;
    got: string;
    required: string;
    variable?: string;
  }>(
    'E2018',
    'a distribution argument whose values may lie outside what the parameter allows',
    (a) => `the ${a.param} of ${a.dist} (${a.description}) must be ${a.required}, but ${a.arg} is ${a.got}`,
    (a) => howToGet(a.required, a.variable),
  ),
  argumentWrongKind: message<{
    dist: string;
    param: string;
    arg: string;
    got: string;
    required: string;
    variable?: string;
  }>(
    'E2019',
    'a distribution argument of the wrong kind (scalar, vector, simplex, covariance)',
    (a) => `the ${a.param} of ${a.dist} must be ${a.required}, but ${a.arg} is ${a.got}`,
    (a) => howToGet(a.required, a.variable),
  ),
  shapeMismatch: message<{ what: string; got: string; other: string; otherType: string; conflict: DimConflict }>(
    'E2020',
    'two shapes that must agree do not',
    (a) => `${a.what} is ${a.got}, but ${a.other} is ${a.otherType}: ${conflictText(a.conflict)}`,
    (a) =>
      a.conflict.kind === 'length'
        ? `if ${a.conflict.size} is always ${a.conflict.length}, declare \`size ${a.conflict.size} = ${a.conflict.length}\``
        : a.conflict.kind === 'rank'
          ? 'a scalar distribution takes scalar arguments, or arguments with exactly the shape of the value'
          : 'two different sizes are never assumed equal; use the same size in both declarations if they must agree',
  ),
  notInSupport: message<{
    dist: string;
    target: string;
    targetType: string;
    support: string;
    variable?: string;
    role?: string;
  }>(
    'E2021',
    'a distribution whose values cannot be what the left of ~ is declared as',
    (a) => `${a.dist} gives values of type ${a.support}, but ${a.target} is ${a.targetType}`,
    (a) =>
      a.variable
        ? `declare ${a.variable} with element type ${a.support}, or choose a distribution over ${a.targetType} values`
        : `choose a distribution over ${a.targetType} values`,
  ),
  targetNotVariable: message<{ target: string; what: NameKind | 'expression' }>(
    'E2022',
    'the left of ~ is not a data, param or latent',
    (a) =>
      `the left of ~ must be a data, param or latent (or an element of one), but ${a.target} is ${
        a.what === 'expression' ? 'an expression' : withArticle(a.what)
      }`,
    () => 'a `~` statement says how a declared random quantity is distributed',
  ),
  targetIndexNotAnalysable: message<{ index: string; target: string }>(
    'E2023',
    'a ~ target indexed by something other than a loop index or a constant',
    (a) =>
      `the index '${a.index}' of ${a.target} must be a loop index (plus or minus a constant) or an integer constant`,
    () =>
      'each `~` must say which elements it covers; loop over the elements, e.g. `for n in N { x[n] ~ … }`, and put random indices on the right of ~',
  ),
  targetInsideStructure: message<{ target: string; structure: 'simplex' | 'cov' }>(
    'E2024',
    'a ~ target that is one entry of a simplex or covariance matrix',
    (a) =>
      `${a.target} is one entry of a ${structureName(a.structure)}; a distribution must cover the whole ${structureName(a.structure)}`,
    (a) =>
      a.structure === 'simplex'
        ? 'give the whole simplex a distribution, e.g. a Dirichlet prior'
        : 'give the whole covariance matrix a distribution, e.g. an InvWishart prior',
  ),

  // ------------------------------------------------------------------ expressions
  operandShapes: message<{ op: string; left: string; leftType: string; right: string; rightType: string }>(
    'E2025',
    'an arithmetic operation between values of different shapes',
    (a) => `cannot apply '${a.op}' to ${a.left} (${a.leftType}) and ${a.right} (${a.rightType}): their shapes differ`,
    () =>
      '+ - * / act elementwise between equal shapes or between an array and a scalar; `*` of a matrix and a vector is the matrix–vector product',
  ),
  innerDimensions: message<{
    left: string;
    leftType: string;
    right: string;
    rightType: string;
    columns: string;
    length: string;
    rightIsMatrix: boolean;
  }>(
    'E2026',
    'a matrix product whose inner dimensions differ',
    (a) =>
      `in the product ${a.left} * ${a.right}, ${a.left} (${a.leftType}) has ${a.columns} columns but ${a.right} (${a.rightType}) has ${
        a.rightIsMatrix ? `${a.length} rows` : `length ${a.length}`
      }`,
    () => 'M * v with M: real[R, C] needs v: real[C]; check the order of the dimensions in the declarations',
  ),
  functionArgument: message<{
    fn: string;
    arg: string;
    got: string;
    need: ArgumentNeed;
    signature: string;
    description: string;
  }>(
    'E2027',
    'a function argument of the wrong kind or shape',
    (a) => `${a.fn} needs ${needText(a.need)}, but ${a.arg} is ${a.got}`,
    (a) => `${a.fn}(${a.signature}) is ${a.description}`,
  ),
  vectorElement: message<{ element: string; got: string }>(
    'E2028',
    'a vector literal with a non-scalar entry',
    (a) => `the entries of a vector literal must be scalars, but ${a.element} is ${a.got}`,
    () => 'write `[a, b, c]` with scalar a, b, c; to choose between vectors, declare an array such as `mu[K]: real[D]`',
  ),
  tooManyIndices: message<{ target: string; got: string; dims: number; count: number }>(
    'E2029',
    'more indices than dimensions',
    (a) =>
      a.dims === 0
        ? `${a.target} is ${a.got}, a scalar, and cannot be indexed`
        : `${a.target} is ${a.got} with ${a.dims} dimension${a.dims === 1 ? '' : 's'}, but ${a.count} indices are given`,
    () => 'each index selects along one dimension, outermost first: x[n] of x[N]: real[D] is real[D], x[n][d] is real',
  ),
  indexNotInteger: message<{ index: string; got: string }>(
    'E2030',
    'an index that is not an integer or a category',
    (a) => `an index must be an integer or a category, but ${a.index} is ${a.got}`,
    () => 'index with a loop index, a cat value, int or count data, an integer constant, or + - * of these',
  ),
  indexRangeMismatch: message<{ index: string; range: string; target: string; dim: string }>(
    'E2031',
    'an index that ranges over a different size than the dimension it selects',
    (a) => `${a.index} ranges over ${a.range}, but it indexes a dimension of ${a.target} of size ${a.dim}`,
    (a) => `index a dimension of size ${a.dim} with a loop over ${a.dim} or a cat[${a.dim}] value`,
  ),
  loopBound: message<{ bound: string; got: string; problem: 'scalar' | 'integer' | 'fixed' }>(
    'E2032',
    'a for bound that is not a fixed integer',
    (a) =>
      `a loop bound must be a fixed integer, but ${a.bound} is ${a.got}${
        a.problem === 'scalar' ? ', not a scalar' : a.problem === 'fixed' ? ', which depends on a param or latent' : ''
      }`,
    () =>
      'loop over a size (`for n in N`), a ragged size (`for t in T[s]`), or a range `a..b` of sizes, constants and data',
  ),

  // ------------------------------------------------------------------ coverage
  noDistribution: message<{ role: 'data' | 'latent'; name: string; example: string; unusedData: boolean }>(
    'E2033',
    'a data or latent with no distribution statement',
    (a) =>
      a.unusedData
        ? `data '${a.name}' has no distribution statement, and nothing uses it`
        : `${a.role} '${a.name}' has no distribution statement`,
    (a) =>
      a.unusedData
        ? `give it a distribution, e.g. ${a.example}, use it as a fixed input in an expression, or remove it`
        : `every ${a.role} element needs exactly one \`~\`; add ${a.example}`,
  ),
  partlyUncovered: message<{ role: 'data' | 'latent'; region: string; example: string }>(
    'E2034',
    'some elements of a data or latent have no distribution statement',
    (a) => `${a.role} ${a.region} has no distribution statement`,
    (a) => `every ${a.role} element needs exactly one \`~\`; add ${a.example}`,
  ),
  coveredTwice: message<{ role: 'data' | 'param' | 'latent'; region: string }>(
    'E2035',
    'an element given two distribution statements',
    (a) =>
      a.role === 'param'
        ? `param ${a.region} gets two priors`
        : `${a.role} ${a.region} gets two distribution statements`,
    (a) =>
      a.role === 'param'
        ? 'a param has at most one prior; remove one of them'
        : 'each element has exactly one distribution; remove one, or make the loop ranges not overlap',
  ),
  repeatedInLoop: message<{ target: string; index: string }>(
    'E2036',
    'a ~ statement repeated by a loop whose index it does not use',
    (a) => `${a.target} gets a distribution statement once for every ${a.index} of the enclosing \`for ${a.index}\``,
    (a) => `move the statement out of the \`for ${a.index}\` loop, or index the target by ${a.index}`,
  ),
  coverageUnverifiable: message<{ name: string; obstacle: CoverageObstacle }>(
    'E2037',
    'the elements covered by ~ statements cannot be worked out',
    (a) => `cannot work out which elements of '${a.name}' this statement covers: ${obstacleText(a.obstacle)}`,
    () =>
      'loop over the declared sizes, e.g. `for s in S { for t in T[s] { y[s][t] ~ … } }`; bounds may be sizes or constants plus or minus a constant',
  ),

  // ------------------------------------------------------------------ assignments
  assignToParam: message<{ name: string }>(
    'E2038',
    'an assignment to a param',
    (a) => `cannot assign to param '${a.name}': params are estimated from the data`,
    (a) => `use \`let\` for a derived quantity, or write \`${a.name} ~ …\` to give it a prior`,
  ),
  assignToObserved: message<{ role: 'data' | 'latent'; name: string }>(
    'E2039',
    'an assignment to a data or latent',
    (a) => `cannot assign to ${a.role} '${a.name}'`,
    (a) =>
      a.role === 'data'
        ? `data values come from the data file; to say how ${a.name} is distributed write \`${a.name}[…] ~ …\``
        : 'a latent is random: give it a distribution with `~`; for a deterministic quantity use `let`',
  ),
  assignmentNotAllowed: message<{ target: string }>(
    'E2040',
    'an assignment statement',
    (a) => `'=' cannot define '${a.target}': a model states distributions and derived quantities, it does not assign`,
    (a) => `to name a derived quantity write \`let ${a.target} = …\``,
  ),

  // ------------------------------------------------------------------ warnings
  unusedParam: message<{ name: string; onlyPrior: boolean }>(
    'W2001',
    'a param that no distribution uses',
    (a) => (a.onlyPrior ? `param '${a.name}' is used only by its own prior` : `param '${a.name}' is never used`),
    () => 'the data say nothing about it, so its estimate is arbitrary; use it in a distribution or remove it',
  ),
  unusedSize: message<{ name: string }>(
    'W2002',
    'a size that nothing uses',
    (a) => `size '${a.name}' is never used`,
    () => 'remove it, or use it as a dimension',
  ),
  unusedLet: message<{ name: string }>(
    'W2003',
    'a let that nothing uses',
    (a) => `let '${a.name}' is never used`,
    () => 'remove it, or use it in a distribution statement',
  ),
} as const;

/** The texts of related notes attached to check diagnostics. */
export const checkNotes = {
  firstDeclared: (name: string) => `'${name}' is first declared here`,
  declaredHere: (kind: NameKind, name: string) => `the ${kind} ${name} is declared here`,
  dimensionDeclared: (owner: string, dim: string) => `this dimension of ${owner} is ${dim}`,
  dimensionOrigin: (owner: string, dim: string) => `${dim} comes from the declaration of ${owner}`,
  firstStatement: () => 'the first distribution statement is here',
} as const;
