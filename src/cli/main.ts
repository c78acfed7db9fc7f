#!/usr/bin/env node
import { sizeHeapFor } from './heap-size.js';

// The heap is sized before the rest of picket is loaded: loading it is enough to grow the young generation.
sizeHeapFor(process.argv.slice(2));
await import('./program.js');
