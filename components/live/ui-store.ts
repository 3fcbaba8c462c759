'use client';

import { create } from 'zustand';

/** UI state that is not server data: which stage is selected. Mirrored into the URL (?stage=). */
interface UiState {
  selectedStageId: string | null;
  select: (stageId: string | null) => void;
}

export const useUiStore = create<UiState>((set) => ({
  selectedStageId: null,
  select: (selectedStageId) => set({ selectedStageId }),
}));
