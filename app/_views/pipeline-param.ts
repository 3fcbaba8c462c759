/** The `[pipeline]` segment as a name: decoded once, and kept as it is when it is not valid percent-encoding. */
export function pipelineParam(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
