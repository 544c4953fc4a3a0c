import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaResult } from './backends/media-backend.js';
import type { OutputConfig } from './catalog-schemas.js';
import type { RunContext } from './pipeline-context.js';

/** Stage 4 for one output (loop `loop`): generates the medium and records what was produced. */
export function runStage4(
  ctx: RunContext,
  output: OutputConfig,
  loop: number,
  prompt: string,
  seed: number,
): Promise<MediaResult> {
  const { tracker } = ctx;
  const backend = ctx.backends.media(ctx.request.execution_mode, output);
  return tracker.inStage(
    4,
    async () => {
      const directory = join(ctx.mediaDir, tracker.executionId);
      const watched = <T>(write: () => Promise<T>) =>
        ctx.mediaWrites ? ctx.mediaWrites.watch(tracker.executionId, write) : write();
      const { value } = await watched(async () => {
        await mkdir(directory, { recursive: true });
        return tracker.backendCall(
          {
            operation: 'generate_content',
            provider: backend.provider,
            model: output.model,
            outputType: output.media_type,
            parameters: { seed },
            inputText: prompt,
          },
          () =>
            backend.generate({
              output,
              prompt,
              seed,
              directory,
              fileStem: `output_${loop}_${output.name}`,
            }),
        );
      });
      tracker.setSeed(seed);
      tracker.logOutput(value.mediaType, {
        loop,
        filePath: value.filePath,
        configUsed: output.name,
        model: value.model,
        backend: backend.type,
        executionTime: value.generationSeconds,
        metadata: {
          ...value.metadata,
          config_version: ctx.catalog.versions.get(`output/${output.name}`),
        },
      });
      return value;
    },
    {
      loop,
      outputConfig: output.name,
      failure: { recoverable: true, configUsed: output.name, backend: backend.type },
    },
  );
}
