/**
 * The `MeanFieldProgram`: what the runtime executes for latent groups that are each
 * conjugate-exponential but interact, so that their joint posterior has no closed form and the
 * E-step is mean-field variational (closed-form coordinate updates, a monotone ELBO). The one
 * form so far is latent Dirichlet allocation (Blei, Ng & Jordan 2003): per document d a topic
 * proportion `theta[d] ~ Dirichlet(alpha)`, per word a topic `z[d][i] ~ Categorical(theta[d])`
 * and the word `w[d][i] ~ Categorical(topics[z[d][i]])`, documents of any lengths (ragged).
 * Plain JSON data, no closures: the compiler lowers a plan to it (`lowerMeanFieldProgram`),
 * `fitMeanField` runs it. Sizes stay symbolic.
 */
import type { DimEntry } from '../data/data-schema.js';
import type { DeclaredParam, ProgramBase } from '../em/fit-program.js';

/**
 * The Dirichlet concentration of the topic proportions: a number (symmetric), data (a scalar,
 * symmetric, or one value per topic), or a param `positive[K]` updated by Newton's method.
 */
export type Concentration =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'data'; readonly name: string }
  | { readonly kind: 'param'; readonly name: string };

export interface LdaProgram extends ProgramBase {
  readonly kind: 'mean-field';
  readonly form: 'lda';
  readonly model: string;
  /** The document plate (`d` over `Docs`) and the ragged word plate (`i` over `Len[d]`). */
  readonly documents: { readonly index: string; readonly size: DimEntry };
  readonly words: { readonly index: string; readonly lengths: string };
  /** The observed words (`w`, cat[V] data) and the vocabulary size. */
  readonly observed: string;
  readonly vocabulary: DimEntry;
  /** The topic proportions latent (`theta`) and the per-word topic latent (`z`), with K. */
  readonly proportions: string;
  readonly topic: string;
  readonly topics: DimEntry;
  readonly alpha: Concentration;
  /** The topic–word param (`topics[K]: simplex[V]`). */
  readonly topicWord: string;
  /** In declaration order. */
  readonly params: readonly DeclaredParam[];
  readonly objective: 'elbo';
  readonly strategy: 'mean-field';
  /** The statements as written, for messages. */
  readonly statements: readonly string[];
}

/** Every mean-field program (one form so far). */
export type MeanFieldProgram = LdaProgram;
