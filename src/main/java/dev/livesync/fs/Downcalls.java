package dev.livesync.fs;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The FFM plumbing every libc call of livesync goes through (bound here, called through
 * {@link Libc#call}, a failure raised as {@link NativeException}): a libc function that captures
 * errno, the captured errno read back, and what a downcall threw turned into an unchecked exception.
 */
final class Downcalls {
  private static final Linker LINKER = Linker.nativeLinker();
  /** The layout of the errno capture a {@link #fn} handle takes as its first argument. */
  static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private Downcalls() {}

  /** The libc function {@code name}, capturing errno into the segment passed as its first argument. */
  static MethodHandle fn(String name, FunctionDescriptor fd, Linker.Option... extra) {
    Linker.Option[] opts = new Linker.Option[extra.length + 1];
    opts[0] = Linker.Option.captureCallState("errno");
    System.arraycopy(extra, 0, opts, 1, extra.length);
    MemorySegment addr = LINKER.defaultLookup().find(name)
        .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    return LINKER.downcallHandle(addr, fd, opts);
  }

  /** The libc function {@code name}, for calls that do not set errno (no capture argument). */
  static MethodHandle plain(String name, FunctionDescriptor fd) {
    MemorySegment addr = LINKER.defaultLookup().find(name)
        .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    return LINKER.downcallHandle(addr, fd);
  }

  /** The errno a {@link #fn} call captured into {@code capture}. */
  static int errno(MemorySegment capture) {
    return (int) ERRNO.get(capture, 0L);
  }

  /** What {@code invokeExact} threw, to be thrown: unchecked as it was, an Error thrown on, else wrapped. */
  static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) return r;
    if (t instanceof Error e) throw e;
    return new IllegalStateException(t);
  }
}
