#!/usr/bin/env node
// Entry point of the `sluice` command. Node 22.18+ runs the TypeScript sources directly.
import '../src/cli/main.ts';
