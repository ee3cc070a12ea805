package dev.livesync.transport;

import dev.livesync.fs.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived {@code ssh … sh} session on a target host that runs small scripts sent on its stdin
 * and answers each with its exit status. It exists for renames: one ssh process per rename meant one
 * login per rename, and a busy tree renames hundreds of files a second.
 *
 * <p>Protocol: each script is written as {@code ( script ) 3>&1 </dev/null >&2} followed by
 * {@code echo "@livesync-<token> <n> $?"} (and its fd 3 is that stdout, where a long script
 * writes {@code @livesync-<token> <n> +} as its progress, {@link #PROGRESS}); the answer is the stdout line that starts with that
 * token (a random one per session, so whatever the remote login prints cannot pass for an answer)
 * and carries the request's number. The subshell keeps a script's {@code cd} and {@code exit} to
 * itself; its stdin is {@code /dev/null} so no command can eat the next script, and its stdout goes
 * to stderr so only answers appear on stdout. Scripts carry their data single-quoted
 * ({@link SshCommand#shellQuote}), so any byte but NUL — newlines, quotes, invalid UTF-8 — reaches
 * the remote shell literally, and never through a command line.
 *
 * <p>One script at a time (callers queue on a lock; a rename takes a millisecond or so). When the
 * session has died, or an answer does not come within the timeout, the session is killed by its
 * {@link ChildProcess} handle, the call answers -1, and the next call starts a new session. If our JVM
 * dies, the session's stdin reaches EOF and the remote shell, then ssh, exit by themselves.
 */
final class RemoteShell implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RemoteShell.class);
  private static final String EOF = "";
  /**
   * The shell variable a script finds its progress line in: {@code echo "$ls_progress" >&3} after
   * each step of a long script (a prune) starts the timeout again, so a script that keeps making
   * progress is never killed by it (see {@link #run}).
   */
  static final String PROGRESS = "ls_progress";

  private final Supplier<List<String>> argv;
  private final long timeoutNanos;
  private final String describe;
  private final ReentrantLock lock = new ReentrantLock();
  private Session session;
  private boolean closed;

  private record Session(ChildProcess process, OutputStream stdin, String marker, BlockingQueue<String> answers,
      long[] requests) {}

  /**
   * @param argv the ssh command line, remote command included; asked again for every new session
   *     (so it can carry the current connection master's options)
   * @param timeoutNanos how long one answer may take, the login of a new session included
   */
  RemoteShell(Supplier<List<String>> argv, long timeoutNanos, String describe) {
    this.argv = argv;
    this.timeoutNanos = timeoutNanos;
    this.describe = describe;
  }

  /**
   * Runs {@code script} (shell commands, raw bytes) in a subshell of the session and returns its exit
   * status, or -1 when the session could not be started, died or did not answer in time (it is then
   * killed, and the next call starts another). In time: within the timeout of the start, or of the
   * script's last progress line ({@link #PROGRESS}) where it writes them. Interrupting the caller
   * kills the session too.
   */
  int run(byte[] script) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      if (closed) return -1;
      if (session == null || !session.process().isAlive()) {
        if (session != null) discard("it had exited");
        session = start();
        if (session == null) return -1;
      }
      Session s = session;
      long n = ++s.requests()[0];
      var cmd = new ByteArrayOutputStream(script.length + 64);
      cmd.writeBytes(ascii("(\n" + PROGRESS + "='" + s.marker() + n + " +'\n"));
      cmd.writeBytes(script);
      cmd.writeBytes(ascii("\n) 3>&1 </dev/null >&2\necho \"" + s.marker() + n + " $?\"\n"));
      try {
        s.stdin().write(cmd.toByteArray());
        s.stdin().flush();
      } catch (IOException e) {
        discard("writing to it failed: " + e.getMessage());
        return -1;
      }
      long deadline = System.nanoTime() + timeoutNanos;
      try {
        while (true) {
          String a = s.answers().poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (a == null) {
            discard("no answer within " + timeoutNanos / 1_000_000_000L + " s");
            return -1;
          }
          if (a == EOF) {
            discard("it ended");
            return -1;
          }
          String[] f = a.substring(s.marker().length()).split(" ");
          if (f.length == 2 && f[0].equals(Long.toString(n)) && f[1].equals("+")) {
            deadline = System.nanoTime() + timeoutNanos; // progress: the timeout counts from here
            continue;
          }
          if (f.length == 2 && f[0].equals(Long.toString(n))) return Integer.parseInt(f[1]);
          // an answer to an earlier request cannot be pending (a timeout kills the session); skip garbage
        }
      } catch (InterruptedException e) {
        discard("interrupted");
        throw e;
      } catch (NumberFormatException e) {
        discard("unreadable answer");
        return -1;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The session's ssh pid while it runs (for tests). */
  OptionalLong pid() {
    lock.lock();
    try {
      return session != null && session.process().isAlive() ? OptionalLong.of(session.process().pid()) : OptionalLong.empty();
    } finally {
      lock.unlock();
    }
  }

  private Session start() {
    byte[] token = new byte[8];
    new SecureRandom().nextBytes(token);
    String marker = "@livesync-" + HexFormat.of().formatHex(token) + " ";
    ChildProcess p;
    try {
      p = ChildProcess.command(argv.get()).env("LC_ALL", "C").tail(SshMaster.STDERR_LINES).start();
    } catch (IOException e) {
      log.debug("{}: cannot start the remote shell: {}", describe, e.getMessage());
      return null;
    }
    var answers = new LinkedBlockingQueue<String>();
    // a platform thread: a virtual one blocked in this pipe's read holds a carrier for the shell's whole life (see ChildProcess)
    Thread.ofPlatform().daemon().name("remote-shell-out").stackSize(256 * 1024).start(() -> answers(p.stdout(), marker, answers));
    log.debug("{}: remote shell started (pid {})", describe, p.pid());
    return new Session(p, p.stdin(), marker, answers, new long[1]);
  }

  /** Kills the current session by its handle; the next call starts a new one. Caller holds the lock. */
  private void discard(String why) {
    Session s = session;
    session = null;
    if (s == null) return;
    s.process().kill();
    log.debug("{}: remote shell (pid {}) dropped, {}{}", describe, s.process().pid(), why, SshMaster.stderrSuffix(s.process()));
  }

  /** Hands every answer line (those starting with {@code marker}) to {@code answers}, then {@link #EOF}. */
  private static void answers(InputStream in, String marker, BlockingQueue<String> answers) {
    var line = new ByteArrayOutputStream(64);
    byte[] buf = new byte[4096];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int i = 0; i < n; i++) {
          if (buf[i] != '\n') {
            if (line.size() < 4096) line.write(buf[i]);
            continue;
          }
          String s = line.toString(StandardCharsets.ISO_8859_1);
          line.reset();
          if (s.startsWith(marker)) answers.add(s);
        }
      }
    } catch (IOException ignored) {
      // the session was killed
    }
    answers.add(EOF);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Ends the session (closing its stdin lets the remote shell exit; then it is stopped by pid). */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      Session s = session;
      session = null;
      if (s == null) return;
      try {
        s.stdin().close();
      } catch (IOException ignored) {
        // already gone
      }
      s.process().stop(SshMaster.STOP_GRACE);
    } finally {
      lock.unlock();
    }
  }
}
