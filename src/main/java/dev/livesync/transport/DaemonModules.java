package dev.livesync.transport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The modules an rsync daemon lists ({@code rsync rsync://host:port/}), for the advice when a
 * target names one it does not have. Modules with {@code list = no} are not among them.
 */
public final class DaemonModules {
  private DaemonModules() {}

  /** A module line: its name padded to 15 columns, a tab, its comment (blanks at the end may be cut off). */
  private static final Pattern MODULE = Pattern.compile("^(\\S+)\\s*(\\t.*)?$");

  /** The names the daemon of {@code target} lists, or null when it could not be asked. */
  public static List<String> list(Target.Daemon target, TargetOptions options) throws InterruptedException {
    List<String> argv = new ArrayList<>(options.rsyncCommand());
    argv.add("--contimeout=" + Math.clamp(options.timeoutSeconds(), 1, 10));
    argv.add("rsync://" + Target.hostForUrl(target.host()) + ":" + target.port() + "/");
    Map<String, String> env = new HashMap<>();
    env.put("LC_ALL", "C");
    List<String> names = new ArrayList<>();
    RsyncProcess.Result r = RsyncProcess.run(argv, env, null, line -> {
      Matcher m = MODULE.matcher(new String(line, java.nio.charset.StandardCharsets.UTF_8));
      if (m.find()) names.add(m.group(1));
    });
    return r.exit() == 0 ? names : null;
  }
}
