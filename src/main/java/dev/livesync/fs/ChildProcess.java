package dev.livesync.fs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One child process, owned by its pid from start to end: every place that runs rsync, ssh, a hook
 * or a helper goes through here, so none of them can leak one.
 *
 * <ul>
 *   <li>Its stderr (when a pipe) is always read, on a thread of its own, so the child never blocks on a
 *       full pipe; the last {@link Builder#tail} lines are kept for error messages, and each line can
 *       also go to a consumer.
 *   <li>{@link #stop} ends it with a grace period: SIGTERM, then SIGKILL if it has not exited in
 *       time. {@link #kill} sends SIGKILL at once. Both also SIGKILL whatever it started (its
 *       descendants, by pid, as they were before the signal and after) and return once it has been
 *       reaped; {@link #close} kills it if it is still running.
 * </ul>
 *
 * <p>Lines are raw bytes without their end: a newline ends a line, and so does a carriage return
 * (progress updates end in one) unless the line is empty. The tail leaves empty lines out.
 */
public final class ChildProcess implements AutoCloseable {
  /** How long {@link #kill} and {@link #stop} wait for a SIGKILLed process to be gone. */
  private static final long REAP_NANOS = TimeUnit.SECONDS.toNanos(10);
  /** How long {@link #tail} waits for the reader to see the end of an exited child's output. */
  private static final long TAIL_SETTLE_MILLIS = 1_000;

  private final Process process;
  private final ArrayDeque<byte[]> tail = new ArrayDeque<>();
  private final int tailLines;
  private final List<Thread> readers = new ArrayList<>(2);
  /** The first exception a line consumer threw; its reader went on reading (and dropping) the rest. */
  private volatile RuntimeException sinkFailure;

  private ChildProcess(Process process, int tailLines) {
    this.process = process;
    this.tailLines = tailLines;
  }

  /** A child running {@code argv}, to be set up and {@link Builder#start started}. */
  public static Builder command(List<String> argv) {
    return new Builder(argv);
  }

  public static Builder command(String... argv) {
    return new Builder(List.of(argv));
  }

  /** How the child is started. Streams default to pipes, as with {@link ProcessBuilder}. */
  public static final class Builder {
    private final ProcessBuilder pb;
    private final Map<String, String> env = new LinkedHashMap<>();
    private int tailLines = 20;
    private Consumer<byte[]> stderrLines = line -> {};
    private Consumer<byte[]> stdoutLines;
    private boolean diesWithParent;

    private Builder(List<String> argv) {
      pb = new ProcessBuilder(List.copyOf(argv));
    }

    public Builder directory(Path dir) {
      pb.directory(dir.toFile());
      return this;
    }

    /** Adds to the environment inherited from this process (secrets go here, never in argv). */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    public Builder env(Map<String, String> vars) {
      env.putAll(vars);
      return this;
    }

    public Builder stdin(Redirect r) {
      pb.redirectInput(r);
      return this;
    }

    /** stdin from /dev/null. */
    public Builder noStdin() {
      return stdin(Redirect.from(new java.io.File("/dev/null")));
    }

    public Builder stdout(Redirect r) {
      pb.redirectOutput(r);
      return this;
    }

    public Builder stderr(Redirect r) {
      pb.redirectError(r);
      return this;
    }

    /** stderr goes where stdout goes; when that is a pipe, the tail and line consumer read it. */
    public Builder mergeStderr() {
      pb.redirectErrorStream(true);
      return this;
    }

    /** How many of the last stderr lines to keep (20 by default; 0 keeps none). */
    public Builder tail(int lines) {
      tailLines = lines;
      return this;
    }

    /** Also hands each stderr line to {@code sink}, on the reading thread. */
    public Builder stderrLines(Consumer<byte[]> sink) {
      stderrLines = sink;
      return this;
    }

    /** stdout is read on a thread of its own and each line handed to {@code sink}. */
    public Builder stdoutLines(Consumer<byte[]> sink) {
      stdoutLines = sink;
      return this;
    }

    /** The kernel kills the child when this process dies, even by SIGKILL ({@link DieWithParent}). */
    public Builder diesWithParent() {
      diesWithParent = true;
      return this;
    }

    public ChildProcess start() throws IOException {
      pb.environment().putAll(env);
      var child = new ChildProcess(diesWithParent ? DieWithParent.start(pb) : pb.start(), tailLines);
      child.startReaders(pb, stdoutLines, stderrLines);
      return child;
    }
  }

  private void startReaders(ProcessBuilder pb, Consumer<byte[]> stdoutLines, Consumer<byte[]> stderrLines) {
    String name = "child-" + process.pid();
    Consumer<byte[]> errSink = line -> {
      keep(line);
      stderrLines.accept(line);
    };
    if (pb.redirectErrorStream()) {
      if (pb.redirectOutput() == Redirect.PIPE) {
        Consumer<byte[]> out = stdoutLines == null ? errSink : errSink.andThen(stdoutLines);
        read(name + "-out", process.getInputStream(), out);
      }
      return;
    }
    if (pb.redirectError() == Redirect.PIPE) {
      read(name + "-err", process.getErrorStream(), errSink);
    }
    if (stdoutLines != null && pb.redirectOutput() == Redirect.PIPE) {
      read(name + "-out", process.getInputStream(), stdoutLines);
    }
  }

  /**
   * Reads {@code in} to its end on a platform thread of its own; a consumer that throws does not stop
   * the reading. Not a virtual thread: a blocking read of a pipe holds its carrier, and the readers of
   * long-lived children (an ssh master, a remote shell) held every carrier left once the scheduler
   * had retired its spare ones, so the next rsync's output was never read and its run never ended.
   */
  private void read(String name, InputStream in, Consumer<byte[]> sink) {
    Consumer<byte[]> guarded = line -> {
      if (sinkFailure != null) return;
      try {
        sink.accept(line);
      } catch (RuntimeException e) {
        sinkFailure = e; // the child must not block on a pipe nobody reads: drop the rest
      }
    };
    readers.add(Thread.ofPlatform().daemon().name(name).stackSize(256 * 1024).start(() -> lines(in, guarded)));
  }

  private void keep(byte[] line) {
    if (tailLines <= 0 || line.length == 0) return;
    synchronized (tail) {
      if (tail.size() == tailLines) tail.removeFirst();
      tail.addLast(line);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The child's stdin (a pipe unless redirected); closing it is how a reading child learns the end. */
  public OutputStream stdin() {
    return process.getOutputStream();
  }

  /** The child's stdout, for a caller that reads it itself (not with {@link Builder#stdoutLines}). */
  public InputStream stdout() {
    return process.getInputStream();
  }

  /**
   * Writes {@code bytes} to the child's stdin and closes it. A child that exits without reading it
   * all is no error here: its exit code tells.
   */
  public void feed(byte[] bytes) {
    try (OutputStream in = process.getOutputStream()) {
      if (bytes != null && bytes.length > 0) in.write(bytes);
    } catch (IOException e) {
      // it did not read its stdin, or exited early
    }
  }

  /** Waits for the child to exit; returns its exit code. */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /** Waits up to {@code timeout} for the child to exit; false if it still runs. */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Waits until the readers have handed on the last line of output (its pipes closed); throws what a
   * line consumer threw, if one did.
   */
  public void drain() throws InterruptedException {
    for (Thread t : readers) t.join();
    if (sinkFailure != null) throw sinkFailure;
  }

  /** The exit code; only once it has exited. */
  public int exitValue() {
    return process.exitValue();
  }

  /** Completes when the child has exited. */
  public CompletableFuture<ChildProcess> onExit() {
    return process.onExit().thenApply(p -> this);
  }

  /**
   * The last stderr lines (UTF-8, a bad byte shown as U+FFFD), oldest first. Once the child has
   * exited, waits a moment for the reader to reach the end of its output first.
   */
  public List<String> tailLines() {
    if (!process.isAlive()) settle();
    synchronized (tail) {
      return tail.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }
  }

  /** {@link #tailLines} joined by newlines; empty when it printed nothing. */
  public String tail() {
    return String.join("\n", tailLines());
  }

  private void settle() {
    long deadline = System.currentTimeMillis() + TAIL_SETTLE_MILLIS;
    for (Thread t : readers) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) return;
      try {
        t.join(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * SIGTERM, then SIGKILL if it has not exited within {@code grace}; whatever it started is
   * SIGKILLed either way. Returns once it is gone: true if it ended within the grace period (or had
   * already ended). Interrupting the caller cuts the grace short (the flag stays set).
   */
  public boolean stop(Duration grace) {
    return stop(process.toHandle(), grace);
  }

  /** SIGKILL to the child and whatever it started; returns once it is gone. */
  public void kill() {
    List<ProcessHandle> tree = descendants(process.toHandle());
    process.destroyForcibly();
    killAll(tree);
    awaitGone(process.toHandle());
  }

  /** Kills it if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) kill();
  }

  /**
   * {@link #stop(Duration)} for any process by its handle, also one this code did not start (a
   * {@link Process} of another API, a pid found in a pidfile).
   */
  public static boolean stop(ProcessHandle h, Duration grace) {
    return stopTimed(h, grace) >= 0;
  }

  /** {@link #stop(ProcessHandle, Duration)}, returning when {@code h} exited (System.nanoTime(); not when it was reaped), -1 if killed. */
  public static long stopTimed(ProcessHandle h, Duration grace) {
    List<ProcessHandle> tree = descendants(h);
    if (!h.isAlive()) {
      killAll(tree);
      return System.nanoTime();
    }
    h.destroy();
    boolean clean;
    try {
      clean = ProcessState.exitWithin(h, grace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      clean = !h.isAlive();
    }
    long exited = clean ? System.nanoTime() : -1;
    if (!clean) {
      tree.addAll(descendants(h));
      h.destroyForcibly();
    }
    killAll(tree);
    if (exited < 0 || ProcessState.ours(h)) awaitGone(h); // another's zombie holds nothing: its parent reaps it when it does
    return exited;
  }

  private static List<ProcessHandle> descendants(ProcessHandle h) {
    return new ArrayList<>(h.descendants().toList());
  }

  /** SIGKILLs {@code tree} (a handle checks the start time, so a reused pid is left alone) and waits for it. */
  private static void killAll(List<ProcessHandle> tree) {
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : tree) awaitGone(h);
  }

  /** Waits (up to {@link #REAP_NANOS}, not cut short by an interrupt) for {@code h} to be gone. */
  private static void awaitGone(ProcessHandle h) {
    awaitExit(h, REAP_NANOS);
  }

  private static boolean awaitExit(ProcessHandle h, long nanos) {
    long deadline = System.nanoTime() + nanos;
    boolean interrupted = false;
    try {
      while (h.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        try {
          h.onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
          // looked at again by isAlive
        }
      }
      return true;
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /** Hands each line of {@code in} to {@code sink} until the end of input (see the class comment). */
  public static void lines(InputStream in, Consumer<byte[]> sink) {
    var line = new ByteArrayOutputStream(256);
    byte[] buf = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n' || buf[i] == '\r') {
            if (buf[i] == '\r' && line.size() == 0) continue;
            sink.accept(line.toByteArray());
            line.reset();
          } else {
            line.write(buf[i]);
          }
        }
      }
    } catch (IOException ignored) {
      // the child was killed; what was read is kept
    }
    if (line.size() > 0) sink.accept(line.toByteArray());
  }
}
