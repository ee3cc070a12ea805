package dev.livesync.transport;

import java.time.Duration;
import java.util.List;

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
 * tick; the shell's startup is the difference between the two times, to a tick (10 ms).
 */
public record SessionCost(Duration total, Duration shellStartup) {
  /** Run by the remote login shell: {@code $$} is that shell, whatever it execs for the last command. */
  static final String COMMAND = "cat /proc/uptime /proc/$$/stat && getconf CLK_TCK";

  /**
   * Reads {@link #COMMAND}'s output: its last three lines (whatever a startup file printed before
   * them is passed over). Null shell startup when they are not uptime, stat and tick lines.
   */
  static SessionCost parse(Duration total, String out) {
    List<String> lines = out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.size() < 3) return new SessionCost(total, null);
    try {
      String[] uptime = lines.get(lines.size() - 3).split(" ");
      String stat = lines.get(lines.size() - 2);
      long ticks = Long.parseLong(lines.getLast());
      int comm = stat.lastIndexOf(") ");
      if (uptime.length != 2 || comm < 0 || ticks <= 0) return new SessionCost(total, null);
      // after "pid (comm) " come fields 3, 4, ...: the 22nd field is the 20th of them
      String[] fields = stat.substring(comm + 2).split(" ");
      if (fields.length < 20) return new SessionCost(total, null);
      long nowMillis = Math.round(Double.parseDouble(uptime[0]) * 1000);
      long startMillis = Long.parseLong(fields[19]) * 1000 / ticks;
      return new SessionCost(total, Duration.ofMillis(Math.max(0, nowMillis - startMillis)));
    } catch (NumberFormatException e) {
      return new SessionCost(total, null);
    }
  }
}
