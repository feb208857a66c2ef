// The checks of deploy/k8s: each returns the problems it finds in a rendered overlay (an empty list when
// there are none), so that a test can show both that the manifests pass and that a drifted manifest fails.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  ROOT, SERVICES, assignedTopics, consumerGroups, documentedTopics, documentedVariables, localTopics, producedTopics, reads,
  startupParameters,
} from './code.mjs';

export const OVERLAYS = ['dev', 'prod'];
const MIGRATOR = 'schema';
const MIGRATOR_VARIABLES = ['PJ_PG_HOST', 'PJ_PG_PORT', 'PJ_PG_DATABASE', 'PJ_PG_USER', 'PJ_PG_PASSWORD'];
// Secrets the manifests read but do not make: the operator's (docs/deploy.md), CloudNativePG's and Strimzi's.
const PLATFORM_SECRET = 'promptjuggler-secrets';
const DATABASE_SECRET = 'promptjuggler-db-app';
const KAFKA_CA_SECRET = 'promptjuggler-cluster-ca-cert';
// Quarkus' reactive PostgreSQL pool (quarkus.datasource.reactive.max-size) when a service does not size it.
const QUARKUS_REACTIVE_POOL = 20;
// PostgreSQL's superuser_reserved_connections (3) plus one migrator per starting pod of a rollout's surge.
const DATABASE_HEADROOM = 3 + SERVICES.length;

/** The overlay as kubectl renders it: its objects. kubectl must be installed (CI has it). */
export function render(overlay, env = process.env) {
  let output;
  try {
    output = execFileSync('kubectl', ['kustomize', join(ROOT, 'deploy/k8s/overlays', overlay)],
      { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (e.code === 'ENOENT') {
      throw new Error('kubectl not found on PATH: the manifest check renders deploy/k8s with `kubectl kustomize` '
        + '(kubectl 1.27 or newer; https://kubernetes.io/docs/tasks/tools/)');
    }
    throw new Error(`kubectl kustomize deploy/k8s/overlays/${overlay} failed: ${e.stderr || e.message}`);
  }
  return parseAllDocuments(output).map((doc) => doc.toJS()).filter(Boolean);
}

const find = (objects, kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const ofKind = (objects, kind) => objects.filter((o) => o.kind === kind);
const labelOf = (o) => o.metadata.labels?.['app.kubernetes.io/name'];

// apiVersion → the package module holding its models (each model validates against the API's OpenAPI schema).
const MODELS = {
  'v1': 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'kafka.strimzi.io/v1': '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1',
  'keda.sh/v1alpha1': '@kubernetes-models/keda/keda.sh/v1alpha1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
  'postgresql.cnpg.io/v1': '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1',
};

/** Every object against the schema of its kind: Kubernetes, Strimzi, KEDA, Prometheus operator, CloudNativePG. */
export async function schemaProblems(objects) {
  const problems = [];
  for (const object of objects) {
    const id = `${object.kind} ${object.metadata?.name}`;
    const module = MODELS[object.apiVersion];
    const Model = module && (await import(module))[object.kind];
    if (!Model) {
      problems.push(`${id}: no schema known for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (e) {
      problems.push(`${id}: ${e.message}`);
    }
  }
  return problems;
}

/** Topics and partitions: the KafkaTopics, deploy/local/infra.sh and docs/events.md say the same. */
export function topicProblems(objects) {
  const problems = [];
  const manifests = new Map(ofKind(objects, 'KafkaTopic').map((t) => [t.spec.topicName ?? t.metadata.name, t.spec]));
  const local = localTopics();
  const documented = documentedTopics();
  for (const name of new Set([...manifests.keys(), ...local.keys(), ...documented.keys()])) {
    const topic = manifests.get(name);
    const doc = documented.get(name);
    if (!topic) { problems.push(`topic ${name}: no KafkaTopic`); continue; }
    if (!local.has(name)) problems.push(`topic ${name}: not in deploy/local/infra.sh's TOPICS`);
    if (!doc) { problems.push(`topic ${name}: not in docs/events.md's partitions and retention`); continue; }
    if (local.has(name) && local.get(name) !== topic.partitions) {
      problems.push(`topic ${name}: ${topic.partitions} partitions, deploy/local/infra.sh has ${local.get(name)}`);
    }
    if (doc.partitions !== topic.partitions) {
      problems.push(`topic ${name}: ${topic.partitions} partitions, docs/events.md says ${doc.partitions}`);
    }
    if (Number(topic.config?.['retention.ms']) !== doc.retentionMs) {
      problems.push(`topic ${name}: retention.ms ${topic.config?.['retention.ms']}, docs/events.md says ${doc.retentionMs}`);
    }
    if (topic.config?.['cleanup.policy'] !== doc.cleanup) {
      problems.push(`topic ${name}: cleanup.policy ${topic.config?.['cleanup.policy']}, docs/events.md says ${doc.cleanup}`);
    }
  }
  return problems;
}

/**
 * Kafka access per service: its KafkaUser may read exactly the topics it consumes, write exactly those it produces,
 * and read only its own consumer group; the lag scalers watch that group on those topics.
 */
export function kafkaAccessProblems(objects) {
  const problems = [];
  for (const service of SERVICES) {
    const user = find(objects, 'KafkaUser', service);
    if (!user) { problems.push(`${service}: no KafkaUser`); continue; }
    const groups = consumerGroups(service);
    const consumed = new Set([...groups.keys(), ...assignedTopics(service)]);
    const produced = producedTopics(service);
    const granted = { Read: new Set(), Write: new Set(), group: new Set() };
    for (const acl of user.spec.authorization?.acls ?? []) {
      const { type, name, patternType = 'literal' } = acl.resource;
      if (patternType !== 'literal' || name === '*') problems.push(`${service}: ACL on ${type} ${name} is not one literal name`);
      if (type === 'topic') {
        for (const op of acl.operations) if (op === 'Read' || op === 'Write') granted[op].add(name);
        for (const op of acl.operations) {
          if (!['Read', 'Write', 'Describe'].includes(op)) problems.push(`${service}: ${op} on topic ${name} is more than it needs`);
        }
      } else if (type === 'group') {
        granted.group.add(name);
      } else {
        problems.push(`${service}: ACL on a ${type}, which it does not need`);
      }
    }
    const same = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
    if (!same(granted.Read, consumed)) problems.push(`${service}: reads [${[...granted.Read]}] but consumes [${[...consumed]}]`);
    if (!same(granted.Write, produced)) problems.push(`${service}: writes [${[...granted.Write]}] but produces [${[...produced]}]`);
    const ownGroups = new Set(groups.values());
    if (!same(granted.group, ownGroups)) problems.push(`${service}: group ACLs [${[...granted.group]}], its consumer groups [${[...ownGroups]}]`);

    const scaler = find(objects, 'ScaledObject', service);
    for (const trigger of Array.isArray(scaler?.spec.triggers) ? scaler.spec.triggers : []) {
      const { topic, consumerGroup } = trigger.metadata ?? {};
      if (!consumed.has(topic)) problems.push(`${service}: ScaledObject watches ${topic}, which it does not consume`);
      else if (groups.get(topic) !== consumerGroup) {
        problems.push(`${service}: ScaledObject watches group ${consumerGroup} on ${topic}, the service's group is ${groups.get(topic)}`);
      }
    }
    // Only a consumer group shares out its topics' lag; a reader by assignment reads all of them on every replica.
    if (groups.size && !scaler) problems.push(`${service}: consumes [${[...groups.keys()]}] but has no ScaledObject on their lag`);
  }
  return problems;
}

/** No autoscaler (nor a fixed replica count) asks for more replicas than the service's topics have partitions. */
export function replicaProblems(objects) {
  const problems = [];
  const partitions = new Map(ofKind(objects, 'KafkaTopic').map((t) => [t.metadata.name, t.spec.partitions]));
  for (const service of SERVICES) {
    const consumed = [...consumerGroups(service).keys()];
    if (!consumed.length) continue;
    const most = Math.max(...consumed.map((t) => partitions.get(t) ?? 0));
    const scaler = find(objects, 'ScaledObject', service);
    const hpa = find(objects, 'HorizontalPodAutoscaler', service);
    const deployment = find(objects, 'Deployment', service);
    for (const [what, count] of [['ScaledObject maxReplicaCount', scaler?.spec.maxReplicaCount],
      ['HorizontalPodAutoscaler maxReplicas', hpa?.spec.maxReplicas], ['Deployment replicas', deployment?.spec.replicas]]) {
      if (count > most) problems.push(`${service}: ${what} ${count} exceeds the ${most} partitions of its topics`);
    }
  }
  const hpa = find(objects, 'HorizontalPodAutoscaler', 'api-gateway');
  if (!hpa || !hpa.spec.metrics?.some((m) => m.resource?.name === 'cpu')) problems.push('api-gateway: no HorizontalPodAutoscaler on CPU');
  return problems;
}

const pom = (service) => readFileSync(join(ROOT, service, 'pom.xml'), 'utf8');
const imageName = (image) => image.replace(/[:@].*$/, '').split('/').pop();
const imageTag = (image) => (/:([^/:@]+)$/.exec(image.replace(/@.*$/, '')) ?? [])[1] ?? 'latest';

/**
 * One name per service everywhere (directory = artifactId = image = app.kubernetes.io/name = Deployment/Service),
 * selectors that select, the HTTP port and health paths Quarkus serves, the migrator before each service.
 */
export function workloadProblems(objects) {
  const problems = [];
  const platform = find(objects, 'ConfigMap', 'platform-config');
  const port = Number(platform?.data?.QUARKUS_HTTP_PORT);
  for (const service of SERVICES) {
    const deployment = find(objects, 'Deployment', service);
    const svc = find(objects, 'Service', service);
    if (!deployment || !svc) { problems.push(`${service}: Deployment and Service must be named ${service}`); continue; }
    if (!new RegExp(`<artifactId>${service}</artifactId>`).test(pom(service))) problems.push(`${service}: the module's artifactId differs`);
    const pod = deployment.spec.template;
    const podLabels = pod.metadata.labels ?? {};
    for (const o of objects.filter((x) => labelOf(x) === service || x.metadata.name === service)) {
      if (labelOf(o) !== service && !['KafkaUser'].includes(o.kind)) problems.push(`${o.kind} ${o.metadata.name}: app.kubernetes.io/name is ${labelOf(o)}`);
    }
    if (podLabels['app.kubernetes.io/name'] !== service) problems.push(`${service}: pod label app.kubernetes.io/name is ${podLabels['app.kubernetes.io/name']}`);
    const selects = (selector) => Object.entries(selector ?? {}).every(([k, v]) => podLabels[k] === v);
    if (!selects(deployment.spec.selector.matchLabels)) problems.push(`${service}: the Deployment's selector does not select its pods`);
    if (!selects(svc.spec.selector)) problems.push(`${service}: the Service's selector does not select the pods`);
    for (const kind of ['PodMonitor', 'NetworkPolicy', 'PodDisruptionBudget']) {
      const o = find(objects, kind, service);
      const selector = kind === 'NetworkPolicy' ? o?.spec.podSelector.matchLabels : o?.spec.selector.matchLabels;
      if (o && !selects(selector)) problems.push(`${service}: the ${kind}'s selector does not select the pods`);
      if (!o && kind !== 'PodDisruptionBudget') problems.push(`${service}: no ${kind}`);
    }

    const container = pod.spec.containers.find((c) => c.name === service);
    if (!container) { problems.push(`${service}: no container named ${service}`); continue; }
    if (imageName(container.image) !== service) problems.push(`${service}: image ${container.image} is not named ${service}`);
    const http = container.ports?.find((p) => p.name === 'http');
    if (!http || http.containerPort !== port) problems.push(`${service}: container port http is ${http?.containerPort}, QUARKUS_HTTP_PORT is ${port}`);
    const target = svc.spec.ports.find((p) => p.name === 'http');
    if (!target || (target.targetPort !== 'http' && target.targetPort !== port)) problems.push(`${service}: the Service does not target port http`);
    const paths = { startupProbe: '/q/health/started', livenessProbe: '/q/health/live', readinessProbe: '/q/health/ready' };
    for (const [probe, path] of Object.entries(paths)) {
      const get = container[probe]?.httpGet;
      if (get?.path !== path || (get.port !== 'http' && get.port !== port)) problems.push(`${service}: ${probe} is not GET ${path} on port http`);
    }
    if (!pom(service).includes('<artifactId>quarkus-smallrye-health</artifactId>')) problems.push(`${service}: probes need quarkus-smallrye-health`);
    const monitor = find(objects, 'PodMonitor', service);
    if (monitor && (monitor.spec.podMetricsEndpoints[0]?.path !== '/q/metrics' || !pom(service).includes('micrometer-registry-prometheus'))) {
      problems.push(`${service}: PodMonitor must scrape /q/metrics (micrometer-registry-prometheus)`);
    }
    if (!(pod.spec.terminationGracePeriodSeconds > (container.lifecycle?.preStop?.sleep?.seconds ?? 0))) {
      problems.push(`${service}: terminationGracePeriodSeconds must exceed the preStop pause`);
    }

    const migrate = pod.spec.initContainers?.find((c) => imageName(c.image) === MIGRATOR);
    if (!migrate) problems.push(`${service}: no init container running the ${MIGRATOR} migrator`);
    else {
      if (imageTag(migrate.image) !== imageTag(container.image)) problems.push(`${service}: migrator ${migrate.image} is not of the service's release ${container.image}`);
      if (JSON.stringify(migrate.args ?? []) !== '["migrate"]') problems.push(`${service}: the migrator must run "migrate"`);
      const names = new Set((migrate.env ?? []).map((e) => e.name));
      for (const v of MIGRATOR_VARIABLES) if (!names.has(v)) problems.push(`${service}: the migrator lacks ${v}`);
    }
  }
  return problems;
}

/** Non-root, read-only root filesystem with a writable /tmp, no privilege escalation, no capabilities. */
export function securityProblems(objects) {
  const problems = [];
  for (const deployment of ofKind(objects, 'Deployment')) {
    const spec = deployment.spec.template.spec;
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      const id = `${deployment.metadata.name}/${c.name}`;
      const sc = c.securityContext ?? {};
      if (!(sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot)) problems.push(`${id}: not runAsNonRoot`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${id}: root filesystem not read-only`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${id}: privilege escalation allowed`);
      if (!sc.capabilities?.drop?.includes('ALL') || sc.capabilities?.add?.length) problems.push(`${id}: capabilities not all dropped`);
      const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
      if (!tmp || !spec.volumes?.find((v) => v.name === tmp.name)?.emptyDir) problems.push(`${id}: no emptyDir at /tmp`);
    }
  }
  return problems;
}

/**
 * Configuration: every variable a service's container gets (its env and its ConfigMaps) is one the service reads,
 * every variable docs/operations.md lists for it is set, and what it references exists.
 */
export function configurationProblems(objects) {
  const problems = [];
  const made = new Set(ofKind(objects, 'KafkaUser').map((u) => u.metadata.name));
  [PLATFORM_SECRET, DATABASE_SECRET, KAFKA_CA_SECRET].forEach((s) => made.add(s));
  const documented = documentedVariables();
  for (const service of SERVICES) {
    const deployment = find(objects, 'Deployment', service);
    const container = deployment?.spec.template.spec.containers.find((c) => c.name === service);
    if (!container) continue;
    const variables = new Map();
    for (const source of container.envFrom ?? []) {
      const map = find(objects, 'ConfigMap', source.configMapRef?.name);
      if (!map) { problems.push(`${service}: envFrom ConfigMap ${source.configMapRef?.name} is not in the manifests`); continue; }
      for (const key of Object.keys(map.data ?? {})) variables.set(key, `ConfigMap ${map.metadata.name}`);
    }
    for (const e of container.env ?? []) {
      variables.set(e.name, 'env');
      const secret = e.valueFrom?.secretKeyRef?.name;
      if (secret && !made.has(secret)) problems.push(`${service}: ${e.name} refers to Secret ${secret}, which nothing makes`);
      const map = e.valueFrom?.configMapKeyRef;
      if (map && !find(objects, 'ConfigMap', map.name)?.data?.[map.key]) problems.push(`${service}: ${e.name} refers to ${map.name}/${map.key}, which is not there`);
    }
    for (const [name, from] of variables) {
      if (!reads(service, name)) problems.push(`${service}: ${name} (${from}) is not a setting the service reads`);
    }
    for (const name of documented.get(service)) {
      if (!variables.has(name) && !QUARKUS_DATASOURCE.test(name)) problems.push(`${service}: ${name} (docs/operations.md) is not set`);
    }
    for (const name of ['PJ_PG_HOST', 'PJ_PG_PORT', 'PJ_PG_DATABASE', 'PJ_PG_USER', 'PJ_PG_PASSWORD', 'KAFKA_BOOTSTRAP_SERVERS',
      'KAFKA_SECURITY_PROTOCOL', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_JAAS_CONFIG']) {
      if (!variables.has(name)) problems.push(`${service}: ${name} is not set`);
    }
  }
  const allow = ['api-gateway', 'webhook-dispatcher'].map((s) => find(objects, 'ConfigMap', `${s}-config`)?.data?.PJ_WEBHOOK_ALLOW_NETWORKS);
  if (allow[0] !== allow[1]) problems.push(`PJ_WEBHOOK_ALLOW_NETWORKS differs between api-gateway (${allow[0]}) and webhook-dispatcher (${allow[1]})`);
  return problems;
}
// The whole-URL alternatives of the PJ_PG_* variables (docs/operations.md: "or the whole …").
const QUARKUS_DATASOURCE = /^QUARKUS_DATASOURCE_/;

/** Only api-gateway takes traffic from anywhere; every other service only from named peers. */
export function networkProblems(objects) {
  const problems = [];
  const policies = ofKind(objects, 'NetworkPolicy');
  if (!policies.some((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/component'] === 'service'
    && !p.spec.ingress && !p.spec.egress && p.spec.policyTypes?.includes('Ingress') && p.spec.policyTypes?.includes('Egress'))) {
    problems.push('no default-deny NetworkPolicy for the services');
  }
  for (const service of SERVICES) {
    const policy = find(objects, 'NetworkPolicy', service);
    const open = (policy?.spec.ingress ?? []).some((rule) => !rule.from?.length);
    if (open !== (service === 'api-gateway')) problems.push(`${service}: ${open ? 'open to' : 'closed to'} traffic from anywhere`);
    for (const rule of policy?.spec.egress ?? []) {
      for (const peer of rule.to ?? []) {
        if (peer.ipBlock && !['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].every((c) => peer.ipBlock.cidr !== '0.0.0.0/0' || peer.ipBlock.except?.includes(c))) {
          problems.push(`${service}: egress to ${peer.ipBlock.cidr} reaches cluster-internal ranges`);
        }
      }
    }
  }
  return problems;
}

/**
 * PostgreSQL's max_connections holds the Pooler's server connections plus the services that connect directly, and the
 * services that connect through the Pooler send no startup parameters.
 */
export function connectionProblems(objects) {
  const cluster = ofKind(objects, 'Cluster')[0];
  const pooler = ofKind(objects, 'Pooler')[0];
  const platform = find(objects, 'ConfigMap', 'platform-config');
  const problems = [];
  let needed = DATABASE_HEADROOM + (pooler ? pooler.spec.instances * Number(pooler.spec.pgbouncer.parameters.default_pool_size) : 0);
  for (const service of SERVICES) {
    const config = find(objects, 'ConfigMap', `${service}-config`)?.data ?? {};
    const host = config.PJ_PG_HOST ?? platform.data.PJ_PG_HOST;
    if (pooler && host === pooler.metadata.name) {
      // PgBouncer refuses a connection that sends a startup parameter it does not track, and its transaction
      // pooling would not keep one per client anyway: settings through it are a transaction's (SET LOCAL).
      const sent = startupParameters(service);
      if (sent.length) problems.push(`${service}: connects through PgBouncer but its pools send startup parameters ${sent.join(', ')}`);
      continue;
    }
    const scaler = find(objects, 'ScaledObject', service) ?? find(objects, 'HorizontalPodAutoscaler', service);
    const replicas = scaler?.spec.maxReplicaCount ?? scaler?.spec.maxReplicas ?? find(objects, 'Deployment', service).spec.replicas;
    needed += replicas * Number(config.QUARKUS_DATASOURCE_REACTIVE_MAX_SIZE ?? QUARKUS_REACTIVE_POOL);
  }
  const max = Number(cluster.spec.postgresql.parameters.max_connections);
  if (needed > max) problems.push(`PostgreSQL max_connections ${max} < ${needed} that may connect`);
  return problems;
}

/**
 * Dashboards and alerts (deploy/k8s/base/monitoring): the Grafana dashboard's ConfigMap holds JSON whose every panel
 * queries something, and every alert has its runbook paragraph in docs/operations.md ("Alerts") and links it; every
 * runbook there has its alert. (That the metrics they read exist is e2e/test/observability.test.mjs's part.)
 */
export function monitoringProblems(objects) {
  const problems = [];
  const dashboards = ofKind(objects, 'ConfigMap').filter((o) => o.metadata.labels?.grafana_dashboard === '1');
  if (dashboards.length === 0) problems.push('no ConfigMap labelled grafana_dashboard');
  for (const map of dashboards) {
    for (const [file, text] of Object.entries(map.data ?? {})) {
      let dashboard;
      try {
        dashboard = JSON.parse(text);
      } catch (e) {
        problems.push(`ConfigMap ${map.metadata.name}: ${file} is not JSON: ${e.message}`);
        continue;
      }
      if (!dashboard.title || !Array.isArray(dashboard.panels) || dashboard.panels.length === 0) {
        problems.push(`ConfigMap ${map.metadata.name}: ${file} has no title or no panels`);
      }
      for (const panel of dashboard.panels ?? []) {
        if (!panel.title || !(panel.targets ?? []).length || panel.targets.some((t) => !t.expr)) {
          problems.push(`dashboard ${dashboard.title}: panel ${panel.title ?? panel.id} has no query`);
        }
      }
    }
  }
  const rules = ofKind(objects, 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g) => g.rules));
  if (rules.length === 0) problems.push('no PrometheusRule');
  const alerts = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8').split('\n## Alerts\n')[1]?.split('\n## ')[0] ?? '';
  const documented = new Set([...alerts.matchAll(/^### (\w+)$/gm)].map((m) => m[1]));
  for (const rule of rules) {
    if (!rule.alert) continue;
    if (!documented.has(rule.alert)) problems.push(`alert ${rule.alert}: no runbook in docs/operations.md ("Alerts")`);
    if (rule.annotations?.runbook !== `docs/operations.md#${rule.alert.toLowerCase()}`) {
      problems.push(`alert ${rule.alert}: its runbook annotation does not link its paragraph`);
    }
  }
  const alertNames = new Set(rules.map((r) => r.alert));
  for (const name of documented) {
    if (!alertNames.has(name)) problems.push(`docs/operations.md documents alert ${name}, which no rule raises`);
  }
  return problems;
}

export const CHECKS = {
  schemaProblems, topicProblems, kafkaAccessProblems, replicaProblems, workloadProblems, securityProblems,
  configurationProblems, networkProblems, connectionProblems, monitoringProblems,
};
