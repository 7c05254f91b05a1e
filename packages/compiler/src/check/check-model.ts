/** The check phase: names, scopes, types, supports, shapes and coverage of a parsed model. */
import { InternalError, type Model, type PhaseResult } from '@emforge/dsl';

export interface CheckedModel {
  readonly ast: Model;
}

export function checkModel(model: Model): PhaseResult<CheckedModel> {
  throw new InternalError(`checker not implemented yet (${model.name.name})`);
}
