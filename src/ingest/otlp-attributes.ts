import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { OtlpAnyValue, OtlpKeyValue } from './otlp-trace-request.js';

type Primitive = string | number | boolean;

function number(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}

function primitive(value: OtlpAnyValue): Primitive | undefined {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return number(value.intValue);
  if (value.doubleValue !== undefined) return number(value.doubleValue);
  return undefined;
}

/**
 * One OTLP value as a span attribute value: primitives and arrays of them; key-value lists
 * and bytes, which span attributes cannot hold, give undefined (the attribute is dropped).
 */
export function attributeValue(value: OtlpAnyValue | undefined): AttributeValue | undefined {
  if (!value) return undefined;
  if (value.arrayValue) {
    const items = (value.arrayValue.values ?? []).map(primitive);
    return items.every((v) => v !== undefined) ? (items as AttributeValue) : undefined;
  }
  return primitive(value);
}

/** OTLP key-values as span attributes (pure; the last of a repeated key wins). */
export function toAttributes(list: readonly OtlpKeyValue[] | undefined): Attributes {
  const attributes: Attributes = {};
  for (const kv of list ?? []) {
    const v = attributeValue(kv.value);
    if (v !== undefined) attributes[kv.key] = v;
  }
  return attributes;
}
