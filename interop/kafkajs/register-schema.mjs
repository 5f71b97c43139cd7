// Usage: node register-schema.mjs ENDPOINTS.json
// Registers a schema under a new subject as @kafkajs/confluent-schema-registry does (asking the
// subject's own compatibility level, expecting none, and setting FULL after the first version),
// registers it again, and reads back a record written with its id.
import { readFileSync } from 'node:fs';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';

const { schemaRegistryUrl } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const registry = new SchemaRegistry({ host: schemaRegistryUrl });
const subject = `interop-kafkajs-${Date.now()}-value`;
const schema = {
  type: SchemaType.AVRO,
  schema: JSON.stringify({
    type: 'record', name: 'Probe', namespace: 'interop',
    fields: [{ name: 'note', type: 'string' }],
  }),
};
const options = { subject, compatibility: COMPATIBILITY.FULL };

const { id } = await registry.register(schema, options);
const again = await registry.register(schema, options);
if (again.id !== id) {
  throw new Error(`registered again as id ${again.id}, not ${id}`);
}
const decoded = await registry.decode(await registry.encode(id, { note: 'registered by kafkajs' }));
if (decoded.note !== 'registered by kafkajs') {
  throw new Error(`read back ${JSON.stringify(decoded)}`);
}
console.log(JSON.stringify({ subject, id, compatibility: options.compatibility, decoded }));
