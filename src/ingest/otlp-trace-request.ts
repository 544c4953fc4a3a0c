import { z } from 'zod';

/**
 * An `ExportTraceServiceRequest` in the OTLP/JSON mapping (lowerCamelCase keys, int64 as a
 * decimal string or a number, enums as ints); protobuf bodies are brought to the same shape.
 * Ids are hex in OTLP/JSON and base64 when they come from protobuf (see `IdEncoding`).
 * Unknown keys are dropped; links are not read.
 */
export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}

export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

const Int64Schema = z.union([z.string().regex(/^-?\d{1,20}$/), z.number().int()]);
const UnsignedSchema = z.union([z.string().regex(/^\d{1,20}$/), z.number().int().nonnegative()]);
const DoubleSchema = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
const EnumSchema = z.union([z.number().int(), z.string()]);

export const OtlpAnyValueSchema: z.ZodType<OtlpAnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: Int64Schema.optional(),
    doubleValue: DoubleSchema.optional(),
    arrayValue: z.object({ values: z.array(OtlpAnyValueSchema).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(OtlpKeyValueSchema).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
);

export const OtlpKeyValueSchema: z.ZodType<OtlpKeyValue> = z.lazy(() =>
  z.object({ key: z.string(), value: OtlpAnyValueSchema.optional() }),
);

const Attributes = z.array(OtlpKeyValueSchema).optional();
const Count = z.number().int().nonnegative().optional();

export const OtlpEventSchema = z.object({
  timeUnixNano: UnsignedSchema.optional(),
  name: z.string().optional(),
  attributes: Attributes,
  droppedAttributesCount: Count,
});

export const OtlpSpanSchema = z.object({
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  traceState: z.string().optional(),
  parentSpanId: z.string().optional(),
  flags: z.number().int().nonnegative().optional(),
  name: z.string().optional(),
  kind: EnumSchema.optional(),
  startTimeUnixNano: UnsignedSchema.optional(),
  endTimeUnixNano: UnsignedSchema.optional(),
  attributes: Attributes,
  droppedAttributesCount: Count,
  events: z.array(OtlpEventSchema).optional(),
  droppedEventsCount: Count,
  droppedLinksCount: Count,
  status: z.object({ message: z.string().optional(), code: EnumSchema.optional() }).optional(),
});
export type OtlpSpan = z.infer<typeof OtlpSpanSchema>;

export const OtlpTraceRequestSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: Attributes, droppedAttributesCount: Count }).optional(),
        scopeSpans: z
          .array(
            z.object({
              scope: z
                .object({
                  name: z.string().optional(),
                  version: z.string().optional(),
                  attributes: Attributes,
                })
                .optional(),
              spans: z.array(OtlpSpanSchema).optional(),
              schemaUrl: z.string().optional(),
            }),
          )
          .optional(),
        schemaUrl: z.string().optional(),
      }),
    )
    .optional(),
});
export type OtlpTraceRequest = z.infer<typeof OtlpTraceRequestSchema>;

/** How span and trace ids are written: hex in OTLP/JSON, base64 after protobuf decoding. */
export type IdEncoding = 'hex' | 'base64';
