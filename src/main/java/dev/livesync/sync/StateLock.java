package dev.livesync.sync;

import dev.livesync.Exit;
import dev.livesync.LivesyncException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One running sync per state dir: an exclusive lock ({@link FileChannel#lock}, an OFD/fcntl lock the
 * kernel drops when the process dies, even by SIGKILL) on {@code STATE_DIR/lock}, held while the
 * engine runs. Two runs of one sync would both replay and rewrite the same journals. The file holds
 * the pid of the holder, for the refusal's words. {@link #acquire(EngineSettings)} also locks the
 * sync's targets ({@link TargetLocks}): one sync per target on this host.
 */
final class StateLock implements AutoCloseable {
  static final String FILE = "lock";

  private final FileChannel channel;
  private final FileLock lock;
  private TargetLocks targets;

  private StateLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Locks the state dir of sync {@code s}, then its targets; refuses (exit 75) when another run holds one. */
  static StateLock acquire(EngineSettings s) {
    StateLock l = acquire(s.stateDir(), s.name());
    try {
      l.targets = TargetLocks.acquire(s.targets(), s.name());
    } catch (RuntimeException e) {
      l.close();
      throw e;
    }
    return l;
  }

  /** Locks {@code dir} (creating it) for sync {@code name}; refuses (exit 75) when another run holds it. */
  static StateLock acquire(Path dir, String name) {
    Path file = dir.resolve(FILE);
    String unusable = problem(dir, name);
    if (unusable != null) throw new LivesyncException(unusable, Exit.CANNOT_WRITE);
    FileChannel ch;
    try {
      Files.createDirectories(dir);
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new LivesyncException(cannotUse(dir, name, e.getMessage()), Exit.CANNOT_WRITE, e);
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this process holds it already
    } catch (IOException e) {
      close(ch);
      throw new LivesyncException("cannot lock " + file + ": " + e.getMessage(), Exit.CANNOT_WRITE, e);
    }
    if (lock == null) {
      String holder = holder(ch);
      close(ch);
      throw alreadyRunning(dir, name, holder);
    }
    try {
      ch.truncate(0);
      ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    } catch (IOException e) {
      // the pid is only for the words of a refusal
    }
    return new StateLock(ch, lock);
  }

  private static LivesyncException alreadyRunning(Path dir, String name, String holder) {
    return new LivesyncException("sync " + name + " is already running" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
        + ": it holds the state dir " + dir + "; stop it first ('livesync stop'), or give this run another --name or --state-dir",
        Exit.ALREADY_RUNNING);
  }

  /**
   * The refusal {@link #acquire} would throw because another run holds {@code dir} (exit 75), or null:
   * the lock is tried and let go at once, nothing is made. For {@code run --check}.
   */
  static LivesyncException heldElsewhere(Path dir, String name) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) return null;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // this process holds it
      }
      if (lock != null) {
        lock.release();
        return null;
      }
      return alreadyRunning(dir, name, holder(ch));
    } catch (IOException e) {
      return null; // not ours to open: the state dir's own check says so
    }
  }

  /**
   * Why sync {@code name} could not make or write its state dir {@code dir} (tried, as run will: a
   * part of the path that is a file, a file system where no directory can be made), in the words
   * {@link #acquire} refuses it with; null when it can. {@code run --check} asks the same.
   */
  static String problem(Path dir, String name) {
    String p = dev.livesync.fs.DirProbe.problem(dir);
    return p == null ? null : cannotUse(dir, name, p);
  }

  private static String cannotUse(Path dir, String name, String why) {
    return "cannot use the state dir " + dir + " of sync " + name + ": " + why + " (make it writable by this user, or choose another with"
        + " --state-dir / state_dir)";
  }

  private static String holder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static void close(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing held
    }
  }

  @Override
  public void close() {
    if (targets != null) targets.close();
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    close(channel);
  }
}
