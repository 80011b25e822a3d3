import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { type IJob, Job } from 'kubernetes-models/batch/v1';
import { type IPodDisruptionBudget, PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ConfigMap,
  type IConfigMap,
  type IContainer,
  type IPodSpec,
  type ISecret,
  type IService,
  Secret,
  Service,
} from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadServerConfig } from '../../src/config.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifestsDir = path.join(projectRoot, 'manifests');
const read = (relative: string) => readFileSync(path.join(projectRoot, relative), 'utf8');

/** From the server's own constant (src/server.ts): SIGTERM waits this long for in-flight sends. */
const DRAIN_SECONDS = 25;

type Doc = { file: string; index: number; object: { apiVersion?: unknown; kind?: unknown } };

function loadManifests(): Doc[] {
  const docs: Doc[] = [];
  const files = readdirSync(manifestsDir).filter((f) => /\.ya?ml$/.test(f));
  for (const file of files.sort()) {
    parseAllDocuments(readFileSync(path.join(manifestsDir, file), 'utf8')).forEach((doc, index) => {
      if (doc.errors.length > 0) throw new Error(`${file} document ${index}: ${doc.errors[0]?.message}`);
      const object: unknown = doc.toJS();
      if (object === null || object === undefined) return; // an empty document (a trailing `---`)
      if (typeof object !== 'object') throw new Error(`${file} document ${index} is not a mapping`);
      docs.push({ file, index, object });
    });
  }
  return docs;
}

const docs = loadManifests();

// Each kind the manifests use, with kubernetes-models' JSON-schema validation (throws on a schema error).
const models: Record<string, (object: object) => { validate(): void }> = {
  'apps/v1/Deployment': (o) => new Deployment(o as IDeployment),
  'autoscaling/v2/HorizontalPodAutoscaler': (o) => new HorizontalPodAutoscaler(o as IHorizontalPodAutoscaler),
  'batch/v1/Job': (o) => new Job(o as IJob),
  'policy/v1/PodDisruptionBudget': (o) => new PodDisruptionBudget(o as IPodDisruptionBudget),
  'v1/ConfigMap': (o) => new ConfigMap(o as IConfigMap),
  'v1/Secret': (o) => new Secret(o as ISecret),
  'v1/Service': (o) => new Service(o as IService),
};

function objectsOfKind<T>(kind: string, file?: string): T[] {
  return docs.filter((d) => d.object.kind === kind && (!file || d.file === file)).map((d) => d.object as T);
}

function single<T>(items: readonly T[] | undefined, what: string): T {
  expect(items, what).toHaveLength(1);
  return items?.[0] as T;
}

const deployment = single(objectsOfKind<IDeployment>('Deployment'), 'one Deployment');
const job = single(objectsOfKind<IJob>('Job'), 'one Job');
const podSpec = deployment.spec?.template.spec as IPodSpec;
const container = single(podSpec.containers, 'one container in the Deployment');
const jobPodSpec = job.spec?.template.spec as IPodSpec;
const jobContainer = single(jobPodSpec.containers, 'one container in the Job');

describe('manifests/*.yaml are valid Kubernetes objects', () => {
  it('finds the expected files and kinds', () => {
    const kinds = docs.map((d) => `${d.file}:${String(d.object.kind)}`).sort();
    expect(kinds).toEqual(
      [
        'configmap.yaml:ConfigMap',
        'deployment.yaml:Deployment',
        'hpa.yaml:HorizontalPodAutoscaler',
        'kustomization.yaml:Kustomization',
        'migrate-job.yaml:Job',
        'pdb.yaml:PodDisruptionBudget',
        'secret.example.yaml:Secret',
        'service.yaml:Service',
      ].sort(),
    );
  });

  for (const { file, index, object } of docs) {
    if (object.kind === 'Kustomization') continue;
    it(`${file}#${index} (${String(object.kind)}) passes kubernetes-models validation`, () => {
      const make = models[`${String(object.apiVersion)}/${String(object.kind)}`];
      expect(make, `no model for ${String(object.apiVersion)} ${String(object.kind)}`).toBeDefined();
      expect(() => make?.(object).validate()).not.toThrow();
      expect((object as { metadata?: { name?: string } }).metadata?.name).toMatch(/^orderstatus(-[a-z]+)?$/);
    });
  }

  it('the validation is not vacuous: a wrong type is rejected', () => {
    const broken = structuredClone(deployment) as unknown as { spec: { replicas: unknown } };
    broken.spec.replicas = 'two';
    expect(() => new Deployment(broken as unknown as IDeployment).validate()).toThrow();
    const noContainers = structuredClone(deployment) as unknown as {
      spec: { template: { spec: { containers?: unknown } } };
    };
    delete noContainers.spec.template.spec.containers;
    expect(() => new Deployment(noContainers as unknown as IDeployment).validate()).toThrow();
  });
});

describe('the Deployment', () => {
  it('runs at least two replicas, replaced one at a time without losing capacity', () => {
    expect(deployment.metadata?.name).toBe('orderstatus');
    expect(deployment.spec?.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec?.strategy?.type).toBe('RollingUpdate');
    expect(deployment.spec?.strategy?.rollingUpdate?.maxUnavailable).toBe(0);
  });

  it('serves HTTP on port 3000 named http, running dist/server.js', () => {
    expect(container.image).toBe('orderstatus');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 3000, protocol: 'TCP' }]);
    expect(container.command).toEqual(['node', '--max-semi-space-size=8', 'dist/server.js']);
    const port = container.env?.find((e) => e.name === 'PORT');
    if (port) expect(port.value).toBe('3000');
  });

  it('asks Prometheus to scrape /metrics on the http port', () => {
    const annotations = deployment.spec?.template.metadata?.annotations ?? {};
    expect(annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(container.ports?.[0]?.containerPort),
      'prometheus.io/path': '/metrics',
    });
  });

  it('probes /healthz on the http port: strict readiness, generous liveness, a startup probe', () => {
    const { readinessProbe, livenessProbe, startupProbe } = container;
    for (const probe of [readinessProbe, livenessProbe, startupProbe]) {
      expect(probe?.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    }
    // Draining (503) takes a pod out of the Service within one period.
    expect(readinessProbe?.failureThreshold ?? 3).toBeLessThanOrEqual(2);
    // /healthz stays 200 while the database is down; liveness must not restart a pod that is merely
    // draining, so it tolerates longer than the whole grace period.
    const livenessWindow = (livenessProbe?.periodSeconds ?? 10) * (livenessProbe?.failureThreshold ?? 3);
    expect(livenessWindow).toBeGreaterThan(podSpec.terminationGracePeriodSeconds ?? 30);
    expect(startupProbe?.failureThreshold).toBeGreaterThan(1);
  });

  it('gives SIGTERM time to drain in-flight sends after the preStop pause', () => {
    const grace = podSpec.terminationGracePeriodSeconds ?? 30;
    expect(grace).toBeGreaterThan(DRAIN_SECONDS);
    const preStop = container.lifecycle?.preStop?.exec?.command;
    expect(preStop?.[0]).toBe('node');
    const pause = Number(/setTimeout\([^,]+,\s*(\d+)\)/.exec(preStop?.join(' ') ?? '')?.[1]) / 1000;
    expect(pause).toBeGreaterThan(0);
    expect(grace).toBeGreaterThan(pause + DRAIN_SECONDS);
  });

  it('spreads replicas across nodes', () => {
    const spread = podSpec.topologySpreadConstraints?.some((c) => c.topologyKey === 'kubernetes.io/hostname');
    const antiAffinity =
      podSpec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.some(
        (t) => t.podAffinityTerm.topologyKey === 'kubernetes.io/hostname',
      );
    expect(spread || antiAffinity).toBe(true);
  });
});

function expectHardened(spec: IPodSpec, c: IContainer) {
  expect(spec.securityContext?.runAsNonRoot).toBe(true);
  expect(c.securityContext).toMatchObject({
    runAsNonRoot: true,
    runAsUser: 1000,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  });
  // A read-only root file system still needs a writable /tmp.
  const tmpMount = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
  expect(tmpMount).toBeDefined();
  expect(spec.volumes?.find((v) => v.name === tmpMount?.name)?.emptyDir).toBeDefined();
}

function expectResources(c: IContainer) {
  const { requests, limits } = c.resources ?? {};
  expect(requests).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
  expect(limits).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
}

function expectEnvFromSecretAndConfigMap(c: IContainer) {
  expect(c.envFrom).toEqual(
    expect.arrayContaining([
      { secretRef: { name: 'orderstatus-secrets' } },
      { configMapRef: { name: 'orderstatus-config' } },
    ]),
  );
  // No secret value written inline in the pod spec.
  for (const e of c.env ?? []) expect(e.name).not.toMatch(/SECRET|TOKEN|KEY|DATABASE_URL/);
}

describe('pod hardening, resources and configuration', () => {
  it('the server runs non-root with a read-only root file system', () => expectHardened(podSpec, container));
  it('the migrate Job runs with the same hardening', () => expectHardened(jobPodSpec, jobContainer));
  it('both set resource requests and limits', () => {
    expectResources(container);
    expectResources(jobContainer);
    expect(container.resources?.requests).toEqual({ cpu: '100m', memory: '128Mi' });
    expect(container.resources?.limits).toEqual({ cpu: '1', memory: '256Mi' });
  });
  it('both take their environment from the Secret and the ConfigMap', () => {
    expectEnvFromSecretAndConfigMap(container);
    expectEnvFromSecretAndConfigMap(jobContainer);
  });

  it('the ConfigMap and example Secret names match what the pods reference', () => {
    expect(single(objectsOfKind<IConfigMap>('ConfigMap'), 'one ConfigMap').metadata?.name).toBe(
      'orderstatus-config',
    );
    expect(single(objectsOfKind<ISecret>('Secret'), 'one Secret').metadata?.name).toBe('orderstatus-secrets');
  });

  it('the ConfigMap plus the example Secret make a configuration the server accepts', () => {
    const configMap = single(objectsOfKind<IConfigMap>('ConfigMap'), 'one ConfigMap');
    const secret = single(objectsOfKind<ISecret>('Secret'), 'one Secret');
    expect(configMap.data).toEqual({
      LOG_LEVEL: 'info',
      KALEYRA_RATE_LIMIT: '80',
      KALEYRA_TIMEOUT_MS: '15000',
    });
    const config = loadServerConfig({ ...configMap.data, ...secret.stringData, PORT: '3000' });
    expect(config.slack.auth.mode).toBe('oauth');
    expect(config.slack.transport.kind).toBe('http');
    expect(config.storage.databaseUrl).toMatch(/^postgres:\/\//);
    expect(config.kaleyraRateLimit).toBe(80);
    expect(config.kaleyraTimeoutMs).toBe(15_000);
  });
});

describe('the migrate Job', () => {
  it('runs `node dist/cli.js migrate` once, retried a few times, cleaned up afterwards', () => {
    expect(job.metadata?.name).toBe('orderstatus-migrate');
    expect(jobContainer.command).toEqual(['node', 'dist/cli.js', 'migrate']);
    expect(jobContainer.image).toBe(container.image);
    expect(jobPodSpec.restartPolicy).toBe('Never');
    expect(job.spec?.backoffLimit).toBe(3);
    expect(job.spec?.ttlSecondsAfterFinished).toBe(600);
  });
});

describe('Service, HPA and PDB select the server pods', () => {
  const podLabels = deployment.spec?.template.metadata?.labels ?? {};
  const jobLabels = job.spec?.template.metadata?.labels ?? {};
  const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
    selector !== undefined &&
    Object.keys(selector).length > 0 &&
    Object.entries(selector).every(([k, v]) => labels[k] === v);

  it('the Deployment selector matches its own pod template', () => {
    expect(matches(deployment.spec?.selector.matchLabels, podLabels)).toBe(true);
  });

  it('the Service sends port 80 to the named http port of server pods only', () => {
    const service = single(objectsOfKind<IService>('Service'), 'one Service');
    expect(service.spec?.type ?? 'ClusterIP').toBe('ClusterIP');
    expect(service.spec?.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 'http' })]);
    expect(matches(service.spec?.selector, podLabels)).toBe(true);
    expect(matches(service.spec?.selector, jobLabels)).toBe(false);
  });

  it('the HPA scales the Deployment between 2 and 10 on 70% CPU', () => {
    const hpa = single(objectsOfKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler'), 'one HPA');
    expect(hpa.spec?.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'orderstatus',
    });
    expect(hpa.spec?.minReplicas).toBe(2);
    expect(hpa.spec?.maxReplicas).toBe(10);
    expect(hpa.spec?.metrics).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
      },
    ]);
  });

  it('the PDB keeps one server pod and does not count the migrate pod', () => {
    const pdb = single(objectsOfKind<IPodDisruptionBudget>('PodDisruptionBudget'), 'one PDB');
    expect(pdb.spec?.minAvailable).toBe(1);
    expect(matches(pdb.spec?.selector?.matchLabels, podLabels)).toBe(true);
    expect(matches(pdb.spec?.selector?.matchLabels, jobLabels)).toBe(false);
  });
});

describe('kustomization.yaml', () => {
  const kustomization = single(
    docs.filter((d) => d.object.kind === 'Kustomization').map((d) => d.object),
    'one Kustomization',
  ) as {
    apiVersion?: string;
    resources?: string[];
    labels?: { pairs?: Record<string, string> }[];
    commonLabels?: unknown;
  };

  it('lists every manifest except the example Secret, and each listed file exists', () => {
    expect(kustomization.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
    const resources = kustomization.resources ?? [];
    const expected = readdirSync(manifestsDir)
      .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml' && f !== 'secret.example.yaml')
      .sort();
    expect([...resources].sort()).toEqual(expected);
    expect(resources).not.toContain('secret.example.yaml');
    expect(new Set(resources).size).toBe(resources.length);
    for (const resource of resources)
      expect(existsSync(path.join(manifestsDir, resource)), resource).toBe(true);
  });

  it('labels everything app.kubernetes.io/name: orderstatus with `labels:` (not deprecated commonLabels)', () => {
    expect(kustomization.commonLabels).toBeUndefined();
    expect(kustomization.labels?.some((l) => l.pairs?.['app.kubernetes.io/name'] === 'orderstatus')).toBe(
      true,
    );
  });
});

describe('the image', () => {
  const kustomization = docs.find((d) => d.object.kind === 'Kustomization')?.object as {
    images?: { name?: string; newName?: string; newTag?: string }[];
  };

  it('is named once in kustomization.yaml’s images:, with a registry and a release tag (never latest)', () => {
    expect(container.image).toBe('orderstatus');
    expect(jobContainer.image).toBe(container.image);
    const entry = single(kustomization.images, 'one images: entry');
    expect(entry.name).toBe(container.image);
    expect(entry.newName).toMatch(/^[a-z0-9.-]+(:\d+)?\/[\w./-]+$/i);
    expect(entry.newTag).toMatch(/\S/);
    expect(entry.newTag).not.toBe('latest');
  });

  it('kustomization.yaml says how to build, push and set it, and why the pods wait for the Job', () => {
    const text = read('manifests/kustomization.yaml');
    expect(text).toContain('docker build -t REGISTRY/orderstatus:TAG .');
    expect(text).toContain('docker push REGISTRY/orderstatus:TAG');
    expect(text).toContain('kustomize edit set image orderstatus=REGISTRY/orderstatus:TAG');
    expect(text).toContain('kubectl wait --for=condition=complete job/orderstatus-migrate');
    expect(read('manifests/migrate-job.yaml')).toMatch(/schema is behind exits/);
  });
});

describe('the manifests’ notes', () => {
  it('point only at files the project has', () => {
    for (const file of readdirSync(manifestsDir)) {
      const text = read(`manifests/${file}`);
      for (const [, named] of text.matchAll(/\b((?:docs\/)?[\w-]+\.md)\b/g)) {
        expect(existsSync(path.join(projectRoot, named ?? '')), `${file} names ${named}`).toBe(true);
      }
    }
    expect(read('manifests/configmap.yaml')).not.toContain('PRODUCT.md');
  });

  it('the Service’s note lists every path that must be reachable from outside, callbacks and media included', () => {
    const note = read('manifests/service.yaml');
    for (const route of [
      '/slack/events',
      '/slack/install',
      '/slack/oauth_redirect',
      '/kaleyra/callbacks',
      '/media/',
    ])
      expect(note, route).toContain(route);
  });

  it('manifests/secret.yaml, where the real values go, is git-ignored', () => {
    const ignored = (file: string) =>
      spawnSync('git', ['check-ignore', '-q', file], { cwd: projectRoot }).status;
    expect(ignored('manifests/secret.yaml')).toBe(0);
    expect(ignored('manifests/secret.example.yaml')).toBe(1);
  });
});

describe('secret.example.yaml', () => {
  const secret = single(objectsOfKind<ISecret>('Secret', 'secret.example.yaml'), 'one Secret');

  it('says to copy it to secret.yaml and fill it in', () => {
    expect(read('manifests/secret.example.yaml')).toMatch(/^#.*secret\.yaml/m);
  });

  it('holds every secret the pods need, as placeholders only', () => {
    const values = secret.stringData ?? {};
    expect(secret.data).toBeUndefined();
    expect(Object.keys(values).sort()).toEqual(
      [
        'DATABASE_URL',
        'ENCRYPTION_KEY',
        'SLACK_CLIENT_ID',
        'SLACK_CLIENT_SECRET',
        'SLACK_SIGNING_SECRET',
        'SLACK_STATE_SECRET',
      ].sort(),
    );
    for (const [key, value] of Object.entries(values)) {
      expect(value, key).toContain('replace-me');
      // Whatever is left once the placeholders are taken out holds nothing token-like: no run of 8 or
      // more letters and digits that has a digit in it (hex/base64 secrets, numeric client ids).
      const rest = value.replaceAll('replace-me', '');
      const tokenLike = (rest.match(/[A-Za-z0-9]{8,}/g) ?? []).filter((run) => /\d/.test(run));
      expect(tokenLike, key).toEqual([]);
      expect(value, key).not.toMatch(/xox[abpr]-|xapp-/);
    }
  });
});

describe('Dockerfile', () => {
  // Instructions only: comments may mention what the file deliberately does not do.
  const dockerfile = read('Dockerfile')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';

  it('builds and runs on node:24-slim in two stages', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^node:24-slim\b/);
    expect(stages[0]).toMatch(/^RUN npm ci\b/m);
    expect(stages[0]).toMatch(/^RUN npm run build\b/m);
  });

  it('installs only production dependencies in the runtime image', () => {
    expect(runtime).toMatch(/^RUN npm ci\b[^\n]*--omit=dev/m);
    expect(runtime).toMatch(/^COPY --from=\S+ \/app\/dist \.\/dist/m);
  });

  it('runs as a non-root user', () => {
    const user = [...runtime.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('checks /healthz with node (no curl in slim), stops with SIGTERM and starts the server directly', () => {
    expect(runtime).toMatch(/^HEALTHCHECK\b[\s\S]*?CMD \["node", "-e", "[^\n]*\/healthz/m);
    expect(runtime).not.toMatch(/\bcurl\b|\bwget\b/);
    expect(runtime).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production PORT=3000$/m);
    expect(runtime).toMatch(/^EXPOSE 3000$/m);
    expect(runtime).toMatch(/^CMD \["node", "--max-semi-space-size=8", "dist\/server\.js"\]$/m);
  });

  it('.dockerignore keeps local state and secrets out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(
      expect.arrayContaining(['node_modules', 'dist', 'data', '.git', '.env*', 'test', 'coverage']),
    );
  });
});

describe('Procfile', () => {
  it('runs the server and migrates in the release phase', () => {
    const lines = read('Procfile')
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(lines).toEqual(
      expect.arrayContaining([
        'web: node --max-semi-space-size=8 dist/server.js',
        'release: node dist/cli.js migrate',
      ]),
    );
  });
});

describe('app.json', () => {
  type AppJson = {
    name?: string;
    stack?: string;
    buildpacks?: { url: string }[];
    addons?: ({ plan: string } | string)[];
    formation?: Record<string, { quantity: number; size?: string }>;
    env?: Record<string, { description?: string; required?: boolean; value?: string; generator?: string }>;
  };
  const app = JSON.parse(read('app.json')) as AppJson;
  const env = app.env ?? {};

  // PRODUCT.md's environment table when shared/ is beside the clone; otherwise the same names, fixed here.
  const productPath = path.resolve(projectRoot, '..', 'shared', 'PRODUCT.md');
  const fixedNames = [
    'SLACK_SIGNING_SECRET',
    'SLACK_BOT_TOKEN',
    'SLACK_CLIENT_ID',
    'SLACK_CLIENT_SECRET',
    'SLACK_STATE_SECRET',
    'SLACK_APP_TOKEN',
    'DATA_DIR',
    'ENCRYPTION_KEY',
    'SLACK_API_URL',
    'KALEYRA_BASE_URL',
    'LOG_LEVEL',
  ];

  function productEnvNames(markdown: string): string[] {
    const lines = markdown.split('\n');
    const header = lines.findIndex((l) => /^\|\s*variable\s*\|/i.test(l));
    if (header < 0) throw new Error('PRODUCT.md: no "| variable |" table found');
    const names: string[] = [];
    for (const line of lines.slice(header + 2)) {
      if (!line.startsWith('|')) break;
      // Names in any cell: DATA_DIR is introduced in DATABASE_URL's meaning, not a row of its own.
      for (const m of line.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)`/g)) {
        if (m[1] && !names.includes(m[1])) names.push(m[1]);
      }
    }
    return names;
  }

  const fromProduct = existsSync(productPath)
    ? productEnvNames(readFileSync(productPath, 'utf8'))
    : undefined;
  const required = (fromProduct ?? fixedNames).filter((n) => n !== 'PORT' && n !== 'DATABASE_URL');

  it('targets heroku-24 with the Node.js buildpack, Postgres and one basic web dyno', () => {
    expect(app.name).toBe('orderstatus');
    expect(app.stack).toBe('heroku-24');
    expect(app.buildpacks).toEqual([{ url: 'heroku/nodejs' }]);
    expect(app.addons).toEqual([expect.objectContaining({ plan: 'heroku-postgresql:essential-0' })]);
    expect(app.formation?.web).toEqual({ quantity: 1, size: 'basic' });
  });

  it(`describes every variable in ${fromProduct ? "PRODUCT.md's environment table" : 'the fixed list (shared/PRODUCT.md not found)'} except PORT and DATABASE_URL`, () => {
    if (fromProduct)
      expect(fromProduct).toEqual(expect.arrayContaining([...fixedNames, 'PORT', 'DATABASE_URL']));
    for (const name of required) {
      expect(env[name], name).toBeDefined();
      expect(env[name]?.description, name).toMatch(/\S{3,}/);
    }
    expect(env.PORT).toBeUndefined();
    expect(env.DATABASE_URL).toBeUndefined();
    for (const name of ['KALEYRA_RATE_LIMIT', 'KALEYRA_TIMEOUT_MS'])
      expect(env[name]?.description, name).toBeTruthy();
    for (const [name, spec] of Object.entries(env)) expect(spec.description, name).toBeTruthy();
  });

  it('asks for ENCRYPTION_KEY (base64 of 32 bytes, not Heroku’s hex generator) and generates the OAuth state secret', () => {
    expect(env.ENCRYPTION_KEY?.required).toBe(true);
    expect(env.ENCRYPTION_KEY?.generator).toBeUndefined();
    expect(env.ENCRYPTION_KEY?.description).toContain('openssl rand -base64 32');
    expect(env.SLACK_STATE_SECRET?.generator).toBe('secret');
  });

  it('says which Slack mode it sets up (OAuth), and the docs’ Heroku steps say how to use the other', () => {
    const description = (JSON.parse(read('app.json')) as { description: string }).description;
    expect(description).toContain('OAuth mode');
    expect(env.SLACK_BOT_TOKEN?.description).toMatch(/unset those three/);
    const heroku = read('docs/deployment.md');
    expect(heroku).toContain('heroku config:unset SLACK_CLIENT_ID SLACK_CLIENT_SECRET SLACK_STATE_SECRET');
    expect(heroku).toContain('heroku config:set SLACK_BOT_TOKEN=');
    expect(heroku).toMatch(/app\.json.*OAuth mode/);
  });

  it('the deploy-time values make a configuration the server accepts', () => {
    // What Heroku would set: defaults, generated secrets, the add-on's DATABASE_URL and a value for
    // every required variable; optional variables without a default stay unset.
    const values: Record<string, string> = {
      DATABASE_URL: 'postgres://u:p@db.example.com:5432/d',
      PORT: '12345',
    };
    for (const [name, spec] of Object.entries(env)) {
      if (spec.value !== undefined) values[name] = spec.value;
      else if (spec.generator === 'secret') values[name] = 'a'.repeat(64);
      else if (spec.required) values[name] = `${name.toLowerCase()}-value`;
    }
    const config = loadServerConfig(values);
    expect(config.slack.auth.mode).toBe('oauth');
    expect(config.slack.transport.kind).toBe('http');
    expect(config.logLevel).toBe('info');
    expect(config.kaleyraRateLimit).toBe(80);
    expect(config.kaleyraTimeoutMs).toBe(15_000);
  });

  it('parses the PRODUCT.md table format (so the fallback list is the only source when shared/ is absent)', () => {
    const sample = [
      '| variable | meaning |',
      '|---|---|',
      '| `PORT` | port |',
      '| `A_B`, `C` | two, under `D_DIR` (default `./d`) |',
      '',
      '| `NOT_ME` | after the table |',
    ].join('\n');
    expect(productEnvNames(sample)).toEqual(['PORT', 'A_B', 'C', 'D_DIR']);
  });
});

describe('the server command', () => {
  it('is the same everywhere production starts it (npm start, Procfile, Dockerfile, Deployment)', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    const procfile = read('Procfile');
    const dockerfile = read('Dockerfile');
    const deployment = read('manifests/deployment.yaml');
    const expected = 'node --max-semi-space-size=8 dist/server.js';
    expect(start).toContain(`exec ${expected}`);
    expect(procfile).toContain(`web: ${expected}`);
    expect(dockerfile).toContain(`CMD ${JSON.stringify(expected.split(' '))}`.replace(/","/g, '", "'));
    expect(deployment).toContain(`command: ${JSON.stringify(expected.split(' '))}`.replace(/","/g, '", "'));
  });
});
