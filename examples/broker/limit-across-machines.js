// limit-across-machines.js — at most 2 jobs at once, counted across every process that runs it (BROKER=redis://…)
import { BrokerSemaphore } from 'pipeline-tui/broker';

const permits = await BrokerSemaphore.open(process.env.BROKER ?? 'redis://localhost:6379', {
  name: 'db-connections',
  value: 2, // the same value in every process that opens this name
});
const job = async () => {
  await permits.acquire(); // resolves once a permit is free, whoever held it
  try {
    await new Promise((resolve) => setTimeout(resolve, 20)); // the work that needs one of the 2
  } finally {
    await permits.release();
  }
};
await Promise.all(Array.from({ length: 10 }, job));
const { acquisitions, maxInUse } = await permits.counts(); // the server's own record
console.log(`${acquisitions} jobs, at most ${maxInUse} at once`);
await permits.close();
