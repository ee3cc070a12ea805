package dev.livesync.testing;

import dev.livesync.fs.KernelLimits;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A /proc/sys/fs/inotify value (or fanotify's queue, {@link KernelLimits#FANOTIFY_MAX_QUEUED_EVENTS}) lowered for a test, under the machine-wide lock file that every test
 * (of every engineer) takes while such a value is lowered; {@link #close()} restores the saved value,
 * then releases the lock. Use in try-with-resources and keep the lowered window short.
 *
 * <pre>{@code
 * try (var low = ProcSysLowered.to(KernelLimits.MAX_QUEUED_EVENTS, 16)) { ... } // restored here
 * }</pre>
 */
public final class ProcSysLowered implements AutoCloseable {
  private final String name;
  private final long saved;
  private final ProcSysLock lock;
  private boolean restored;

  private ProcSysLowered(String name, long saved, ProcSysLock lock) {
    this.name = name;
    this.saved = saved;
    this.lock = lock;
  }

  /**
   * Where the value to restore is written before it is lowered, and removed once it is restored: a
   * JVM killed in between (a timeout, kill -9) leaves it behind, and the next test to take the lock
   * restores that value first instead of saving the lowered one as if it were the machine's.
   */
  public static final java.nio.file.Path SAVED = java.nio.file.Path.of("/tmp/livesync-proc-sys.saved");

  /** Takes the lock ({@link ProcSysLock}, waits for it), saves the value and writes {@code value}. */
  public static ProcSysLowered to(String name, long value) throws IOException {
    ProcSysLock lock = ProcSysLock.acquire();
    long saved;
    try {
      repairLeftOver();
      saved = KernelLimits.read(name);
      java.nio.file.Files.writeString(SAVED, name + " " + saved + "\n");
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
    var l = new ProcSysLowered(name, saved, lock);
    try {
      KernelLimits.write(name, value);
    } catch (IOException | RuntimeException e) {
      l.close();
      throw e;
    }
    return l;
  }

  /** Under the lock: restores what a killed holder left lowered (see {@link #SAVED}). */
  private static void repairLeftOver() throws IOException {
    if (!java.nio.file.Files.exists(SAVED)) return;
    String[] f = java.nio.file.Files.readString(SAVED).strip().split(" ");
    if (f.length == 2) {
      System.err.println("ProcSysLowered: restoring " + f[0] + " = " + f[1] + ", left lowered by a test that was killed");
      KernelLimits.write(f[0], Long.parseLong(f[1]));
    }
    java.nio.file.Files.delete(SAVED);
  }

  public long saved() {
    return saved;
  }

  /** Restores the saved value now (the lock is kept until {@link #close()}). */
  public void restore() {
    if (restored) return;
    try {
      KernelLimits.write(name, saved);
      restored = true;
      java.nio.file.Files.deleteIfExists(SAVED);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore /proc/sys/fs/ value " + name + " to " + saved, e);
    }
  }

  @Override
  public void close() {
    try {
      restore();
    } finally {
      lock.close();
    }
  }
}
