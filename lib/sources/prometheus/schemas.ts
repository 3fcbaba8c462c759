import { z } from 'zod';

/** Prometheus HTTP API envelopes. Sample values are strings because of NaN and ±Inf. */
const SampleValue = z.tuple([z.number(), z.string()]);

export const VectorResultSchema = z.array(z.object({ metric: z.record(z.string(), z.string()), value: SampleValue }));
export const MatrixResultSchema = z.array(
  z.object({ metric: z.record(z.string(), z.string()), values: z.array(SampleValue) }),
);

export const SuccessSchema = z.object({
  status: z.literal('success'),
  data: z.discriminatedUnion('resultType', [
    z.object({ resultType: z.literal('vector'), result: VectorResultSchema }),
    z.object({ resultType: z.literal('matrix'), result: MatrixResultSchema }),
    z.object({ resultType: z.literal('scalar'), result: SampleValue }),
    z.object({ resultType: z.literal('string'), result: SampleValue }),
  ]),
  warnings: z.array(z.string()).optional(),
});

export const ErrorSchema = z.object({
  status: z.literal('error'),
  errorType: z.string(),
  error: z.string(),
});
