#!/usr/bin/env node
// The CLI lives in compiler/cli; this file only finds its build (made by `npm install` via `prepare`).
import { main } from "../dist/compiler/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
