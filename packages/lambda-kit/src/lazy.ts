/**
 * Builds a value on first use and keeps it: composition roots use it so a cold start only pays for
 * the clients a function touches, and warm invocations reuse them. Call sites may mark it
 * `/* @__PURE__ *\/` so bundlers drop roots a function never uses.
 */
export const lazy = <T>(build: () => T): (() => T) => {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
};
