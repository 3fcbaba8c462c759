'use client';

import { create } from 'zustand';

/**
 * UI state that is not server data: which stage is selected (mirrored into the URL, ?stage=) and
 * which group the scale dialog is open for. The dialog lives here, not inside the banner, so a
 * live update that changes the banner cannot close it mid-action.
 */
export interface ScaleTargetUi {
  job: string;
  group: string;
  suggested: number;
}

interface UiState {
  selectedStageId: string | null;
  select: (stageId: string | null) => void;
  scaleTarget: ScaleTargetUi | null;
  openScale: (target: ScaleTargetUi | null) => void;
}

export const useUiStore = create<UiState>((set) => ({
  selectedStageId: null,
  select: (selectedStageId) => set({ selectedStageId }),
  scaleTarget: null,
  openScale: (scaleTarget) => set({ scaleTarget }),
}));
