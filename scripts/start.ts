/** `npm start`: the whole platform on this machine, until Ctrl-C. */
import { startPlatform } from './platform';

async function main() {
  const platform = await startPlatform();
  const { urls, env } = platform;
  const lines = [
    '',
    'The platform is up.',
    urls.nginx ? `  clients (Nginx):   ${urls.nginx}/api/v1/<service>/<path>` : '  Nginx is not installed (apt-get install -y nginx); clients use the gateway directly',
    `  gateway:           ${urls.gateway}`,
    `  API documentation: ${urls.nginx ?? urls.gateway}/api/docs`,
    `  local S3 server:   ${urls.s3 ?? 'off'} (buckets products, sav, newsletters)`,
    urls.smtp ? `  SMTP sink:         ${urls.smtp} (mails kept, listed at ${urls.smtp_sink}/messages)` : '  SMTP sink:         off',
    `  event broker:      ${urls.broker} (K_SINK; RabbitMQ-backed, Triggers from the services' subscriptions)`,
    ...Object.entries(urls)
      .filter(([name]) => !['gateway', 'nginx', 's3', 'broker', 'smtp', 'smtp_sink'].includes(name))
      .map(([name, url]) => `  ${name.padEnd(18)} ${url}`),
    `  administrator:     ${env.ADMIN_EMAIL} (password from ADMIN_PASSWORD)`,
    'Ctrl-C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping...');
    await platform.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(`\nThe platform could not start:\n${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
});
