# Shared settings of the local stack, sourced by every script under deploy/local/.
# Every value can be overridden from the environment; all state lives under PJ_STATE_DIR.
# shellcheck shell=bash

PJ_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PJ_ROOT
export PJ_STATE_DIR="${PJ_STATE_DIR:-$PJ_ROOT/.local/dev}"

export PJ_KAFKA_PORT="${PJ_KAFKA_PORT:-19092}"
export PJ_KAFKA_CONTROLLER_PORT="${PJ_KAFKA_CONTROLLER_PORT:-19093}"
# A second client listener that requires SASL/SCRAM-SHA-512 (19094 beside the default 19092; a stack on other
# ports gets its Kafka port + 2), for the tests that reach a secured broker. Local credentials only.
export PJ_KAFKA_SASL_PORT="${PJ_KAFKA_SASL_PORT:-$((PJ_KAFKA_PORT + 2))}"
export PJ_KAFKA_SCRAM_USER="${PJ_KAFKA_SCRAM_USER:-pj}"
export PJ_KAFKA_SCRAM_PASSWORD="${PJ_KAFKA_SCRAM_PASSWORD:-pj-local-scram}"
export PJ_PG_PORT="${PJ_PG_PORT:-15432}"
export PJ_SIMULATOR_PORT="${PJ_SIMULATOR_PORT:-18090}"
export PJ_GATEWAY_PORT="${PJ_GATEWAY_PORT:-18080}"
export PJ_EXECUTOR_PORT="${PJ_EXECUTOR_PORT:-18081}"
export PJ_DISPATCHER_PORT="${PJ_DISPATCHER_PORT:-18082}"
export PJ_INGEST_PORT="${PJ_INGEST_PORT:-18083}"
# ./platform receiver, the walk-through's local webhook receiver.
export PJ_RECEIVER_PORT="${PJ_RECEIVER_PORT:-18099}"

export PJ_PG_DATABASE="${PJ_PG_DATABASE:-promptjuggler}"
export PJ_PG_USER="${PJ_PG_USER:-pj}"
export PJ_PG_PASSWORD="${PJ_PG_PASSWORD:-pj}"
# PostgreSQL's own cache. Its default (128 MB) holds less than one HNSW index of 100,000 384-d chunks, so
# searches copied index pages in from the OS cache; pgvector's advice is an index that fits in memory.
export PJ_PG_SHARED_BUFFERS="${PJ_PG_SHARED_BUFFERS:-512MB}"
# Each service replica keeps a pool of up to 20 connections (the executor 23): the 9 replicas of
# PJ_REPLICAS=gateway=2,executor=3,dispatcher=2,ingest=2 take up to 190, beyond PostgreSQL's default of 100.
export PJ_PG_MAX_CONNECTIONS="${PJ_PG_MAX_CONNECTIONS:-300}"

export PJ_KAFKA_BOOTSTRAP="127.0.0.1:${PJ_KAFKA_PORT}"

# Webhooks to non-public addresses are refused; the local stack's own receivers listen on loopback.
export PJ_WEBHOOK_ALLOW_NETWORKS="${PJ_WEBHOOK_ALLOW_NETWORKS:-127.0.0.0/8,::1/128}"
# The same for the executor's http tool.
export PJ_HTTP_TOOL_ALLOW_NETWORKS="${PJ_HTTP_TOOL_ALLOW_NETWORKS:-127.0.0.0/8,::1/128}"
# The same for knowledge-ingest's URL documents (the end-to-end tests serve their pages on loopback).
export PJ_INGEST_URL_ALLOW_NETWORKS="${PJ_INGEST_URL_ALLOW_NETWORKS:-127.0.0.0/8,::1/128}"
# The gateway's Swagger UI (/q/swagger-ui) is off in production unless enabled; the local stack enables it.
export GATEWAY_SWAGGER_UI_ENABLED="${GATEWAY_SWAGGER_UI_ENABLED:-true}"
