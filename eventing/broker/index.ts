export { startBroker, type BrokerOptions, type RunningBroker } from './broker';
export { runBroker } from './main';
export { listDeadLetters, replayDeadLetters, runDlqCommand, type DeadLetter, type DeadLetterOptions } from './dlq';
export { deleteTopology, exchangeName, triggerQueueName, deadLetterQueueName, type AmqpSource } from './topology';
export { parseDuration } from './duration';
export type { EventEnvelope } from './envelope';
