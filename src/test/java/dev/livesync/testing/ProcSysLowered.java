package dev.livesync.testing;

import dev.livesync.fs.KernelLimits;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A /proc/sys/fs/inotify value lowered for a test, under the machine-wide lock file that every test
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

  /** Takes the lock ({@link ProcSysLock}, waits for it), saves the value and writes {@code value}. */
  public static ProcSysLowered to(String name, long value) throws IOException {
    ProcSysLock lock = ProcSysLock.acquire();
    long saved;
    try {
      saved = KernelLimits.read(name);
    } catch (RuntimeException e) {
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

  public long saved() {
    return saved;
  }

  /** Restores the saved value now (the lock is kept until {@link #close()}). */
  public void restore() {
    if (restored) return;
    try {
      KernelLimits.write(name, saved);
      restored = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore /proc/sys/fs/inotify/" + name + " to " + saved, e);
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
