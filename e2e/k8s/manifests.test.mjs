// deploy/k8s without a cluster: every overlay renders with `kubectl kustomize`, every object validates against
// its schema, and the manifests agree with the code and the docs (topics, Kafka access, consumer groups, replicas,
// names, ports, probes, configuration, security, network, database connections). Then the same checks are shown
// to catch drift: each mutation of a rendered overlay must be reported. Needs no running stack (./platform test
// runs it before the Maven build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKS, OVERLAYS, render } from './manifests.mjs';

const rendered = new Map();
const objectsOf = (overlay) => {
  if (!rendered.has(overlay)) rendered.set(overlay, render(overlay));
  return structuredClone(rendered.get(overlay));
};

async function problems(objects) {
  const found = [];
  for (const [name, check] of Object.entries(CHECKS)) {
    try {
      found.push(...(await check(objects)));
    } catch (e) {
      found.push(`${name} could not read the manifests: ${e.message}`);
    }
  }
  return found;
}

for (const overlay of OVERLAYS) {
  test(`overlay ${overlay}: renders, validates and agrees with the code`, async () => {
    const objects = objectsOf(overlay);
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'Kafka', 'KafkaNodePool', 'KafkaTopic', 'KafkaUser', 'Cluster',
      'Pooler', 'ScaledObject', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'PodMonitor', 'PrometheusRule']) {
      assert.ok(kinds.has(kind), `no ${kind} in overlay ${overlay}`);
    }
    assert.deepEqual(await problems(objects), []);
  });
}

test('overlay prod: more than one replica of each service, a disruption budget and spreading for each', () => {
  const objects = objectsOf('prod');
  for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
    const name = deployment.metadata.name;
    assert.ok(deployment.spec.replicas >= 2, `${name}: ${deployment.spec.replicas} replicas`);
    assert.ok(objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === name), `${name}: no PodDisruptionBudget`);
    assert.ok(deployment.spec.template.spec.topologySpreadConstraints?.length, `${name}: not spread`);
    const { requests, limits } = deployment.spec.template.spec.containers[0].resources;
    assert.ok(requests?.cpu && requests?.memory && limits?.memory, `${name}: requests and limits`);
  }
});

test('overlay dev: one replica of everything', () => {
  const objects = objectsOf('dev');
  for (const o of objects) {
    if (o.kind === 'Deployment') assert.equal(o.spec.replicas, 1, o.metadata.name);
    if (o.kind === 'ScaledObject') assert.equal(o.spec.maxReplicaCount, 1, o.metadata.name);
    if (o.kind === 'HorizontalPodAutoscaler') assert.equal(o.spec.maxReplicas, 1, o.metadata.name);
    if (o.kind === 'KafkaNodePool' || o.kind === 'Cluster') assert.equal(o.spec.replicas ?? o.spec.instances, 1, o.metadata.name);
  }
});

// Each drift must be reported by the checks, as the problem it is; a check that cannot fail proves nothing.
const get = (objects, kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const container = (objects, name) => get(objects, 'Deployment', name).spec.template.spec.containers[0];
const MUTATIONS = {
  'a topic with other partitions than deploy/local and docs/events.md': [/topic runs\.low: 12 partitions/,
    (o) => { get(o, 'KafkaTopic', 'runs.low').spec.partitions = 12; }],
  'a topic with another retention than docs/events.md': [/topic runs\.finished: retention\.ms/,
    (o) => { get(o, 'KafkaTopic', 'runs.finished').spec.config['retention.ms'] = 86400000; }],
  'a topic missing': [/topic knowledge\.finished: no KafkaTopic/,
    (o) => { o.splice(o.indexOf(get(o, 'KafkaTopic', 'knowledge.finished')), 1); }],
  'an object that does not fit its schema': [/Deployment api-gateway: .*replicas must be integer/,
    (o) => { get(o, 'Deployment', 'api-gateway').spec.replicas = 'two'; }],
  'a CloudNativePG Cluster that does not fit its schema': [/Cluster promptjuggler-db: .*instances must be integer/,
    (o) => { get(o, 'Cluster', 'promptjuggler-db').spec.instances = 'three'; }],
  'a KEDA ScaledObject that does not fit its schema': [/ScaledObject run-executor: .*triggers must be array/,
    (o) => { get(o, 'ScaledObject', 'run-executor').spec.triggers = 'kafka'; }],
  'a consumer group other than the code\'s in a scaler': [/knowledge-ingest: ScaledObject watches group ingest/,
    (o) => { get(o, 'ScaledObject', 'knowledge-ingest').spec.triggers[0].metadata.consumerGroup = 'ingest'; }],
  'a scaler above the partitions': [/knowledge-ingest: ScaledObject maxReplicaCount 4 exceeds the 3 partitions/,
    (o) => { get(o, 'ScaledObject', 'knowledge-ingest').spec.maxReplicaCount = 4; }],
  'an ACL on a topic the service does not write': [/webhook-dispatcher: writes \[runs\.onsite\] but produces \[\]/,
    (o) => {
    get(o, 'KafkaUser', 'webhook-dispatcher').spec.authorization.acls.push(
      { resource: { type: 'topic', name: 'runs.onsite', patternType: 'literal' }, operations: ['Write'] });
  }],
  'an ACL on another consumer group': [/run-executor: group ACLs \[webhook-dispatcher\]/,
    (o) => { get(o, 'KafkaUser', 'run-executor').spec.authorization.acls.at(-1).resource.name = 'webhook-dispatcher'; }],
  'an alert without its runbook': [/alert PromptJugglerUnheard: no runbook in docs\/operations\.md/,
    (o) => { get(o, 'PrometheusRule', 'promptjuggler').spec.groups[0].rules.push({ alert: 'PromptJugglerUnheard',
      expr: 'vector(1)', annotations: { runbook: 'docs/operations.md#promptjugglerunheard' } }); }],
  'a dashboard that is not JSON': [/ConfigMap promptjuggler-dashboard: promptjuggler-dashboard\.json is not JSON/,
    (o) => { get(o, 'ConfigMap', 'promptjuggler-dashboard').data['promptjuggler-dashboard.json'] = '{"title": '; }],
  'a misspelt setting': [/run-executor: EXECUTOR_MAX_INFLIGHT .* is not a setting the service reads/,
    (o) => { get(o, 'ConfigMap', 'run-executor-config').data.EXECUTOR_MAX_INFLIGHT = '256'; }],
  'a documented setting left out': [/webhook-dispatcher: DISPATCHER_QUEUE_LEASE \(docs\/operations\.md\) is not set/,
    (o) => { delete get(o, 'ConfigMap', 'webhook-dispatcher-config').data.DISPATCHER_QUEUE_LEASE; }],
  'a Secret nothing makes': [/run-executor: SECRETS_KEY refers to Secret executor-secrets/,
    (o) => { container(o, 'run-executor').env.find((e) => e.name === 'SECRETS_KEY').valueFrom.secretKeyRef.name = 'executor-secrets'; }],
  'a readiness probe on a path Quarkus does not serve': [/api-gateway: readinessProbe is not GET \/q\/health\/ready/,
    (o) => { container(o, 'api-gateway').readinessProbe.httpGet.path = '/health'; }],
  'a container port other than the HTTP port': [/webhook-dispatcher: container port http is 8081/,
    (o) => { container(o, 'webhook-dispatcher').ports[0].containerPort = 8081; }],
  'a Service that selects no pod': [/knowledge-ingest: the Service's selector does not select the pods/,
    (o) => { get(o, 'Service', 'knowledge-ingest').spec.selector['app.kubernetes.io/name'] = 'ingest'; }],
  'an image named other than its service': [/run-executor: image .*executor:latest is not named run-executor/,
    (o) => { container(o, 'run-executor').image = 'localhost/promptjuggler/executor:latest'; }],
  'a migrator of another release': [/api-gateway: migrator promptjuggler\/schema:0\.9 is not of the service's release/,
    (o) => { get(o, 'Deployment', 'api-gateway').spec.template.spec.initContainers[0].image = 'promptjuggler/schema:0.9'; }],
  'a writable root filesystem': [/api-gateway\/api-gateway: root filesystem not read-only/,
    (o) => { container(o, 'api-gateway').securityContext.readOnlyRootFilesystem = false; }],
  'an internal service open to anyone': [/knowledge-ingest: open to traffic from anywhere/,
    (o) => { get(o, 'NetworkPolicy', 'knowledge-ingest').spec.ingress[0].from = []; }],
  'internet egress that reaches the cluster': [/webhook-dispatcher: egress to 0\.0\.0\.0\/0 reaches cluster-internal ranges/,
    (o) => {
    const rule = get(o, 'NetworkPolicy', 'webhook-dispatcher').spec.egress.find((r) => r.to?.[0]?.ipBlock);
    rule.to[0].ipBlock.except = [];
  }],
  'startup parameters sent through PgBouncer': [/knowledge-ingest: connects through PgBouncer but its pools send startup parameters .*plan_cache_mode/,
    (o) => { get(o, 'ConfigMap', 'knowledge-ingest-config').data.PJ_PG_HOST = 'promptjuggler-db-pooler-rw'; }],
  'more connections than PostgreSQL holds': [/PostgreSQL max_connections 200 < \d+/,
    (o) => { get(o, 'Pooler', 'promptjuggler-db-pooler-rw').spec.pgbouncer.parameters.default_pool_size = '150'; }],
};

for (const [drift, [report, mutate]] of Object.entries(MUTATIONS)) {
  test(`drift is reported: ${drift}`, async () => {
    const objects = objectsOf('prod');
    mutate(objects);
    const found = await problems(objects);
    assert.ok(found.some((p) => report.test(p)), `expected a problem matching ${report}, found: ${JSON.stringify(found)}`);
  });
}

test('without kubectl the check says what is missing', () => {
  assert.throws(() => render('dev', { ...process.env, PATH: '/nonexistent' }), /kubectl not found on PATH/);
});
