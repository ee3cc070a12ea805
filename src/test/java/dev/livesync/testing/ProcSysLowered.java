package dev.livesync.testing;

import dev.livesync.fs.KernelLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
  public static final Path LOCK = Path.of("/tmp/livesync-proc-sys.lock");
  private final String name;
  private final long saved;
  private final FileChannel channel;
  private final FileLock lock;
  private boolean restored;

  private ProcSysLowered(String name, long saved, FileChannel channel, FileLock lock) {
    this.name = name;
    this.saved = saved;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock (waits for it), saves the value and writes {@code value}. */
  public static ProcSysLowered to(String name, long value) throws IOException {
    FileChannel ch = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = ch.lock();
    long saved = KernelLimits.read(name);
    var l = new ProcSysLowered(name, saved, ch, lock);
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
      try {
        lock.release();
        channel.close();
      } catch (IOException ignored) {
        // the lock goes with the channel
      }
    }
  }
}
