import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('has privacy-minded defaults: loopback, content off the OTLP path, offline backends', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 17_801,
      apiToken: undefined,
      jaegerUiUrl: 'http://localhost:16686',
    });
    expect(c.otlp).toEqual({
      url: 'http://127.0.0.1:4318/v1/traces',
      headers: undefined,
      protocol: 'http/protobuf',
      contentPolicy: 'metadata',
    });
    expect(c.backends.llm).toEqual({ eco: 'offline', fast: 'offline' });
    expect(c.executionsDir).toMatch(/exports\/executions$/);
  });

  it('tells a default OTLP endpoint from one the operator set', () => {
    expect(loadConfig({}).otlpEndpointSet).toBe(false);
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }).otlpEndpointSet).toBe(false);
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).otlpEndpointSet,
    ).toBe(true);
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }).otlpEndpointSet,
    ).toBe(true);
  });

  it('reads OTEL_RESOURCE_ATTRIBUTES; OTEL_SERVICE_NAME wins over its service.name', () => {
    const c = loadConfig({
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=school%20lab,service.name=from-attrs',
    });
    expect(c.resourceAttributes).toEqual({
      'deployment.environment.name': 'school lab',
      'service.name': 'from-attrs',
    });
    expect(c.serviceName).toBe('from-attrs');
    expect(
      loadConfig({ OTEL_RESOURCE_ATTRIBUTES: 'service.name=a', OTEL_SERVICE_NAME: 'b' })
        .serviceName,
    ).toBe('b');
    expect(loadConfig({}).serviceName).toBe('execution-history');
    expect(loadConfig({}).resourceAttributes).toEqual({});
  });

  it('serves OTLP/gRPC ingest only when OTLP_GRPC_PORT is set, and only with OTLP_INGEST on', () => {
    expect(loadConfig({}).otlpGrpcPort).toBeNull();
    expect(loadConfig({ OTLP_GRPC_PORT: '4317' }).otlpGrpcPort).toBe(4317);
    expect(() => loadConfig({ OTLP_GRPC_PORT: '4317', OTLP_INGEST: 'off' })).toThrow(
      /OTLP_GRPC_PORT .* needs OTLP_INGEST on/,
    );
    expect(() => loadConfig({ OTLP_GRPC_PORT: '70000' })).toThrow(/OTLP_GRPC_PORT/);
  });

  it('honours the standard OTEL_* variables', () => {
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'none' }).otlp).toBeNull();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otlp?.url).toBe(
      'http://collector:4318/v1/traces',
    );
    const c = loadConfig({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=school%201,k=v',
      OTEL_SERVICE_NAME: 'kunst',
    });
    expect(c.otlp).toMatchObject({
      url: 'http://c:4318/custom',
      headers: { 'x-tenant': 'school 1', k: 'v' },
    });
    expect(c.serviceName).toBe('kunst');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).otlp?.protocol).toBe(
      'http/json',
    );
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      }).otlp?.protocol,
    ).toBe('http/protobuf');
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL/,
    );
  });

  it('refuses to listen beyond loopback without an API token', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/API_TOKEN/);
    expect(loadConfig({ HOST: '0.0.0.0', API_TOKEN: 'a-sufficiently-long-token' }).apiToken).toBe(
      'a-sufficiently-long-token',
    );
  });

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', OTLP_CONTENT_POLICY: 'some' })).toThrow(
      /PORT[\s\S]*OTLP_CONTENT_POLICY|OTLP_CONTENT_POLICY[\s\S]*PORT/,
    );
    expect(() => loadConfig({ LLM_BACKEND_ECO: 'openai' })).toThrow(/OPENAI_BASE_URL/);
  });

  it('treats empty variables as unset, and an empty JAEGER_UI_URL as no link', () => {
    expect(loadConfig({ PORT: '', JAEGER_UI_URL: '' })).toMatchObject({
      port: 17_801,
      jaegerUiUrl: null,
    });
  });
});
