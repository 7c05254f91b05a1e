/** Writes the fit report to a file atomically (a reader never sees half a page). */
import { writeAtomically } from '../load-program.js';
import { renderReport } from './render-report.js';
import type { ReportInput } from './report-input.js';

export function writeReport(path: string, input: ReportInput): void {
  writeAtomically(path, renderReport(input));
}
