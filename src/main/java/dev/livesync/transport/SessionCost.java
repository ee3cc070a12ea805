package dev.livesync.transport;

import dev.livesync.fs.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * What opening one more session costs on an ssh target, as every rsync run to it pays: the round
 * trip of a command through the connection master ({@code total}), and the part of it the remote
 * login shell spent before it ran the command ({@code shellStartup}; null where the host cannot
 * tell). sshd runs every command through the user's login shell, and Debian's bash reads
 * {@code ~/.bashrc} for a command run by sshd: a {@code pyenv init} or {@code conda init} there
 * costs half a second or more per rsync run.
 *
 * <p>The remote command ({@link #COMMAND}) prints {@code /proc/uptime}, the shell's own
 * {@code /proc/$$/stat} (field 22: when sshd forked it, in clock ticks since boot) and the clock
 * tick; the shell's startup is the difference between the two times, to a tick (10 ms). What
 * comes before those three lines ({@code printed}, empty when nothing) the login's startup files
 * wrote to stdout: rsync cannot talk through a shell that prints ("is your shell clean?").
 */
public record SessionCost(Duration total, Duration shellStartup, String printed) {
  /** Run by the remote login shell: {@code $$} is that shell, whatever it execs for the last command. */
  static final String COMMAND = "cat /proc/uptime /proc/$$/stat && getconf CLK_TCK";
  /** A login shell slower than this to start is worth a warning. */
  public static final Duration SLOW_SHELL = Duration.ofMillis(200);

  /**
   * Runs {@code argv} (an ssh command line ending in {@link #COMMAND}) and times it; null when it
   * fails or does not answer within {@code timeout}. {@code started} gets the ssh process first,
   * so an owner can kill it.
   */
  static SessionCost measure(List<String> argv, Duration timeout, Consumer<ChildProcess> started) throws InterruptedException {
    var out = new StringBuilder();
    long start = System.nanoTime();
    try (ChildProcess p = ChildProcess.command(argv).noStdin().tail(5)
        .stdoutLines(line -> out.append(new String(line, StandardCharsets.UTF_8)).append('\n')).start()) {
      started.accept(p);
      if (!p.waitFor(timeout) || p.waitFor() != 0) return null;
      long total = System.nanoTime() - start;
      p.drain();
      return parse(Duration.ofNanos(total), out.toString());
    } catch (IOException e) {
      return null;
    }
  }

  /** What to do about a slow login shell: one wording for doctor and the log. */
  public static final String FIX = "make them return early for commands (for bash, 'case $- in *i*) ;; *) return;; esac' at the"
      + " top of ~/.bashrc of the login user there), or use a daemon target (livesync serve)";

  /** {@code every rsync run waits 0.43 s for the remote login shell's startup files}; only for a {@link #slowShell}. */
  public String waits() {
    return "every rsync run waits " + seconds(shellStartup) + " s for the remote login shell's startup files";
  }

  /** Whether the login shell's startup is worth a warning: every run waits for it. */
  public boolean slowShell() {
    return shellStartup != null && shellStartup.compareTo(SLOW_SHELL) >= 0;
  }

  /** {@code 0.43}: seconds, two decimals. */
  public static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.2f", d.toNanos() / 1e9);
  }

  /**
   * Reads {@link #COMMAND}'s output: its last three lines, and what a startup file printed before
   * them (non-empty lines joined by " | "). Null shell startup, and every line taken as printed, when
   * the last three are not uptime, stat and tick lines.
   */
  static SessionCost parse(Duration total, String out) {
    List<String> lines = out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    Duration startup = lines.size() < 3 ? null : startup(lines.subList(lines.size() - 3, lines.size()));
    List<String> printed = startup == null ? lines : lines.subList(0, lines.size() - 3);
    return new SessionCost(total, startup, String.join(" | ", printed));
  }

  /** The shell's startup from its uptime, stat and tick lines; null when they are not those. */
  private static Duration startup(List<String> three) {
    try {
      String[] uptime = three.get(0).split(" ");
      String stat = three.get(1);
      long ticks = Long.parseLong(three.get(2));
      int comm = stat.lastIndexOf(") ");
      if (uptime.length != 2 || comm < 0 || ticks <= 0) return null;
      // after "pid (comm) " come fields 3, 4, ...: the 22nd field is the 20th of them
      String[] fields = stat.substring(comm + 2).split(" ");
      if (fields.length < 20) return null;
      long nowMillis = Math.round(Double.parseDouble(uptime[0]) * 1000);
      long startMillis = Long.parseLong(fields[19]) * 1000 / ticks;
      return Duration.ofMillis(Math.max(0, nowMillis - startMillis));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
