import type { RequestType } from './amqp';

/**
 * Simulated service times. Inference is the expensive stage, as in the source incident (a few
 * hundred ms for face match, about a second for OCR); reply handling is a short database write
 * that only becomes a problem when too few consumers share it.
 */
export const inferenceMeanMs: Record<RequestType, number> = { 'face-match': 250, ocr: 1200 };
export const inferenceSigma = 0.2;
export const replyHandlingMeanMs = 250;
export const replyHandlingSigma = 0.2;
