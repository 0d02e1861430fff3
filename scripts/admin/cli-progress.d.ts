// cli-progress ships no types and @types/cli-progress is not a dependency: this covers the part the admin uses.
declare module 'cli-progress' {
  type BarOptions = {
    format?: string;
    stream?: NodeJS.WritableStream;
    /** Draw on a stream that is not a terminal (off by default: a pipe gets no bar). */
    noTTYOutput?: boolean;
    hideCursor?: boolean;
    clearOnComplete?: boolean;
    barsize?: number;
    fps?: number;
  };
  type Preset = { format: string; barCompleteChar: string; barIncompleteChar: string };
  class SingleBar {
    constructor(options: BarOptions, preset?: Preset);
    start(total: number, startValue: number, payload?: Record<string, unknown>): void;
    update(value: number, payload?: Record<string, unknown>): void;
    setTotal(total: number): void;
    stop(): void;
  }
  const cliProgress: {
    SingleBar: typeof SingleBar;
    Presets: { shades_classic: Preset; shades_grey: Preset; rect: Preset; legacy: Preset };
  };
  export default cliProgress;
}
