package dev.livesync.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-module counters read from the rsync daemon's own log lines, as {@link DaemonSupervisor}
 * copies them: {@code [pid] rsync to MODULE/ from ...} opens a session (a push to us; {@code rsync
 * on} a pull), {@code [pid] sent X bytes  received Y bytes  total size Z} closes it, {@code auth
 * failed on module M} counts a refused client. Only what the daemon logs to livesync is seen: with
 * {@code --log-file} the daemon writes to that file instead and these stay at zero.
 */
public final class DaemonStats {
  private static final Pattern SESSION = Pattern.compile("^\\[(\\d+)\\] rsync (to|on) ([^/ ]+)/.* from .*");
  private static final Pattern TOTALS = Pattern.compile("^\\[(\\d+)\\] sent (\\d+) bytes\\s+received (\\d+) bytes.*");
  private static final Pattern AUTH_FAILED = Pattern.compile("^\\[(\\d+)\\] auth failed on module (\\S+) .*");

  /** One module's counters since serve started. */
  public static final class Module {
    public final AtomicLong sessions = new AtomicLong();
    public final AtomicLong receivedBytes = new AtomicLong();
    public final AtomicLong sentBytes = new AtomicLong();
    public final AtomicLong authFailures = new AtomicLong();
  }

  private final Map<String, Module> modules = new ConcurrentHashMap<>();
  private final Map<String, String> sessionModule = new ConcurrentHashMap<>();

  DaemonStats(Iterable<String> moduleNames) {
    for (String m : moduleNames) modules.put(m, new Module());
  }

  /** One log line, without rsync's date. */
  void line(String line) {
    Matcher m = SESSION.matcher(line);
    if (m.matches()) {
      sessionModule.put(m.group(1), m.group(3));
      module(m.group(3)).sessions.incrementAndGet();
      return;
    }
    m = TOTALS.matcher(line);
    if (m.matches()) {
      String mod = sessionModule.remove(m.group(1));
      if (mod == null) return;
      module(mod).sentBytes.addAndGet(Long.parseLong(m.group(2)));
      module(mod).receivedBytes.addAndGet(Long.parseLong(m.group(3)));
      return;
    }
    m = AUTH_FAILED.matcher(line);
    if (m.matches()) module(m.group(2)).authFailures.incrementAndGet();
  }

  /** A module's counters; its companion's ({@link ModuleMoves}: a client's rename) count as its own. */
  private Module module(String name) {
    if (name.endsWith(dev.livesync.MoveRequest.SUFFIX)) name = name.substring(0, name.length() - dev.livesync.MoveRequest.SUFFIX.length());
    return modules.computeIfAbsent(name, k -> new Module());
  }

  /** Counters by module name (every configured module, from 0). */
  public Map<String, Module> modules() {
    return Map.copyOf(modules);
  }
}
