#!/usr/bin/env node
// Entry point of the `emforge` command; the implementation is compiled to dist/ during install.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
