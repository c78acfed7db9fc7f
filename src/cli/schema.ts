import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, Argument } from 'commander';
import { checksJsonSchema, combinedJsonSchema, picketJsonSchema } from '../config/json-schema.js';

export function register(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of picket.yaml and check files, for editors that complete and check YAML')
    .addArgument(new Argument('[file]', 'only one file kind').choices(['picket', 'checks']))
    .option('-o, --out <dir>', 'write picket.schema.json and checks.schema.json into this folder instead')
    .action((file: 'picket' | 'checks' | undefined, opts: { out?: string }) => {
      if (opts.out) {
        mkdirSync(opts.out, { recursive: true });
        for (const [name, schema] of [['picket.schema.json', picketJsonSchema()], ['checks.schema.json', checksJsonSchema()]] as const) {
          writeFileSync(path.join(opts.out, name), `${JSON.stringify(schema, null, 2)}\n`);
          process.stdout.write(`wrote ${path.join(opts.out, name)}\n`);
        }
        return;
      }
      const schema = file === 'picket' ? picketJsonSchema() : file === 'checks' ? checksJsonSchema() : combinedJsonSchema();
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
}
