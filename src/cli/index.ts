import type { Command } from 'commander';
import * as check from './check.js';
import * as demo from './demo.js';
import * as incidents from './incidents.js';
import * as migrate from './migrate.js';
import * as notify from './notify.js';
import * as replay from './replay.js';
import * as schema from './schema.js';
import * as silence from './silence.js';
import * as simulate from './simulate.js';
import * as start from './start.js';
import * as status from './status.js';
import * as validate from './validate.js';

/** Every command; a new one is one file in this folder and one entry here. */
export const commands: { register(program: Command): void }[] = [start, demo, validate, check, status, incidents, silence, notify, replay, simulate, schema, migrate];
