import type { ServerConfig } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import type { Services } from '../../services/open-services.ts';
import type { SendAndReportDeps } from '../send-and-report.ts';

/** What every listener may use; built once in register-listeners.ts. */
export type ListenerContext = {
  config: ServerConfig;
  logger: Logger;
  services: Services;
  send: SendAndReportDeps;
};
