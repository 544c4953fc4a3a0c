// Command go-stillepost is a small Stille Post pipeline instrumented with the OpenTelemetry Go
// SDK the way docs/span-conventions.md (version 1) says, so that an execution-history record
// service rebuilds each run's ExecutionRecord from its spans alone. It is the Go twin of
// examples/python/stillepost.py: the same spans, names and items, for pipelines written in Go
// and for the end-to-end tests (the Python SDK cannot be installed on the test machines).
//
// The "LLM" here is an offline stand-in (backend "offline", model "example-offline-v1"); a real
// pipeline records its real model, backend and timings in the same places.
//
// The exporter is the SDK's OTLP/HTTP (protobuf) one, configured by the standard variables
// (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS, ...). One JSON line per run goes to
// stdout: {"execution_id", "trace_id", "items"}.
//
//	OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 go run . -runs 3
package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// The attribute names of the span conventions, version 1.
const (
	attrExecutionID     = "execution.id"
	attrSpanRole        = "execution.span.role"
	attrConfigName      = "execution.config_name"
	attrMode            = "execution.mode"
	attrSafetyLevel     = "execution.safety_level"
	attrUserID          = "execution.user_id"
	attrSessionID       = "execution.session_id"
	attrTaxonomyVersion = "execution.taxonomy_version"
	attrStatus          = "execution.status"
	attrOutputsProduced = "execution.outputs.produced"
	attrOutputsBlocked  = "execution.outputs.blocked"
	attrOutputsFailed   = "execution.outputs.failed"
	attrStage           = "execution.stage"
	attrStageIteration  = "execution.stage_iteration"

	itemSequence       = "execution.item.sequence_number"
	itemStage          = "execution.item.stage"
	itemMediaType      = "execution.item.media_type"
	itemMetadata       = "execution.item.metadata"
	itemStageIteration = "execution.item.stage_iteration"
	itemContent        = "execution.item.content"
	itemContentLength  = "execution.item.content_length"
	itemContentSHA256  = "execution.item.content_sha256"
	itemConfigUsed     = "execution.item.config_used"
	itemModelUsed      = "execution.item.model_used"
	itemBackendType    = "execution.item.backend_type"
	itemExecutionTime  = "execution.item.execution_time"
)

const (
	model   = "example-offline-v1"
	backend = "offline"
)

// The chain of a Stille Post run: each iteration translates into the next language.
var chain = []string{"en", "en", "fr", "nl", "hi", "tr", "pl", "ko", "en"}

// run holds one pipeline run's spans and its item counter.
type run struct {
	id       string
	tracer   trace.Tracer
	policy   string
	sequence int
}

// item is one recorded step: a span event named after its type.
type item struct {
	itemType       string
	stage          int
	stageIteration int // 0: none
	mediaType      string
	content        *string
	metadata       map[string]any
	configUsed     string
	modelUsed      string
	backendType    string
	seconds        float64
}

// add records an item on span as an event, following the conventions' item table.
func (r *run) add(span trace.Span, it item) {
	r.sequence++
	meta, _ := json.Marshal(it.metadata)
	attrs := []attribute.KeyValue{
		attribute.Int(itemSequence, r.sequence),
		attribute.Int(itemStage, it.stage),
		attribute.String(itemMediaType, it.mediaType),
		attribute.String(itemMetadata, string(meta)),
	}
	if it.stageIteration > 0 {
		attrs = append(attrs, attribute.Int(itemStageIteration, it.stageIteration))
	}
	if it.content != nil {
		if r.policy == "full" {
			attrs = append(attrs, attribute.String(itemContent, *it.content))
		} else {
			// The metadata policy: nothing of the child's text leaves the process.
			sum := sha256.Sum256([]byte(*it.content))
			attrs = append(attrs,
				attribute.Int(itemContentLength, utf8.RuneCountInString(*it.content)),
				attribute.String(itemContentSHA256, hex.EncodeToString(sum[:])))
		}
	}
	for key, value := range map[string]string{
		itemConfigUsed: it.configUsed, itemModelUsed: it.modelUsed, itemBackendType: it.backendType,
	} {
		if value != "" {
			attrs = append(attrs, attribute.String(key, value))
		}
	}
	if it.seconds > 0 {
		attrs = append(attrs, attribute.Float64(itemExecutionTime, it.seconds))
	}
	span.AddEvent(it.itemType, trace.WithAttributes(attrs...))
}

// translate is the offline stand-in for the LLM call, as a backend span of its own.
func (r *run) translate(ctx context.Context, text, from, to string) (string, float64) {
	start := time.Now()
	_, span := r.tracer.Start(ctx, "chat "+model, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(
			attribute.String(attrExecutionID, r.id),
			attribute.String(attrSpanRole, "backend"),
			attribute.String("gen_ai.operation.name", "chat"),
			attribute.String("gen_ai.provider.name", backend),
			attribute.String("gen_ai.request.model", model),
			attribute.String("gen_ai.response.model", model),
			attribute.String("gen_ai.output.type", "text"),
		))
	defer span.End()
	if from == to {
		return text, time.Since(start).Seconds()
	}
	return fmt.Sprintf("[%s] %s", to, strings.TrimPrefix(text, "["+from+"] ")), time.Since(start).Seconds()
}

func ptr(s string) *string { return &s }

// newExecutionID gives exec_YYYYMMDD_HHMMSS_<8 hex>, the record's id format.
func newExecutionID(now time.Time) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("exec_%s_%s", now.UTC().Format("20060102_150405"), hex.EncodeToString(b))
}

// pipeline runs stages 1 and 2 of Stille Post for one input and returns the run's ids.
func pipeline(ctx context.Context, tracer trace.Tracer, input, policy string) (string, string, int) {
	started := time.Now()
	r := &run{id: newExecutionID(started), tracer: tracer, policy: policy}
	runFields := []attribute.KeyValue{
		attribute.String(attrExecutionID, r.id),
		attribute.String(attrConfigName, "stillepost"),
		attribute.String(attrMode, "eco"),
		attribute.String(attrSafetyLevel, "kids"),
		attribute.String(attrUserID, "anonymous"),
		attribute.String(attrSessionID, "default"),
		attribute.String(attrTaxonomyVersion, "1.1"),
	}
	ctx, runSpan := tracer.Start(ctx, "execution stillepost",
		trace.WithAttributes(append(runFields, attribute.String(attrSpanRole, "run"))...))

	// The start span: the run's fields, pipeline_start and the child's input, ended at once.
	_, startSpan := tracer.Start(ctx, "pipeline start", trace.WithAttributes(append(runFields,
		attribute.String(attrSpanRole, "start"), attribute.Int(attrStage, 0))...))
	r.add(startSpan, item{itemType: "pipeline_start", stage: 0, mediaType: "metadata", metadata: map[string]any{
		"config_name": "stillepost", "execution_mode": "eco", "safety_level": "kids",
		"user_id": "anonymous", "session_id": "default",
		"request_timestamp": started.UTC().Format(time.RFC3339Nano),
	}})
	r.add(startSpan, item{itemType: "user_input_text", stage: 1, mediaType: "text", content: ptr(input),
		metadata: map[string]any{"input_language": "de", "char_count": utf8.RuneCountInString(input)}})
	startSpan.End()

	// Stage 1: the safety check and the translation into English.
	stage1Ctx, stage1 := tracer.Start(ctx, "stage1 pre-interception", trace.WithAttributes(
		attribute.String(attrExecutionID, r.id), attribute.String(attrSpanRole, "stage"), attribute.Int(attrStage, 1)))
	r.add(stage1, item{itemType: "stage1_safety_check", stage: 1, mediaType: "metadata",
		metadata: map[string]any{"safe": true, "method": "fast_filter", "safety_level": "kids"}, seconds: 0.0001})
	english, took := r.translate(stage1Ctx, input, "de", "en")
	r.add(stage1, item{itemType: "translation_result", stage: 1, mediaType: "text", content: ptr(english),
		metadata: map[string]any{"from_lang": "de", "to_lang": "en"}, modelUsed: model, backendType: backend, seconds: took})
	stage1.End()

	// Stage 2: one iteration span per step of the language chain, then the final item.
	stage2Ctx, stage2 := tracer.Start(ctx, "stage2 interception", trace.WithAttributes(
		attribute.String(attrExecutionID, r.id), attribute.String(attrSpanRole, "stage"), attribute.Int(attrStage, 2)))
	text := english
	for i := 1; i < len(chain); i++ {
		iterCtx, iteration := tracer.Start(stage2Ctx, "stage2 iteration", trace.WithAttributes(
			attribute.String(attrExecutionID, r.id), attribute.String(attrSpanRole, "iteration"),
			attribute.Int(attrStage, 2), attribute.Int(attrStageIteration, i)))
		text, took = r.translate(iterCtx, text, chain[i-1], chain[i])
		r.add(iteration, item{itemType: "interception_iteration", stage: 2, stageIteration: i, mediaType: "text",
			content:    ptr(text),
			metadata:   map[string]any{"from_lang": chain[i-1], "to_lang": chain[i], "iteration_type": "translation"},
			configUsed: "stillepost", modelUsed: model, backendType: backend, seconds: took})
		iteration.End()
	}
	r.add(stage2, item{itemType: "interception_final", stage: 2, mediaType: "text", content: ptr(text),
		metadata: map[string]any{"total_iterations": len(chain) - 1, "transformation_type": "stillepost",
			"language_sequence": chain}, configUsed: "stillepost"})
	stage2.End()

	// The run span ends last, with the outcome and pipeline_complete (stage 5).
	r.add(runSpan, item{itemType: "pipeline_complete", stage: 5, mediaType: "metadata", metadata: map[string]any{
		"outcome": "completed", "outputs_produced": 0, "outputs_blocked": 0, "outputs_failed": 0,
		"stages_completed": []int{1, 2}, "total_duration_seconds": time.Since(started).Seconds(),
		"total_items_logged": r.sequence + 1,
	}})
	runSpan.SetAttributes(attribute.String(attrStatus, "completed"), attribute.Int(attrOutputsProduced, 0),
		attribute.Int(attrOutputsBlocked, 0), attribute.Int(attrOutputsFailed, 0))
	runSpan.SetStatus(codes.Ok, "")
	runSpan.End()
	return r.id, runSpan.SpanContext().TraceID().String(), r.sequence
}

func main() {
	runs := flag.Int("runs", 1, "how many runs")
	input := flag.String("input", "Eine Blume auf der Wiese", "the child's text (run k of several gets \" k\" appended)")
	policy := flag.String("content-policy", "full", "full: item text in the spans; metadata: length and SHA-256 only")
	flag.Parse()
	if *policy != "full" && *policy != "metadata" {
		fmt.Fprintln(os.Stderr, "-content-policy must be full or metadata")
		os.Exit(2)
	}
	ctx := context.Background()
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "exporter:", err)
		os.Exit(1)
	}
	res, _ := resource.Merge(resource.Default(), resource.NewSchemaless(
		attribute.String("service.name", "go-stillepost"), attribute.String("service.version", "1.0.0")))
	provider := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	tracer := provider.Tracer("execution-history/examples/go-stillepost")
	out := json.NewEncoder(os.Stdout)
	for k := 1; k <= *runs; k++ {
		text := *input
		if *runs > 1 {
			text = fmt.Sprintf("%s %d", *input, k)
		}
		id, traceID, items := pipeline(ctx, tracer, text, *policy)
		_ = out.Encode(map[string]any{"execution_id": id, "trace_id": traceID, "items": items})
	}
	// Shutdown flushes every batch; a failure here means spans were lost.
	shutdownCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := provider.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintln(os.Stderr, "export:", err)
		os.Exit(1)
	}
}
