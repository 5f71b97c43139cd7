// Usage: node decode-decision.mjs ENDPOINTS.json
// Reads orders-blocked from the beginning (kafkajs reads only committed records), decodes each
// value through the schema registry, and succeeds once a BLOCKED decision with reasons is decoded.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

const { bootstrapServers, schemaRegistryUrl } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const kafka = new Kafka({ clientId: 'lockup-guard-interop', brokers: bootstrapServers.split(','), logLevel: logLevel.ERROR });
const registry = new SchemaRegistry({ host: schemaRegistryUrl });
const consumer = kafka.consumer({ groupId: `interop-${Date.now()}` });

const timeout = setTimeout(async () => {
  console.error('no decision decoded within 60 s');
  await consumer.disconnect().catch(() => {});
  process.exit(1);
}, 60_000);

await consumer.connect();
await consumer.subscribe({ topic: 'orders-blocked', fromBeginning: true });
await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    const decision = await registry.decode(message.value);
    console.log(JSON.stringify({ topic, partition, offset: message.offset, key: message.key.toString(), decision }));
    if (decision.outcome === 'BLOCKED' && Array.isArray(decision.reasons) && decision.reasons.length > 0) {
      clearTimeout(timeout);
      // disconnecting inside eachMessage would wait for this very handler: do it after it returns
      setImmediate(async () => {
        await consumer.disconnect();
        process.exit(0);
      });
    }
  },
});
