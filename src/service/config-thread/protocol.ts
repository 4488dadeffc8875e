import type { Change, GatewaySection } from '../../config/index.js';
import type { Problem } from '../../problems.js';
import type { ReplacedMembers } from '../../store/config/security-groups.js';

/** The Gateway settings of the running process that a document may not change (a restart would). */
export interface RunningSettings {
  Listen: string;
  Database: string;
}

/** What the configuration thread does, each in one transaction on its own connection. */
export type ConfigRequest =
  | {
      op: 'applyFile';
      /** The environment loadConfig reads (GATEWAY_CONFIG and the overrides). */
      env: Record<string, string | undefined>;
      running: RunningSettings;
    }
  | {
      op: 'replaceMembers';
      organizationId: string;
      securityGroupId: string;
      /** One per line: a single string crosses the thread boundary as one copy, not 100,000. */
      entityIds: string;
    };

export type ConfigResult =
  | {
      op: 'applyFile';
      changes: Change[];
      /** The file's Organizations were the ones last applied from it: the store was left as it is. */
      organizationsUnchanged: boolean;
      gateway: GatewaySection;
    }
  | { op: 'replaceMembers'; stored: Omit<ReplacedMembers, 'entityIds'> & { entityIds: string } };

/** A refusal keeps its kind, so the caller can answer it as the same error the inline path throws. */
export type ConfigFailure =
  | { kind: 'config'; problems: Problem[]; source: string | undefined }
  | { kind: 'document-owns-members'; organizationId: string; securityGroupId: string }
  | { kind: 'error'; message: string };

export type ConfigResponse =
  | { id: number; ok: true; result: ConfigResult }
  | { id: number; ok: false; failure: ConfigFailure };
