/**
 * The few WebAssembly declarations the runtime uses. The project compiles against ES2023 and
 * Node's types only, and @types/node 20 does not declare the `WebAssembly` global (lib.dom
 * does); these match the WebAssembly JS API for what we call (shared memories, synchronous
 * compilation and instantiation).
 */
declare global {
  namespace WebAssembly {
    interface MemoryDescriptor {
      initial: number;
      maximum?: number;
      shared?: boolean;
    }
    class Memory {
      constructor(descriptor: MemoryDescriptor);
      readonly buffer: ArrayBuffer | SharedArrayBuffer;
      grow(delta: number): number;
    }
    class Module {
      constructor(bytes: ArrayBufferView | ArrayBuffer);
    }
    type ImportValue = Memory | ((...args: number[]) => number | undefined) | number;
    type Imports = Record<string, Record<string, ImportValue>>;
    type ExportValue = Memory | ((...args: number[]) => number);
    class Instance {
      constructor(module: Module, imports?: Imports);
      readonly exports: Record<string, ExportValue>;
    }
    function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
  }
}

export {};
