#!/usr/bin/env node
// Package bin: starts the headless spooler (the same entry as `npm run spooler`).
import { register } from 'tsx/esm/api';

register();
await import('../main/headless.ts');
