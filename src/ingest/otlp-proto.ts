import protobuf from 'protobufjs';

/**
 * The OTLP trace messages this service reads and answers with, written from
 * opentelemetry-proto (`collector/trace/v1/trace_service.proto`, `trace/v1/trace.proto`,
 * `common/v1/common.proto`, `resource/v1/resource.proto`) and `google/rpc/status.proto`.
 * Field numbers and wire types follow those files; links and unknown fields are skipped.
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans {
  Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message ScopeSpans {
  InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  uint32 dropped_links_count = 14;
  Status status = 15;
}
message Status {
  string message = 2;
  int32 code = 3;
}

message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportTracePartialSuccess {
  int64 rejected_spans = 1;
  string error_message = 2;
}

// google.rpc.Status, the body of an OTLP/HTTP error answer; details only for RetryInfo.
message RpcStatus {
  int32 code = 1;
  string message = 2;
  repeated Any details = 3;
}
// google.protobuf.Any, google.protobuf.Duration, google.rpc.RetryInfo: the retry hint of a
// RESOURCE_EXHAUSTED answer over gRPC (without it a sender must not retry).
message Any {
  string type_url = 1;
  bytes value = 2;
}
message Duration {
  int64 seconds = 1;
  int32 nanos = 2;
}
message RetryInfo { Duration retry_delay = 1; }
`;

const root = protobuf.parse(OTLP_TRACE_PROTO).root;

/** `ExportTraceServiceRequest` (enums read as plain ints so unknown values decode). */
export const ExportTraceServiceRequestType = root.lookupType('otlp.ExportTraceServiceRequest');
export const ExportTraceServiceResponseType = root.lookupType('otlp.ExportTraceServiceResponse');
/** `google.rpc.Status` with its code and message. */
export const RpcStatusType = root.lookupType('otlp.RpcStatus');
const RetryInfoType = root.lookupType('otlp.RetryInfo');

/** A `google.rpc.Status` carrying a `google.rpc.RetryInfo` (for `grpc-status-details-bin`). */
export function encodeRetryStatus(code: number, message: string, retrySeconds: number): Buffer {
  const retry = RetryInfoType.encode(
    RetryInfoType.fromObject({ retryDelay: { seconds: retrySeconds } }),
  ).finish();
  const status = RpcStatusType.fromObject({
    code,
    message,
    details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: retry }],
  });
  return Buffer.from(RpcStatusType.encode(status).finish());
}
