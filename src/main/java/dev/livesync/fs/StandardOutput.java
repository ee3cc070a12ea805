package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The process's standard output and error pointed at a file again, as a daemon does on SIGHUP once
 * logrotate has renamed its log: the file is opened (created {@code 0640} when missing) for appending
 * and put in place of descriptors 1 and 2, so that {@code System.out}/{@code System.err}, which write
 * to those descriptors, write to the new file from then on.
 */
public final class StandardOutput {
  private static final MethodHandle DUP2 = Downcalls.fn("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final int O_APPEND = 0x400;

  private StandardOutput() {}

  /** Descriptors 1 and 2 now append to {@code file}; throws {@link NativeException} when it cannot be opened. */
  public static void reopen(Path file) {
    byte[] path = file.toString().getBytes(StandardCharsets.UTF_8);
    int fd = Libc.open(path, Libc.O_WRONLY | Libc.O_CREAT | O_APPEND | Libc.O_CLOEXEC, 0640);
    try {
      for (int target : new int[] {1, 2}) {
        int r = (int) Libc.call(s -> (int) DUP2.invokeExact(s.errno, fd, target));
        if (r < 0) throw new NativeException("dup2", -r, path);
      }
    } finally {
      Libc.close(fd);
    }
  }
}
