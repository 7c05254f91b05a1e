/** The `emforge` command. */
export async function main(argv: readonly string[]): Promise<number> {
  process.stdout.write(`emforge: not implemented yet (${argv.join(' ')})\n`);
  return 2;
}
